import CCmark

extension RichDocument {
    /// Parses the Markdown once with cmark-gfm (autolink and strikethrough extensions) and
    /// walks its syntax tree. Raw HTML in the source becomes text, escaped by HTML renderers.
    init(markdown source: String) {
        let document = Markdown.withSyntaxTree(source) { root -> RichDocument in
            var reader = MarkdownTreeReader()
            reader.readChildren(of: root, containers: [])
            return RichDocument(blocks: reader.blocks)
        }
        self = document ?? RichDocument(plainText: source)
    }
}

/// Turns cmark nodes into leaf blocks, keeping the quotes and list items around each leaf.
private struct MarkdownTreeReader {
    private(set) var blocks: [RichBlock] = []
    private var nextID = 0
    /// Items entered but not yet shown: the next leaf carries their markers.
    private var pendingMarkers: Set<Int> = []

    mutating func readChildren(of node: OpaquePointer, containers: [RichContainer]) {
        var child = cmark_node_first_child(node)
        while let current = child {
            readBlock(current, containers: containers)
            child = cmark_node_next(current)
        }
    }

    private mutating func readBlock(_ node: OpaquePointer, containers: [RichContainer]) {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            emit(.paragraph, containers, InlineReader.read(node))
        case CMARK_NODE_HEADING:
            emit(.heading(level: Int(cmark_node_get_heading_level(node))), containers, InlineReader.read(node))
        case CMARK_NODE_CODE_BLOCK:
            let info = Self.string(cmark_node_get_fence_info(node))
            let language = info.split(separator: " ").first.map(String.init)
            emit(.codeBlock(language: language), containers, [.text(Self.literal(node), [])])
        case CMARK_NODE_HTML_BLOCK:
            emit(.paragraph, containers, [.text(Self.literal(node), [])])
        case CMARK_NODE_THEMATIC_BREAK:
            emit(.thematicBreak, containers, [])
        case CMARK_NODE_BLOCK_QUOTE:
            readChildren(of: node, containers: containers + [RichContainer(id: newID(), kind: .quote)])
        case CMARK_NODE_LIST:
            readList(node, containers: containers)
        default:
            readChildren(of: node, containers: containers)
        }
    }

    private mutating func readList(_ node: OpaquePointer, containers: [RichContainer]) {
        let list = RichList(
            id: newID(),
            ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
            tight: cmark_node_get_list_tight(node) != 0
        )
        var number = Int(cmark_node_get_list_start(node))
        if !list.ordered { number = 1 }
        var item = cmark_node_first_child(node)
        while let current = item {
            let container = RichContainer(id: newID(), kind: .item(list, number: number))
            pendingMarkers.insert(container.id)
            if cmark_node_first_child(current) == nil {
                // An empty item still shows its marker.
                emit(.paragraph, containers + [container], [])
            } else {
                readChildren(of: current, containers: containers + [container])
            }
            number += 1
            item = cmark_node_next(current)
        }
    }

    private mutating func emit(_ kind: RichBlock.Kind, _ containers: [RichContainer], _ inlines: [RichInline]) {
        blocks.append(RichBlock(kind: kind, containers: containers, inlines: inlines, markedItems: pendingMarkers))
        pendingMarkers = []
    }

    private mutating func newID() -> Int {
        nextID += 1
        return nextID
    }

    /// A code or HTML block's text without the final newline cmark keeps.
    private static func literal(_ node: OpaquePointer) -> String {
        var text = string(cmark_node_get_literal(node))
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}

/// Reads the inline children of one leaf, then finds hashtags in its text.
private enum InlineReader {
    static func read(_ block: OpaquePointer) -> [RichInline] {
        InlineNormalizer.normalize(children(of: block, marks: []))
    }

    private static func children(of node: OpaquePointer, marks: RichMarks) -> [RichInline] {
        var result: [RichInline] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result += inline(current, marks: marks)
            child = cmark_node_next(current)
        }
        return result
    }

    private static func inline(_ node: OpaquePointer, marks: RichMarks) -> [RichInline] {
        let literal = MarkdownTreeReader.string(cmark_node_get_literal(node))
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            return [.text(literal, marks)]
        case CMARK_NODE_SOFTBREAK:
            // CommonMark's meaning: the author wrapped a line, the reader sees a space.
            return [.text(" ", marks)]
        case CMARK_NODE_LINEBREAK:
            return [.lineBreak]
        case CMARK_NODE_CODE:
            return [.code(literal, marks)]
        case CMARK_NODE_HTML_INLINE:
            return [.text(literal.replacingOccurrences(of: "\n", with: " "), marks)]
        case CMARK_NODE_EMPH:
            return children(of: node, marks: marks.union(.emphasis))
        case CMARK_NODE_STRONG:
            return children(of: node, marks: marks.union(.strong))
        case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            return [link(node, marks: marks)]
        default:
            if MarkdownTreeReader.string(cmark_node_get_type_string(node)) == "strikethrough" {
                return children(of: node, marks: marks.union(.strikethrough))
            }
            return children(of: node, marks: marks)
        }
    }

    /// A link whose text is its URL (what the autolink extension makes of a bare URL, or
    /// `<https://…>`) stays a bare URL; an image shows as a link on its description.
    private static func link(_ node: OpaquePointer, marks: RichMarks) -> RichInline {
        let url = MarkdownTreeReader.string(cmark_node_get_url(node))
        let content = children(of: node, marks: marks)
        let shown = content.map(\.visibleText).joined()
        if shown.isEmpty || [shown, "http://" + shown, "https://" + shown, "mailto:" + shown].contains(url) {
            return .autolink(url: url, display: shown.isEmpty ? url : shown, marks)
        }
        return .link(url: url, children: InlineNormalizer.merge(content))
    }
}

/// Joins the text pieces cmark splits (at `!`, `[`...) and finds the hashtags in them.
enum InlineNormalizer {
    static func normalize(_ inlines: [RichInline]) -> [RichInline] {
        var result: [RichInline] = []
        var previous: Character?
        for inline in merge(inlines) {
            if case .text(let text, let marks) = inline {
                for piece in TextScanner.hashtagPieces(in: text, after: previous) {
                    switch piece {
                    case .text(let words): result.append(.text(words, marks))
                    case .tag(let tag): result.append(.hashtag(tag, marks))
                    }
                }
            } else {
                result.append(inline)
            }
            previous = inline.visibleText.last ?? previous
        }
        return result
    }

    /// Adjacent texts with the same marks become one.
    static func merge(_ inlines: [RichInline]) -> [RichInline] {
        var result: [RichInline] = []
        for inline in inlines {
            if case .text(let text, let marks) = inline, case .text(let before, let beforeMarks)? = result.last,
               marks == beforeMarks {
                result[result.count - 1] = .text(before + text, marks)
            } else {
                result.append(inline)
            }
        }
        return result
    }
}
