import Foundation
import TrobadorCore

/// The `webhook` body of SPEC: one JSON object describing the post and the action, with the
/// Markdown source and its plain and HTML renderings, keys in SPEC's order. The `file`
/// channel writes the same.
enum WebhookPayload {
    static func json(_ message: OutboundMessage) -> JSONValue {
        let post = message.post
        let event: JSONValue? = post.event.map { event in
            .object(dropping: [
                ("start", .string(date(event.start))), ("end", event.end.map { .string(date($0)) }),
                ("location", event.location.map(JSONValue.string)),
            ])
        }
        let media: [JSONValue] = message.media.map { file in
            .object([
                ("file", .string(file.name)), ("alt", .optional(file.alt)), ("type", .string(file.contentType)),
                ("size", .integer(file.size)), ("sha256", .string(file.sha256)),
            ])
        }
        return .object([
            ("id", .string(post.id)),
            ("action", .string(message.action.rawValue)),
            ("version", .integer(message.version)),
            ("title", .optional(post.title)),
            ("body", .string(post.body)),
            ("text", .string(Markdown.plainText(post.body))),
            ("html", .string(Markdown.html(post.body))),
            ("tags", .array(post.tags.map(JSONValue.string))),
            ("link", .optional(post.link)),
            ("lang", .optional(post.lang)),
            ("summary", .optional(post.summary)),
            ("event", event ?? .null),
            ("publish_at", .optional(post.publishAt.map(date))),
            ("expires_at", .optional(post.expiresAt.map(date))),
            ("media", .array(media)),
        ])
    }

    static func encoded(_ message: OutboundMessage) -> [UInt8] { json(message).bytes }

    /// RFC 3339 in UTC, as receivers parse most easily.
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
