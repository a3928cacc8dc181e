/// A Markdown post file cut into its YAML front matter and its body.
///
/// The front matter is everything between a first line `---` and the next line `---`;
/// the body is the rest, kept byte for byte except for one blank line after the closing `---`.
struct FrontMatter: Sendable, Equatable {
    /// The YAML text between the two `---` lines; nil when the file has no front matter.
    var yaml: String?
    /// Line of the file where the YAML text starts (2 when there is a front matter).
    var firstLine: Int
    /// The Markdown body.
    var body: String
    /// Line of the file where the body starts, for messages about the body.
    var bodyLine: Int

    /// Splits `text`. Throws when the front matter is opened and never closed.
    static func split(_ text: String) throws(PostRejection) -> FrontMatter {
        let lines = lineRanges(of: text)
        guard isFence(text[lines[0]]) else {
            return FrontMatter(yaml: nil, firstLine: 1, body: text, bodyLine: 1)
        }
        guard let closing = lines.indices.dropFirst().first(where: { isFence(text[lines[$0]]) }) else {
            throw PostRejection(PostProblem(
                line: 1, column: 1,
                message: "the front matter opened by the \"---\" on line 1 is never closed",
                hint: "Add a line with only \"---\" after the last field (such as title: or tags:), before the text of the post."
            ))
        }
        // Up to the closing fence, keeping the last line's newline (a block scalar ends with it).
        let yaml = String(text[lines[1].lowerBound..<lines[closing].lowerBound])
        // Line numbers are 1-based: the closing fence is on line closing + 1.
        var bodyIndex = closing + 1
        // One blank line between the closing fence and the text is layout, not content.
        if bodyIndex < lines.count - 1, text[lines[bodyIndex]].unicodeScalars.allSatisfy({ $0 == "\r" }) {
            bodyIndex += 1
        }
        let body = bodyIndex < lines.count ? String(text[lines[bodyIndex].lowerBound...]) : ""
        return FrontMatter(yaml: yaml, firstLine: 2, body: body, bodyLine: bodyIndex + 1)
    }

    /// The range of each line, without its `\n`; a file ending with `\n` ends with an empty line.
    private static func lineRanges(of text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var start = text.startIndex
        var index = text.utf8.startIndex
        while let newline = text.utf8[index...].firstIndex(of: UInt8(ascii: "\n")) {
            ranges.append(start..<newline)
            start = text.utf8.index(after: newline)
            index = start
        }
        ranges.append(start..<text.endIndex)
        return ranges
    }

    /// A `---` line, allowing trailing spaces and the `\r` of Windows line ends.
    private static func isFence(_ line: Substring) -> Bool {
        let scalars = line.unicodeScalars
        guard scalars.starts(with: "---".unicodeScalars) else { return false }
        return scalars.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }
}
