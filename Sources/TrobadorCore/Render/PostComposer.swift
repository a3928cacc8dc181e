import Foundation

/// Builds what one channel sends for a post: the title (bold where the format has bold, a
/// line of its own otherwise), the body, the event line, the link if the body does not
/// already hold it, and the post's tags as hashtags if the body does not already show them.
///
/// When it does not fit the channel's limit, counted the way the network counts:
/// - with threads, it becomes a numbered thread (`DocumentSplitter`);
/// - without, the summary (with title, event, link and tags) replaces the body if the post
///   has one, and is itself shortened if still too long;
/// - otherwise the text is cut at a word with `…`, the link kept whole at the end.
public struct PostComposer: Sendable {
    /// What goes around the body; an adapter that sends the title in a field of its own (ntfy's
    /// `Title`, a card's heading) leaves `.title` out.
    public struct Contents: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let title = Contents(rawValue: 1)
        public static let event = Contents(rawValue: 2)
        public static let link = Contents(rawValue: 4)
        public static let tags = Contents(rawValue: 8)
        public static let all: Contents = [.title, .event, .link, .tags]
    }

    public var format: TextFormat
    /// Nil: no limit.
    public var limit: Int?
    public var lengthRule: LengthRule
    public var threads: Bool
    /// Whether thread parts end with ` 1/3`.
    public var numbered: Bool
    public var contents: Contents
    public var eventLine: EventLine

    public init(
        format: TextFormat, limit: Int? = nil, lengthRule: LengthRule? = nil, threads: Bool = false,
        numbered: Bool = true, contents: Contents = .all, timeZone: TimeZone = EventLine.defaultTimeZone
    ) {
        self.format = format
        self.limit = limit
        self.lengthRule = lengthRule ?? format.lengthRule
        self.threads = threads
        self.numbered = numbered
        self.contents = contents
        eventLine = EventLine(timeZone: timeZone)
    }

    /// With the limit and threads a channel type declares.
    public init(
        format: TextFormat, capabilities: ChannelCapabilities, contents: Contents = .all,
        timeZone: TimeZone = EventLine.defaultTimeZone
    ) {
        self.init(
            format: format, limit: capabilities.maxLength, threads: capabilities.threads,
            contents: contents, timeZone: timeZone
        )
    }

    public func compose(_ post: Post) -> ComposedText {
        compose(PreparedPost(post))
    }

    /// For a post already parsed: one parse serves every channel.
    public func compose(_ parsed: PreparedPost) -> ComposedText {
        var eventLine = eventLine
        eventLine.language = eventLine.language ?? parsed.post.lang
        let assembly = PostAssembly(post: parsed.post, body: parsed.body.document, contents: contents, eventLine: eventLine)
        let formatter = format.formatter
        guard let limit else { return ComposedText(parts: [formatter.format(assembly.whole).rendered], fit: .whole) }

        let splitter = DocumentSplitter(format: format, rule: lengthRule, limit: limit)
        if splitter.fits(assembly.whole) {
            return ComposedText(parts: [formatter.format(assembly.whole).rendered], fit: .whole)
        }
        if threads {
            return ComposedText(parts: splitter.thread(assembly.whole, numbered: numbered).map(\.rendered), fit: .thread)
        }
        if let summary = parsed.summary {
            let short = PostAssembly(post: parsed.post, body: summary.document, contents: contents, eventLine: eventLine)
            return ComposedText(parts: [shortened(short, with: splitter)], fit: .summary)
        }
        return ComposedText(parts: [shortened(assembly, with: splitter)], fit: .shortened)
    }

    /// Cut with the link kept last; when the body's own copy of the link survives the cut,
    /// it is not repeated.
    private func shortened(_ assembly: PostAssembly, with splitter: DocumentSplitter) -> RenderedText {
        if splitter.fits(assembly.whole) { return splitter.formatter.format(assembly.whole).rendered }
        if assembly.linkInBody, let link = assembly.link, case .autolink(let url, _, _)? = link.inlines.first {
            let cut = splitter.shortenedDocument(assembly.withoutLink)
            if cut.links(to: url) { return splitter.formatter.format(cut).rendered }
        }
        return splitter.shortened(assembly.withoutLink, keeping: assembly.link.map { [$0] } ?? []).rendered
    }
}

/// A post with its body (and summary) parsed once.
public struct PreparedPost: Sendable {
    public let post: Post
    public let body: ParsedBody
    public let summary: ParsedBody?

    public init(_ post: Post) {
        self.post = post
        body = ParsedBody(markdown: post.body)
        summary = post.summary.flatMap { $0.trimmingWhitespace().isEmpty ? nil : ParsedBody(markdown: $0) }
    }
}

/// What a channel sends for a post: one part, or a thread.
public struct ComposedText: Sendable, Equatable {
    /// How the text was made to fit.
    public enum Fit: Sendable, Equatable {
        /// It fitted whole.
        case whole
        /// Split into a thread of `parts`.
        case thread
        /// The summary replaced the body (and was shortened if it still did not fit).
        case summary
        /// Cut at a word with `…`, the link kept.
        case shortened
    }

    public var parts: [RenderedText]
    public var fit: Fit

    public init(parts: [RenderedText], fit: Fit) {
        self.parts = parts
        self.fit = fit
    }
}
