extension DocumentSplitter {
    /// For networks without threads: the document cut after the last word that leaves room,
    /// marked with `…`, then `tail` (the post's link) whole, so the reader can follow it to
    /// the rest. If even the link alone does not fit, the text and link are shortened together.
    func shortened(_ document: RichDocument, keeping tail: [RichBlock] = []) -> FormattedText {
        formatter.format(shortenedDocument(document, keeping: tail))
    }

    /// What `shortened` formats.
    func shortenedDocument(_ document: RichDocument, keeping tail: [RichBlock] = []) -> RichDocument {
        let whole = RichDocument(blocks: document.blocks + tail)
        if fits(whole) { return whole }
        var split = SplitDocument(document)
        let origin = SplitDocument.Position(leaf: 0, unit: 0)
        func cut(at end: SplitDocument.Position) -> RichDocument {
            var blocks = split.document(from: origin, to: end).blocks
            // `…` marks words cut off. Before the link, a cut after a whole paragraph or a full
            // stop needs none: it would only double the punctuation, and the link says there
            // is more.
            let units = split.leaves[end.leaf].units
            let sentenceEnds = BreakRules.endsSentence(units[..<end.unit].reversed().lazy.map(\.glyph))
            if !blocks.isEmpty, tail.isEmpty || end.unit < units.count && !sentenceEnds {
                blocks[blocks.count - 1].inlines.append(.text("…", []))
            }
            return RichDocument(blocks: blocks + tail)
        }
        let breaks = split.breaks
        let count = longestFit(upTo: breaks.count) { fits(cut(at: breaks[$0 - 1].end)) }
        if count > 0 { return cut(at: breaks[count - 1].end) }

        // Not even the first word fits whole: cut it between graphemes.
        let start = split.start(at: origin)
        while start <= split.end {
            let units = longestFit(upTo: split.wordEnd(from: start) - start.unit) { count in
                fits(cut(at: .init(leaf: start.leaf, unit: start.unit + count)))
            }
            if units > 0 { return cut(at: .init(leaf: start.leaf, unit: start.unit + units)) }
            guard split.isAtom(at: start), split.leaves[start.leaf].units[start.unit].inline >= 0 else { break }
            split.breakOpenAtom(at: start)
        }
        if !tail.isEmpty {
            return shortenedDocument(whole, keeping: [])
        }
        return RichDocument(blocks: [.paragraph([.text("…", [])])])
    }
}
