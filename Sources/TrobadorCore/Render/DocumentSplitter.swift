/// Fits a document into one network's limit: as one message when it fits, else as a thread
/// of parts that each fit (this file), or shortened with its link kept (`+Shorten`).
///
/// Parts are cut at a paragraph if that fills at least half a part, else at a line break,
/// a sentence, a word; a word longer than a whole part is cut between graphemes. A link, a
/// URL or a hashtag is never cut, unless it alone is longer than a part. Every part is
/// measured formatted, the way the network counts, with room kept for its ` 2/5` number.
struct DocumentSplitter {
    var formatter: any RichFormatter
    var rule: LengthRule
    var limit: Int

    init(format: TextFormat, rule: LengthRule, limit: Int) {
        formatter = format.formatter
        self.rule = rule
        self.limit = limit
    }

    /// Whether the document fits as it is.
    func fits(_ document: RichDocument) -> Bool {
        rule.count(formatter.format(document).counted) <= limit
    }

    /// The parts of the thread, formatted; numbered ` 1/3` at their end when `numbered`.
    func thread(_ document: RichDocument, numbered: Bool) -> [FormattedText] {
        let whole = formatter.format(document)
        if rule.count(whole.counted) <= limit || document.blocks.isEmpty { return [whole] }
        guard numbered else { return parts(of: document, reserving: "").map(formatter.format) }
        // The number's width depends on how many parts there are: try 1 digit, then 2...
        var digits = 1
        while true {
            let nines = String(repeating: "9", count: digits)
            let parts = parts(of: document, reserving: " \(nines)/\(nines)")
            guard String(parts.count).count > digits else {
                return parts.enumerated().map { index, part in
                    var formatted = formatter.format(part)
                    // After a code block the number goes on its own line, out of the fence.
                    let separator = part.blocks.last.map { Self.isCode($0) } == true ? "\n" : " "
                    formatted.append("\(separator)\(index + 1)/\(parts.count)")
                    return formatted
                }
            }
            digits += 1
        }
    }

    /// Cuts the document into parts that fit with `suffix` added.
    func parts(of document: RichDocument, reserving suffix: String) -> [RichDocument] {
        var split = SplitDocument(document)
        var parts: [RichDocument] = []
        var start = split.start(at: .init(leaf: 0, unit: 0))
        while start <= split.end {
            if fits(split, from: start, to: split.end, suffix: suffix) {
                parts.append(split.document(from: start, to: split.end))
                break
            }
            if let cut = bestBreak(in: split, from: start, suffix: suffix) {
                parts.append(split.document(from: start, to: cut.end))
                start = split.start(at: cut.resume)
                continue
            }
            // The first word alone is too long: a link or URL is opened only if it alone is.
            let next = SplitDocument.Position(leaf: start.leaf, unit: start.unit + 1)
            if split.isAtom(at: start), !fits(split, from: start, to: next, suffix: suffix),
               split.leaves[start.leaf].units[start.unit].inline >= 0 {
                split.breakOpenAtom(at: start)
                continue
            }
            let units = longestFit(upTo: split.wordEnd(from: start) - start.unit) { count in
                fits(split, from: start, to: .init(leaf: start.leaf, unit: start.unit + count), suffix: suffix)
            }
            let end = SplitDocument.Position(leaf: start.leaf, unit: start.unit + max(units, 1))
            parts.append(split.document(from: start, to: end))
            start = split.start(at: end)
        }
        return parts
    }

    /// The furthest break that fits, from the strongest level that fills half a part; the
    /// furthest break of any level when none does.
    private func bestBreak(in split: SplitDocument, from start: SplitDocument.Position, suffix: String) -> SplitDocument.Break? {
        let candidates = split.breaks.filter { $0.end > start }
        let count = longestFit(upTo: candidates.count) { count in
            fits(split, from: start, to: candidates[count - 1].end, suffix: suffix)
        }
        // Every break up to `count` fits: the strongest level's last one wins if it fills half.
        let fitting = candidates[..<count]
        for level in [SplitDocument.Level.block, .line, .sentence] {
            guard let found = fitting.last(where: { $0.level >= level }) else { continue }
            let length = rule.count(formatter.format(split.document(from: start, to: found.end)).counted + suffix)
            if length * 2 >= limit { return found }
        }
        return fitting.last
    }

    private func fits(
        _ split: SplitDocument, from start: SplitDocument.Position, to end: SplitDocument.Position, suffix: String
    ) -> Bool {
        rule.count(formatter.format(split.document(from: start, to: end)).counted + suffix) <= limit
    }

    /// The largest `count` in `0...maximum` for which `fits(count)` holds, assuming that a
    /// longer part never fits when a shorter one does not (one more word never shortens a
    /// text). `fits` is not asked about 0.
    func longestFit(upTo maximum: Int, _ fits: (Int) -> Bool) -> Int {
        var low = 0
        var high = maximum
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low
    }

    static func isCode(_ block: RichBlock) -> Bool {
        if case .codeBlock = block.kind { return true }
        return false
    }
}
