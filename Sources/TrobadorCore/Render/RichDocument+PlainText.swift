extension RichDocument {
    /// Text written without Markdown (a summary, a text to split): paragraphs at blank lines,
    /// single line breaks kept, bare `http(s)` URLs and hashtags recognised as atoms.
    init(plainText text: String) {
        var blocks: [RichBlock] = []
        var lines: [Substring] = []
        func closeParagraph() {
            if !lines.isEmpty { blocks.append(.paragraph(Self.inlines(ofLines: lines))) }
            lines = []
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty {
                closeParagraph()
            } else {
                lines.append(trimmed)
            }
        }
        closeParagraph()
        self.init(blocks: blocks)
    }

    private static func inlines(ofLines lines: [Substring]) -> [RichInline] {
        var result: [RichInline] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { result.append(.lineBreak) }
            result += inlines(ofLine: Array(line))
        }
        return InlineNormalizer.normalize(result)
    }

    private static func inlines(ofLine characters: [Character]) -> [RichInline] {
        var inlines: [RichInline] = []
        var position = 0
        for range in TextScanner.urlRanges(in: characters) {
            if range.lowerBound > position {
                inlines.append(.text(String(characters[position..<range.lowerBound]), []))
            }
            let url = String(characters[range])
            inlines.append(.autolink(url: url, display: url, []))
            position = range.upperBound
        }
        if position < characters.count {
            inlines.append(.text(String(characters[position...]), []))
        }
        return inlines
    }
}

extension StringProtocol {
    /// Without the spaces, tabs and line breaks at both ends.
    func trimmingWhitespace() -> SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        return self[first...last]
    }
}
