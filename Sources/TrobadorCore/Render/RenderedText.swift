/// One message's text as a network receives it, with what the network needs beside it.
public struct RenderedText: Sendable, Equatable {
    /// The text to send, in the network's format (plain, HTML, mrkdwn, Markdown).
    public var text: String
    /// Links and hashtags located by UTF-8 byte offsets into `text`, for Bluesky's rich
    /// text facets. Filled for the plain-text formats; empty for formatted ones.
    public var facets: [Facet]
    /// The plain rendering beside a rich one, for networks that take both (Matrix `body`
    /// beside `formatted_body`); nil where the network takes one text.
    public var plainText: String?

    public init(text: String, facets: [Facet] = [], plainText: String? = nil) {
        self.text = text
        self.facets = facets
        self.plainText = plainText
    }
}

/// A decorated stretch of a rendered text: Bluesky's `app.bsky.richtext.facet`.
public struct Facet: Sendable, Equatable, Hashable {
    /// What the stretch is.
    public enum Feature: Sendable, Equatable, Hashable {
        /// `app.bsky.richtext.facet#link`: the full URL, even where the text shows less.
        case link(String)
        /// `app.bsky.richtext.facet#tag`: the tag without its `#`.
        case tag(String)
    }

    /// UTF-8 byte offset of the first byte, inclusive.
    public var byteStart: Int
    /// UTF-8 byte offset past the last byte, exclusive.
    public var byteEnd: Int
    public var feature: Feature

    public init(byteStart: Int, byteEnd: Int, feature: Feature) {
        self.byteStart = byteStart
        self.byteEnd = byteEnd
        self.feature = feature
    }
}
