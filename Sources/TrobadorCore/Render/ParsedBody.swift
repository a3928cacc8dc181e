/// A post body parsed once (with cmark-gfm for Markdown), ready to be rendered in every
/// format without parsing again.
public struct ParsedBody: Sendable, Equatable {
    let document: RichDocument

    /// Parses Markdown, as post bodies are written. A body parsed moments ago for another
    /// channel is not parsed again.
    public init(markdown: String) {
        document = Self.recent.value(for: ExactText(markdown)) { RichDocument(markdown: $0.text) }
    }

    private static let recent = RecentValues<ExactText, RichDocument>(capacity: 128)

    /// Reads text written without Markdown (a summary): paragraphs, URLs and hashtags only.
    public init(plainText: String) {
        document = RichDocument(plainText: plainText)
    }

    init(document: RichDocument) {
        self.document = document
    }

    /// The whole body in `format`, with no limit applied.
    public func rendered(as format: TextFormat) -> RenderedText {
        format.formatter.format(document).rendered
    }

    /// The URLs the body links to.
    public var linkedURLs: [String] {
        document.blocks.flatMap { block in
            block.inlines.flatMap { inline -> [String] in
                switch inline {
                case .link(let url, _), .autolink(let url, _, _): [url]
                default: []
                }
            }
        }
    }

    /// The hashtags written in the body, without `#`.
    public var hashtags: [String] {
        document.blocks.flatMap { block in
            block.inlines.compactMap { inline in
                if case .hashtag(let tag, _) = inline { return tag }
                return nil
            }
        }
    }
}
