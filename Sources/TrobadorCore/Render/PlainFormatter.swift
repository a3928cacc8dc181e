/// Plain text for Mastodon, Bluesky and anything that shows text as it is: no marks, links
/// as `text (url)`, bare URLs and hashtags as written, with a facet for each.
struct PlainFormatter: RichFormatter {
    private let style = PrefixStyle.plain

    func format(_ document: RichDocument) -> FormattedText {
        var builder = FacetedTextBuilder()
        for (block, placement) in zip(document.blocks, LeafPlacement.placements(of: document.blocks)) {
            builder.append(style.separator(placement))
            builder.append(style.text(placement.firstLine))
            let linePrefix = style.text(placement.otherLines)
            if block.kind == .thematicBreak {
                builder.append("—")
            }
            for inline in block.inlines {
                write(inline, to: &builder, linePrefix: linePrefix)
            }
        }
        return FormattedText(rendered: RenderedText(text: builder.text, facets: builder.facets))
    }

    /// One inline as plain text shows it (a link as `text (url)`).
    static func text(of inline: RichInline) -> String {
        var builder = FacetedTextBuilder()
        PlainFormatter().write(inline, to: &builder, linePrefix: "")
        return builder.text
    }

    private func write(_ inline: RichInline, to builder: inout FacetedTextBuilder, linePrefix: String) {
        switch inline {
        case .text(let text, _), .code(let text, _):
            builder.append(text.replacingOccurrences(of: "\n", with: "\n" + linePrefix))
        case .lineBreak:
            builder.append("\n" + linePrefix)
        case .autolink(let url, let display, _):
            builder.append(display, feature: .link(url))
        case .hashtag(let tag, _):
            builder.append("#" + tag, feature: .tag(tag))
        case .link(let url, let children):
            for child in children { write(child, to: &builder, linePrefix: linePrefix) }
            builder.append(" (")
            builder.append(url, feature: .link(url))
            builder.append(")")
        }
    }
}

/// Accumulates text and records facets by UTF-8 byte offset as it goes.
struct FacetedTextBuilder {
    private(set) var text = ""
    private(set) var facets: [Facet] = []
    private var byteCount = 0

    mutating func append(_ string: String) {
        text += string
        byteCount += string.utf8.count
    }

    mutating func append(_ string: String, feature: Facet.Feature) {
        let start = byteCount
        append(string)
        facets.append(Facet(byteStart: start, byteEnd: byteCount, feature: feature))
    }
}
