import TrobadorCore

/// The `content` of the events a post becomes. Every event says it mentions no one
/// (`m.mentions: {}`), so that a post never notifies the room's members one by one.
enum MatrixContent {
    static let htmlFormat = "org.matrix.custom.html"

    /// One part of the text. Parts after the first belong to the first one's thread and,
    /// for clients without threads, reply to the part before them.
    static func text(_ part: RenderedText, thread: (root: JSONValue, previous: JSONValue)? = nil) -> JSONValue {
        var pairs = message(part)
        if let thread {
            pairs.append(("m.relates_to", .object([
                ("rel_type", "m.thread"),
                ("event_id", thread.root),
                ("is_falling_back", true),
                ("m.in_reply_to", .object([("event_id", thread.previous)])),
            ])))
        }
        return .object(pairs)
    }

    /// A replacement of `eventID` by `part` (`m.replace`): the new content in `m.new_content`,
    /// and a `* `-prefixed copy for clients that do not apply edits. The original keeps its
    /// thread relation: an edit carries none of its own.
    static func edit(of eventID: String, with part: RenderedText) -> JSONValue {
        let body = part.plainText ?? part.text
        return .object([
            ("msgtype", "m.text"),
            ("body", .string("* " + body)),
            ("format", .string(htmlFormat)),
            ("formatted_body", .string("* " + part.text)),
            ("m.new_content", .object(message(part))),
            ("m.mentions", .object([])),
            ("m.relates_to", .object([("rel_type", "m.replace"), ("event_id", .string(eventID))])),
        ])
    }

    /// An image from the media repository. Its `body` is the alt text, which clients read out
    /// and, since `filename` differs from it, show as a caption (Matrix 1.10).
    static func image(_ media: StoredMedia, url: JSONValue) -> JSONValue {
        let alt = media.alt.flatMap { $0.isEmpty ? nil : $0 }
        return .object([
            ("msgtype", "m.image"),
            ("body", .string(alt ?? media.name)),
            ("filename", .string(media.name)),
            ("url", url),
            ("info", .object([("mimetype", .string(media.contentType)), ("size", .integer(media.size))])),
            ("m.mentions", .object([])),
        ])
    }

    private static func message(_ part: RenderedText) -> [(String, JSONValue)] {
        [
            ("msgtype", "m.text"),
            ("body", .string(part.plainText ?? part.text)),
            ("format", .string(htmlFormat)),
            ("formatted_body", .string(part.text)),
            ("m.mentions", .object([])),
        ]
    }
}
