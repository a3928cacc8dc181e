/// Splitting and shortening of plain text, for callers that have a text rather than a post
/// (a summary, an override written for one channel). Paragraphs are separated by blank
/// lines; bare URLs and hashtags are found in the text and never cut.
public enum TextSplitter {
    /// `text` as parts that each fit `limit` counted by `rule`: cut at a paragraph, then a
    /// line, a sentence, a word, and between graphemes only for a word longer than a part.
    /// With `numbered`, each part ends with ` 1/3` (room for it is kept in the limit); one
    /// part that fits is returned as it is, unnumbered. Joined again, the parts give back
    /// the words of `text` in order.
    public static func split(_ text: String, limit: Int, rule: LengthRule, numbered: Bool = true) -> [String] {
        parts(text, limit: limit, rule: rule, numbered: numbered).map(\.text)
    }

    /// As `split`, with each part's facets for Bluesky (links and hashtags, byte offsets
    /// into that part).
    public static func parts(_ text: String, limit: Int, rule: LengthRule, numbered: Bool = true) -> [RenderedText] {
        DocumentSplitter(format: .bluesky, rule: rule, limit: limit)
            .thread(RichDocument(plainText: text), numbered: numbered)
            .map(\.rendered)
    }

    /// `text` followed by `link` on its own line, the text cut after the last word that
    /// leaves room for `…` and the link, so the link still works. A text that already holds
    /// the link keeps its own copy when the cut leaves it, and is not given a second one.
    public static func shorten(_ text: String, limit: Int, rule: LengthRule, keeping link: String? = nil) -> String {
        let splitter = DocumentSplitter(format: .plain, rule: rule, limit: limit)
        var document = RichDocument(plainText: text)
        guard let link else { return splitter.shortened(document).rendered.text }
        if document.links(to: link) {
            let cut = splitter.shortenedDocument(document)
            if cut.links(to: link) { return PlainFormatter().format(cut).rendered.text }
        }
        document.removeTrailingLink(link)
        let tail = RichBlock.paragraph([.autolink(url: link, display: link, [])])
        return splitter.shortened(document, keeping: [tail]).rendered.text
    }
}

extension RichDocument {
    /// Whether a link or URL of the document leads where `url` does.
    func links(to url: String) -> Bool {
        ParsedBody(document: self).linkedURLs.contains { PostLinks.sameTarget($0, url) }
    }

    /// Drops `url` when it is the last thing in the document (and its paragraph if nothing
    /// else is left), so that a shortened text does not cut it and then repeat it.
    mutating func removeTrailingLink(_ url: String) {
        guard var last = blocks.last, case .autolink(let found, _, _)? = last.inlines.last, found == url else { return }
        last.inlines.removeLast()
        while let end = last.inlines.last, end == .lineBreak || end.visibleText.allSatisfy(\.isWhitespace) {
            last.inlines.removeLast()
        }
        if case .text(let text, let marks)? = last.inlines.last {
            last.inlines[last.inlines.count - 1] = .text(String(text.reversed().drop(while: \.isWhitespace).reversed()), marks)
        }
        if last.inlines.isEmpty { blocks.removeLast() } else { blocks[blocks.count - 1] = last }
    }
}
