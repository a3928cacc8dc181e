/// What one network's Markdown shows, and which characters from the text must be escaped
/// with a backslash so they stay characters instead of becoming formatting.
struct MarkdownDialect: Sendable {
    enum Headings: Sendable {
        /// `#` to `######`, up to this level (deeper headings use the deepest).
        case hashes(maxLevel: Int)
        /// No headings: a bold line.
        case bold
    }

    enum BareURLs: Sendable {
        /// The network links bare URLs itself.
        case asWritten
        /// CommonMark's `<https://…>`.
        case angleBrackets
        /// `[url](url)`, for renderers that find no bare URL.
        case bracketed
    }

    var strong = "**"
    var emphasis: String
    /// Nil where strikethrough does not exist: the words stay, unmarked.
    var strikethrough: String?
    var headings: Headings
    var bareURLs: BareURLs
    var quote: String
    /// What ends a line inside a paragraph (a hard break).
    var lineBreak: String
    /// Whether inline code and code blocks exist; if not, code shows as text.
    var code: Bool
    /// Escaped wherever they appear in the text.
    var escaped: Set<Character>

    /// Discord: headings `#` to `###`, masked links, `~~strike~~`; `<` and `>` escaped too
    /// since `<@id>` and `<#id>` mean mentions and channels, `|` since `||` means a spoiler.
    static let discord = MarkdownDialect(
        emphasis: "*", strikethrough: "~~", headings: .hashes(maxLevel: 3), bareURLs: .asWritten,
        quote: "> ", lineBreak: "\n", code: true, escaped: ["\\", "*", "_", "~", "`", "|", "[", "]", "<", ">"]
    )

    /// An Adaptive Card `TextBlock`: bold, `_italic_`, lists and `[links](url)` only; no
    /// headings, quotes, code or strikethrough, so quotes get a bar drawn as text. A single
    /// line break does not show in a `TextBlock`: a hard break becomes a blank line.
    static let teams = MarkdownDialect(
        emphasis: "_", strikethrough: nil, headings: .bold, bareURLs: .bracketed,
        quote: "│ ", lineBreak: "\n\n", code: false, escaped: ["\\", "*", "_", "[", "]"]
    )

    /// ntfy's web app: CommonMark with GitHub's strikethrough; `&` escaped since CommonMark
    /// reads `&amp;` as an entity, `<` since it starts raw HTML; a hard break is CommonMark's
    /// backslash at the end of the line.
    static let ntfy = MarkdownDialect(
        emphasis: "_", strikethrough: "~~", headings: .hashes(maxLevel: 6), bareURLs: .angleBrackets,
        quote: "> ", lineBreak: "\\\n", code: true, escaped: ["\\", "*", "_", "~", "`", "[", "]", "<", ">", "&"]
    )

    /// `text` with every character the dialect reads as formatting escaped. At the start of
    /// a line, a `#`, `>`, `-`, `+` or a number with `.` or `)` would start a heading, a quote
    /// or a list: escaped as well.
    func escape(_ text: String, atLineStart: Bool) -> String {
        var escapedText = ""
        for character in text {
            if escaped.contains(character) { escapedText.append("\\") }
            escapedText.append(character)
        }
        guard atLineStart, let first = escapedText.first else { return escapedText }
        if "#>-+=".contains(first) { return "\\" + escapedText }
        let digits = escapedText.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let after = escapedText.dropFirst(digits.count)
            if let next = after.first, next == "." || next == ")" {
                return String(digits) + "\\" + after
            }
        }
        return escapedText
    }
}
