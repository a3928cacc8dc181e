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
        /// `"key":` (with what precedes it) then the text, or null.
        func member(_ key: StaticString, _ text: String?) {
            raw(key)
            if let text { string(text) } else { raw("null") }
        }
        member(#"{"id":"#, post.id)
        member(#","action":"#, message.action.rawValue)
        raw(#","version":"#)
        out.append(contentsOf: String(message.version).utf8)
        member(#","title":"#, post.title)
        member(#","body":"#, post.body)
        member(#","text":"#, Markdown.plainText(post.body))
        member(#","html":"#, Markdown.html(post.body))
        raw(#","tags":["#)
        for (index, tag) in post.tags.enumerated() {
            if index > 0 { raw(",") }
            string(tag)
        }
        raw("]")
        member(#","link":"#, post.link)
        member(#","lang":"#, post.lang)
        member(#","summary":"#, post.summary)
        raw(#","event":"#)
        if let event = post.event {
            member(#"{"start":"#, date(event.start))
            if let end = event.end { member(#","end":"#, date(end)) }
            if let location = event.location { member(#","location":"#, location) }
            raw("}")
        } else {
            raw("null")
        }
        member(#","publish_at":"#, post.publishAt.map(date))
        member(#","expires_at":"#, post.expiresAt.map(date))
        raw(#","media":["#)
        for (index, file) in message.media.enumerated() {
            member(index > 0 ? #",{"file":"# : #"{"file":"#, file.name)
            member(#","alt":"#, file.alt)
            member(#","type":"#, file.contentType)
            raw(#","size":"#)
            out.append(contentsOf: String(file.size).utf8)
            member(#","sha256":"#, file.sha256)
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
