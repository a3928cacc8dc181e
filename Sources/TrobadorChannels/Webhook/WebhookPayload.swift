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

    /// The bytes of `json(message)`, written directly rather than through its tree: the body
    /// is made for every attempt on every webhook channel, and the tree's allocations cost as
    /// much as the writing. `json` stays the reference the tests hold this to.
    static func encoded(_ message: OutboundMessage) -> [UInt8] {
        let post = message.post
        var out: [UInt8] = []
        out.reserveCapacity(3 * post.body.utf8.count + 512)
        func raw(_ text: StaticString) { text.withUTF8Buffer { out.append(contentsOf: $0) } }
        func string(_ text: String) { JSONValue.appendQuoted(text, to: &out) }
        func optional(_ text: String?) {
            if let text { string(text) } else { raw("null") }
        }
        raw(#"{"id":"#)
        string(post.id)
        raw(#","action":"#)
        string(message.action.rawValue)
        raw(#","version":"#)
        out.append(contentsOf: String(message.version).utf8)
        raw(#","title":"#)
        optional(post.title)
        raw(#","body":"#)
        string(post.body)
        raw(#","text":"#)
        string(Markdown.plainText(post.body))
        raw(#","html":"#)
        string(Markdown.html(post.body))
        raw(#","tags":["#)
        for (index, tag) in post.tags.enumerated() {
            if index > 0 { raw(",") }
            string(tag)
        }
        raw(#"],"link":"#)
        optional(post.link)
        raw(#","lang":"#)
        optional(post.lang)
        raw(#","summary":"#)
        optional(post.summary)
        raw(#","event":"#)
        if let event = post.event {
            raw(#"{"start":"#)
            string(date(event.start))
            if let end = event.end {
                raw(#","end":"#)
                string(date(end))
            }
            if let location = event.location {
                raw(#","location":"#)
                string(location)
            }
            raw("}")
        } else {
            raw("null")
        }
        raw(#","publish_at":"#)
        optional(post.publishAt.map(date))
        raw(#","expires_at":"#)
        optional(post.expiresAt.map(date))
        raw(#","media":["#)
        for (index, file) in message.media.enumerated() {
            raw(index > 0 ? #",{"file":"# : #"{"file":"#)
            string(file.name)
            raw(#","alt":"#)
            optional(file.alt)
            raw(#","type":"#)
            string(file.contentType)
            raw(#","size":"#)
            out.append(contentsOf: String(file.size).utf8)
            raw(#","sha256":"#)
            string(file.sha256)
            raw("}")
        }
        raw("]}")
        return out
    }

    /// RFC 3339 in UTC, as receivers parse most easily.
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
