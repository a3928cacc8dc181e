/// Where each leaf sits among its neighbours: what separates it from the previous one and
/// which quote and list prefixes start its lines. Shared by every line-based format; the HTML
/// formats rebuild the nesting from the same containers instead.
struct LeafPlacement: Equatable {
    enum Separator: Equatable {
        case none
        /// A line break: items of a tight list.
        case line
        /// A blank line: paragraphs.
        case blankLine
    }

    /// One step of a line prefix, outermost first.
    enum Prefix: Equatable {
        case quote
        /// A list marker (`•`, `3.`), on the first line of an item.
        case marker(ordered: Bool, number: Int)
        /// As wide as the marker, on the item's other lines.
        case indent(ordered: Bool, number: Int)
    }

    var separator: Separator
    /// The prefix of a blank separator line: the containers both leaves share.
    var blankLinePrefix: [Prefix]
    var firstLine: [Prefix]
    var otherLines: [Prefix]

    static func placements(of blocks: [RichBlock]) -> [LeafPlacement] {
        blocks.indices.map { index in
            let block = blocks[index]
            let others = block.containers.map { prefix(for: $0, marked: false) }
            let first = block.containers.map { prefix(for: $0, marked: block.markedItems.contains($0.id)) }
            guard index > 0 else {
                return LeafPlacement(separator: .none, blankLinePrefix: [], firstLine: first, otherLines: others)
            }
            let previous = blocks[index - 1]
            let shared = zip(previous.containers, block.containers).prefix { $0.id == $1.id }.count
            var separator = Separator.blankLine
            if shared < block.containers.count, let list = block.containers[shared].list, list.tight {
                // A next item of the same tight list, or a list nested in the item just shown.
                let sibling = shared < previous.containers.count && previous.containers[shared].list?.id == list.id
                let nested = shared == previous.containers.count && previous.containers.last?.list != nil
                if sibling || nested { separator = .line }
            }
            return LeafPlacement(
                separator: separator, blankLinePrefix: Array(others.prefix(shared)), firstLine: first, otherLines: others
            )
        }
    }

    private static func prefix(for container: RichContainer, marked: Bool) -> Prefix {
        switch container.kind {
        case .quote: .quote
        case .item(let list, let number):
            marked ? .marker(ordered: list.ordered, number: number) : .indent(ordered: list.ordered, number: number)
        }
    }
}

/// How a line-based format writes the prefixes of `LeafPlacement`.
struct PrefixStyle {
    var quote: String
    var bullet: String

    static let plain = PrefixStyle(quote: "> ", bullet: "• ")

    func marker(ordered: Bool, number: Int) -> String {
        ordered ? "\(number). " : bullet
    }

    func text(_ prefixes: [LeafPlacement.Prefix]) -> String {
        prefixes.map { prefix in
            switch prefix {
            case .quote: quote
            case .marker(let ordered, let number): marker(ordered: ordered, number: number)
            case .indent(let ordered, let number):
                String(repeating: " ", count: marker(ordered: ordered, number: number).count)
            }
        }.joined()
    }

    /// The separator before a leaf, prefixed so a blank line inside a quote stays in it.
    func separator(_ placement: LeafPlacement) -> String {
        switch placement.separator {
        case .none: ""
        case .line: "\n"
        case .blankLine:
            "\n" + String(text(placement.blankLinePrefix).reversed().drop { $0 == " " }.reversed()) + "\n"
        }
    }
}

/// Opens and closes emphasis marks between inline runs so they nest properly: a mark stays
/// open across runs that share it, and closes in the reverse order it opened.
struct MarkNesting {
    private(set) var open: [RichMarks] = []

    /// The closing and opening markup that leads from the marks open now to `marks`.
    mutating func transition(
        to marks: RichMarks, opening: (RichMarks) -> String, closing: (RichMarks) -> String
    ) -> String {
        let kept = open.prefix { marks.contains($0) }.count
        var markup = open[kept...].reversed().map(closing).joined()
        open.removeSubrange(kept...)
        for mark in RichMarks.ordered where marks.contains(mark) && !open.contains(mark) {
            markup += opening(mark)
            open.append(mark)
        }
        return markup
    }
}
