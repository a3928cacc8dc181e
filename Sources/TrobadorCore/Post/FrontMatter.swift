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

    /// Splits `text`. Throws when the front matter is opened and never closed. Reads lines as
    /// bytes up to the closing fence only: the body is taken whole, not cut into lines.
    static func split(_ text: String) throws(PostRejection) -> FrontMatter {
        let utf8 = text.utf8
        /// Where the line starting at `start` ends: its `\n`, or the end of the text.
        func lineEnd(from start: String.Index) -> String.Index {
            utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
        }
        /// The start of the line after the one ending at `end`; nil after the last line.
        func lineStart(after end: String.Index) -> String.Index? {
            end == utf8.endIndex ? nil : utf8.index(after: end)
        }
        let firstEnd = lineEnd(from: utf8.startIndex)
        guard isFence(utf8[..<firstEnd]) else { return FrontMatter(yaml: nil, firstLine: 1, body: text, bodyLine: 1) }
        guard let yamlStart = lineStart(after: firstEnd) else { throw Self.neverClosed }
        // The closing fence: its start, its end and its line's index (0-based).
        var line = 1
        var start = yamlStart
        var end = lineEnd(from: start)
        while !isFence(utf8[start..<end]) {
            guard let next = lineStart(after: end) else { throw Self.neverClosed }
            (start, end, line) = (next, lineEnd(from: next), line + 1)
        }
        // Up to the closing fence, keeping the last line's newline (a block scalar ends with it).
        let yaml = String(text[yamlStart..<start])
        var bodyIndex = line + 1
        var bodyStart = lineStart(after: end)
        // One blank line between the closing fence and the text is layout, not content (unless
        // it is the file's last line).
        if let blank = bodyStart {
            let blankEnd = lineEnd(from: blank)
            if blankEnd != utf8.endIndex, utf8[blank..<blankEnd].allSatisfy({ $0 == UInt8(ascii: "\r") }) {
                bodyStart = lineStart(after: blankEnd)
                bodyIndex += 1
            }
        }
        let body = bodyStart.map { String(text[$0...]) } ?? ""
        return FrontMatter(yaml: yaml, firstLine: 2, body: body, bodyLine: bodyIndex + 1)
    }

    private static let neverClosed = PostRejection(PostProblem(
        line: 1, column: 1,
        message: "the front matter opened by the \"---\" on line 1 is never closed",
        hint: "Add a line with only \"---\" after the last field (such as title: or tags:), before the text of the post."
    ))

    /// A `---` line, allowing trailing spaces and the `\r` of Windows line ends.
    private static func isFence(_ line: Substring.UTF8View) -> Bool {
        line.starts(with: "---".utf8)
            && line.dropFirst(3).allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }
}
