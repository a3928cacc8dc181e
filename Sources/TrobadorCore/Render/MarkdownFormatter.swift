/// Markdown for the networks that show it (Discord, Teams, ntfy), each through its dialect:
/// the formatting comes from the syntax tree, and characters of the text that the network
/// would read as formatting are escaped with a backslash.
struct MarkdownFormatter: RichFormatter {
    let dialect: MarkdownDialect

    private var style: PrefixStyle { PrefixStyle(quote: dialect.quote, bullet: "- ") }

    func format(_ document: RichDocument) -> FormattedText {
        var text = ""
        for (block, placement) in zip(document.blocks, LeafPlacement.placements(of: document.blocks)) {
            text += style.separator(placement) + style.text(placement.firstLine)
            let linePrefix = style.text(placement.otherLines)
            switch block.kind {
            case .codeBlock(let language):
                let code = block.inlines.map(\.visibleText).joined()
                if dialect.code {
                    let fence = String(repeating: "`", count: max(3, Self.longestBacktickRun(in: code) + 1))
                    text += (fence + (language ?? "") + "\n" + code + "\n" + fence)
                        .replacingOccurrences(of: "\n", with: "\n" + linePrefix)
                } else {
                    text += inlines([.text(code, [])], base: [], linePrefix: linePrefix)
                }
            case .thematicBreak:
                text += "—"
            case .heading(let level):
                if case .hashes(let maxLevel) = dialect.headings {
                    text += String(repeating: "#", count: min(max(level, 1), maxLevel)) + " "
                    text += inlines(block.inlines, base: [], linePrefix: linePrefix, atLineStart: false)
                } else {
                    text += inlines(block.inlines, base: .strong, linePrefix: linePrefix)
                }
            case .title:
                text += inlines(block.inlines, base: .strong, linePrefix: linePrefix)
            case .paragraph:
                text += inlines(block.inlines, base: [], linePrefix: linePrefix)
            }
        }
        return FormattedText(rendered: RenderedText(text: text))
    }

    private func inlines(
        _ inlines: [RichInline], base: RichMarks, linePrefix: String, atLineStart: Bool = true
    ) -> String {
        var text = ""
        var nesting = MarkNesting()
        var atLineStart = atLineStart
        func marks(_ marks: RichMarks) {
            let markup = nesting.transition(to: marks.union(base), opening: mark, closing: mark)
            text += markup
            if !markup.isEmpty { atLineStart = false }
        }
        func words(_ words: String) {
            for (index, line) in words.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if index > 0 {
                    text += "\n" + linePrefix
                    atLineStart = true
                }
                text += dialect.escape(String(line), atLineStart: atLineStart)
                if !line.isEmpty { atLineStart = false }
            }
        }
        for inline in inlines {
            switch inline {
            case .text(let content, let textMarks):
                marks(textMarks)
                words(content)
            case .code(let code, let codeMarks):
                marks(codeMarks)
                if dialect.code {
                    text += Self.codeSpan(code)
                    atLineStart = false
                } else {
                    words(code)
                }
            case .lineBreak:
                text += dialect.lineBreak + linePrefix
                atLineStart = true
            case .hashtag(let tag, let tagMarks):
                marks(tagMarks)
                text += "#" + dialect.escape(tag, atLineStart: false)
                atLineStart = false
            case .autolink(let url, let display, let linkMarks):
                marks(linkMarks)
                text += bareLink(url, display: display)
                atLineStart = false
            case .link(let url, let children):
                marks([])
                text += link(url, label: children.map(\.visibleText).joined())
                atLineStart = false
            }
        }
        text += nesting.transition(to: [], opening: mark, closing: mark)
        return text
    }

    private func bareLink(_ url: String, display: String) -> String {
        switch dialect.bareURLs {
        case .asWritten where display == url: url
        case .angleBrackets where display == url && LinkSafety.isWebOrMail(url): "<" + url + ">"
        default: link(url, label: display)
        }
    }

    private func link(_ url: String, label: String) -> String {
        let label = dialect.escape(label.replacingOccurrences(of: "\n", with: " "), atLineStart: false)
        return "[" + label + "](" + Self.destination(url) + ")"
    }

    private func mark(_ mark: RichMarks) -> String {
        switch mark {
        case .strong: dialect.strong
        case .emphasis: dialect.emphasis
        default: dialect.strikethrough ?? ""
        }
    }

    /// Characters that would end or break a link destination, percent-encoded as in any URL.
    private static func destination(_ url: String) -> String {
        var encoded = ""
        for character in url {
            switch character {
            case " ": encoded += "%20"
            case "(": encoded += "%28"
            case ")": encoded += "%29"
            case "<": encoded += "%3C"
            case ">": encoded += "%3E"
            default: encoded.append(character)
            }
        }
        return encoded
    }

    /// A code span whose fence is longer than any run of backticks inside it.
    private static func codeSpan(_ code: String) -> String {
        let fence = String(repeating: "`", count: longestBacktickRun(in: code) + 1)
        let padding = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
        return fence + padding + code + padding + fence
    }

    private static func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
