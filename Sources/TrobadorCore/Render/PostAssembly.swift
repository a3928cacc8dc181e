/// The blocks of one message built from a post: its title, its body, the event line, the link
/// if the body does not hold it, and the tags the body does not already show as hashtags.
///
/// A body that ends with a paragraph of hashtags keeps it last: the event line and the link
/// go before it, and the missing tags join it.
struct PostAssembly {
    /// Title, body and event line.
    var head: [RichBlock]
    /// The post's link on its own line; nil when the post has none.
    var link: RichBlock?
    /// Whether the body already links to the post's link.
    var linkInBody: Bool
    /// The hashtags paragraph, last.
    var tags: RichBlock?

    init(post: Post, body: RichDocument, contents: PostComposer.Contents, eventLine: EventLine) {
        head = []
        if contents.contains(.title), let title = post.title?.trimmingWhitespace(), !title.isEmpty {
            head.append(RichBlock(kind: .title, inlines: InlineNormalizer.normalize([.text(String(title), [])])))
        }
        var blocks = body.blocks
        var tagsParagraph = blocks.last.flatMap(Self.isHashtagsOnly) == true ? blocks.removeLast() : nil
        head += blocks
        if contents.contains(.event), let event = post.event {
            head.append(.paragraph([.text(eventLine.text(for: event), [])]))
        }
        let bodyLinks = ParsedBody(document: body).linkedURLs
        linkInBody = post.link.map { link in bodyLinks.contains { PostLinks.sameTarget($0, link) } } ?? false
        link = contents.contains(.link) ? post.link.map { .paragraph([.autolink(url: $0, display: $0, [])]) } : nil

        if contents.contains(.tags) {
            var present = Set(ParsedBody(document: body).hashtags.map(PostLinks.tagKey))
            for tag in post.tags.compactMap(PostLinks.hashtag(fromTag:)) where present.insert(PostLinks.tagKey(tag)).inserted {
                var paragraph = tagsParagraph ?? .paragraph([])
                if !paragraph.inlines.isEmpty { paragraph.inlines.append(.text(" ", [])) }
                paragraph.inlines.append(.hashtag(tag, []))
                tagsParagraph = paragraph
            }
        }
        tags = tagsParagraph
    }

    /// Everything, the link included unless the body has it.
    var whole: RichDocument {
        RichDocument(blocks: head + (linkInBody ? [] : link.map { [$0] } ?? []) + (tags.map { [$0] } ?? []))
    }

    /// Everything but the link, for shortening with the link kept after the cut.
    var withoutLink: RichDocument {
        RichDocument(blocks: head + (tags.map { [$0] } ?? []))
    }

    private static func isHashtagsOnly(_ block: RichBlock) -> Bool {
        guard block.kind == .paragraph, block.containers.isEmpty else { return false }
        var sawTag = false
        for inline in block.inlines {
            switch inline {
            case .hashtag: sawTag = true
            case .text(let text, _) where text.allSatisfy(\.isWhitespace): continue
            default: return false
            }
        }
        return sawTag
    }
}
