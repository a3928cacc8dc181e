/// A document seen as a row of unbreakable units (a grapheme of text, or a whole link,
/// URL or hashtag) with the places it may be cut between them. Cutting happens here, on the
/// structure, before any formatting: each part is then formatted on its own, so its markup is
/// always balanced and its facets always point into its own text.
struct SplitDocument {
    /// Where a cut may go, strongest first in preference.
    enum Level: Int, Comparable {
        case word, sentence, line, block

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct Position: Comparable {
        var leaf: Int
        var unit: Int

        static func < (lhs: Position, rhs: Position) -> Bool {
            (lhs.leaf, lhs.unit) < (rhs.leaf, rhs.unit)
        }
    }

    /// A part may end at `end`; the next one starts at `resume` (after the spaces dropped).
    struct Break {
        var end: Position
        var resume: Position
        var level: Level
    }

    private(set) var leaves: [SplitLeaf]
    private(set) var breaks: [Break] = []

    init(_ document: RichDocument) {
        leaves = document.blocks.map(SplitLeaf.init)
        breaks = Self.breaks(in: leaves)
    }

    /// Past the last unit.
    var end: Position {
        Position(leaf: leaves.count - 1, unit: leaves.last?.units.count ?? 0)
    }

    /// `position` moved past spaces and finished leaves: where a part really starts.
    func start(at position: Position) -> Position {
        var position = position
        while position.leaf < leaves.count {
            let units = leaves[position.leaf].units
            while position.unit < units.count, units[position.unit].isSpace { position.unit += 1 }
            if position.unit < units.count { return position }
            position = Position(leaf: position.leaf + 1, unit: 0)
        }
        return Position(leaf: leaves.count, unit: 0)
    }

    /// The units from `start` up to `end`, as a document of their own.
    func document(from start: Position, to end: Position) -> RichDocument {
        var blocks: [RichBlock] = []
        for index in start.leaf...min(end.leaf, leaves.count - 1) {
            let lower = index == start.leaf ? start.unit : 0
            let upper = index == end.leaf ? end.unit : leaves[index].units.count
            if lower < upper { blocks.append(leaves[index].slice(lower..<upper)) }
        }
        return RichDocument(blocks: blocks)
    }

    /// Where the word that begins at `start` ends (the next space, or the leaf's end).
    func wordEnd(from start: Position) -> Int {
        let units = leaves[start.leaf].units
        return units[start.unit...].firstIndex(where: \.isSpace) ?? units.count
    }

    func isAtom(at position: Position) -> Bool {
        leaves[position.leaf].units[position.unit].kind == .atom
    }

    /// Turns the link, URL or hashtag at `position` into plain text that can be cut: only
    /// for one that alone exceeds the limit.
    mutating func breakOpenAtom(at position: Position) {
        leaves[position.leaf].breakOpenAtom(at: position.unit)
        breaks = Self.breaks(in: leaves)
    }

    private static func breaks(in leaves: [SplitLeaf]) -> [Break] {
        var breaks: [Break] = []
        for (index, leaf) in leaves.enumerated() {
            breaks += leaf.breaks.map { range, level in
                Break(end: Position(leaf: index, unit: range.lowerBound),
                      resume: Position(leaf: index, unit: range.upperBound), level: level)
            }
            if index + 1 < leaves.count {
                breaks.append(Break(end: Position(leaf: index, unit: leaf.units.count),
                                    resume: Position(leaf: index + 1, unit: 0), level: .block))
            }
        }
        return breaks
    }
}

/// One unbreakable piece of a leaf.
struct SplitUnit {
    enum Kind: Equatable { case glyph, space, lineBreak, atom }

    var kind: Kind
    /// The inline it comes from; -1 for the stand-in of a leaf without inlines (a rule).
    var inline: Int
    /// For a glyph or space: its place among the inline's characters.
    var character: Int
    var glyph: Character?

    var isSpace: Bool { kind == .space || kind == .lineBreak }
}

/// A leaf block cut into units, with the spaces it may break at.
struct SplitLeaf {
    private(set) var block: RichBlock
    private(set) var units: [SplitUnit] = []
    private var characters: [[Character]] = []

    init(_ block: RichBlock) {
        self.block = block
        measure()
    }

    /// The leaf's units in `range`, as a block; a part that does not start the leaf shows no
    /// list marker.
    func slice(_ range: Range<Int>) -> RichBlock {
        var inlines: [RichInline] = []
        var pending: (inline: Int, characters: [Character])?
        func flush() {
            guard let (index, text) = pending else { return }
            switch block.inlines[index] {
            case .code(_, let marks): inlines.append(.code(String(text), marks))
            case .text(_, let marks): inlines.append(.text(String(text), marks))
            default: break
            }
            pending = nil
        }
        for unit in units[range] where unit.inline >= 0 {
            if unit.kind == .atom || unit.kind == .lineBreak && block.inlines[unit.inline] == .lineBreak {
                flush()
                inlines.append(block.inlines[unit.inline])
            } else if pending?.inline == unit.inline {
                pending?.characters.append(characters[unit.inline][unit.character])
            } else {
                flush()
                pending = (unit.inline, [characters[unit.inline][unit.character]])
            }
        }
        flush()
        var sliced = block
        sliced.inlines = inlines
        if range.lowerBound > 0 { sliced.markedItems = [] }
        return sliced
    }

    /// The spaces a part may end at, with how strong a break each is.
    var breaks: [(Range<Int>, SplitDocument.Level)] {
        var result: [(Range<Int>, SplitDocument.Level)] = []
        var index = 0
        while index < units.count {
            guard units[index].isSpace else {
                index += 1
                continue
            }
            let start = index
            while index < units.count, units[index].isSpace { index += 1 }
            guard start > 0, index < units.count else { continue }
            if units[start..<index].contains(where: { $0.kind == .lineBreak }) {
                result.append((start..<index, .line))
            } else if BreakRules.allowsBreak(before: units[index].glyph, after: units[start - 1].glyph) {
                let sentence = BreakRules.endsSentence(units[..<start].reversed().lazy.map(\.glyph))
                result.append((start..<index, sentence ? .sentence : .word))
            }
        }
        return result
    }

    mutating func breakOpenAtom(at index: Int) {
        let inline = units[index].inline
        guard inline >= 0 else { return }
        block.inlines[inline] = .text(PlainFormatter.text(of: block.inlines[inline]), [])
        measure()
    }

    private mutating func measure() {
        units = []
        characters = block.inlines.map { inline in
            switch inline {
            case .text(let text, _), .code(let text, _): Array(text)
            default: []
            }
        }
        for (index, inline) in block.inlines.enumerated() {
            switch inline {
            case .text, .code:
                for (offset, character) in characters[index].enumerated() {
                    let kind: SplitUnit.Kind = character.isNewline ? .lineBreak
                        : BreakRules.isBreakingSpace(character) ? .space : .glyph
                    units.append(SplitUnit(kind: kind, inline: index, character: offset, glyph: character))
                }
            case .lineBreak:
                units.append(SplitUnit(kind: .lineBreak, inline: index, character: 0, glyph: "\n"))
            case .link, .autolink, .hashtag:
                units.append(SplitUnit(kind: .atom, inline: index, character: 0, glyph: nil))
            }
        }
        if units.isEmpty {
            // A rule or an empty item still takes a place in a part.
            units.append(SplitUnit(kind: .atom, inline: -1, character: 0, glyph: nil))
        }
    }
}
