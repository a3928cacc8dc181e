/// A post body as every renderer sees it: the Markdown syntax tree read once, flattened into
/// leaf blocks in reading order. Each leaf remembers the quotes and list items around it, so
/// a renderer can rebuild the nesting (HTML) or prefix its lines (`> `, `• `), and the splitter
/// can cut between or inside leaves and format each part on its own, with balanced markup.
struct RichDocument: Sendable, Equatable {
    var blocks: [RichBlock]

    init(blocks: [RichBlock] = []) {
        self.blocks = blocks
    }
}

/// One leaf block: a paragraph, a heading, a code block...
struct RichBlock: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case paragraph
        case heading(level: Int)
        /// The post's title, added by the composer: shown as each network shows a title.
        case title
        /// The literal code is the single `.text` inline.
        case codeBlock(language: String?)
        case thematicBreak
    }

    var kind: Kind
    /// Outermost first.
    var containers: [RichContainer]
    var inlines: [RichInline]
    /// Ids of the list items whose marker this leaf shows: only the first leaf of an item
    /// shows it, and a part cut from the middle of an item shows none.
    var markedItems: Set<Int>

    init(kind: Kind, containers: [RichContainer] = [], inlines: [RichInline], markedItems: Set<Int> = []) {
        self.kind = kind
        self.containers = containers
        self.inlines = inlines
        self.markedItems = markedItems
    }

    static func paragraph(_ inlines: [RichInline]) -> RichBlock {
        RichBlock(kind: .paragraph, inlines: inlines)
    }
}

/// A block quote or a list item around leaves; `id` tells two items of one list apart.
struct RichContainer: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case quote
        case item(RichList, number: Int)
    }

    var id: Int
    var kind: Kind

    var list: RichList? {
        if case .item(let list, _) = kind { return list }
        return nil
    }
}

/// What the items of one list share.
struct RichList: Sendable, Equatable {
    var id: Int
    var ordered: Bool
    /// Tight lists keep their items on consecutive lines; loose ones separate them by a blank line.
    var tight: Bool
}

/// Emphasis marks that wrap inline content; the order of the cases is the order they open.
struct RichMarks: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let strong = RichMarks(rawValue: 1)
    static let emphasis = RichMarks(rawValue: 2)
    static let strikethrough = RichMarks(rawValue: 4)

    /// In opening order.
    static let ordered: [RichMarks] = [.strong, .emphasis, .strikethrough]
}

/// Inline content. Links, autolinks and hashtags are atoms: the splitter never cuts them.
enum RichInline: Sendable, Equatable {
    case text(String, RichMarks)
    case code(String, RichMarks)
    /// `[text](url)`: the text differs from the URL.
    case link(url: String, children: [RichInline])
    /// A URL shown as itself (`display` may lack the scheme: `www.example.org`).
    case autolink(url: String, display: String, RichMarks)
    /// Without the `#`.
    case hashtag(String, RichMarks)
    /// A hard line break (two spaces or a backslash at the end of a line).
    case lineBreak

    /// The words without any mark, as plain text shows them (link URLs left out).
    var visibleText: String {
        switch self {
        case .text(let text, _), .code(let text, _): text
        case .link(_, let children): children.map(\.visibleText).joined()
        case .autolink(_, let display, _): display
        case .hashtag(let tag, _): "#" + tag
        case .lineBreak: "\n"
        }
    }
}
