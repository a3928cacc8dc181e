import Foundation
import TrobadorCore

/// The values one message gives a plugin: what templates interpolate, and what an executable
/// plugin reads on stdin, the same object in both cases (documented in `plugins/README.md`).
enum MessageValues {
    /// Which message of a thread the values are for, and the ids of those sent before it.
    struct Part {
        /// 0 for the first (or only) message.
        var index = 0
        var firstID: String?
        var previousID: String?
        /// The id of this part as published, for an edit or a deletion of a thread.
        var remoteID: String?

        static let first = Part()
    }

    /// The post rendered once for all the messages of a thread (composing a long post is
    /// the costly part): in the plugin's format, and as plain text.
    struct Composed {
        var text: ComposedText
        var plain: ComposedText

        init(_ post: Post, rendering: PluginRendering) {
            text = rendering.composer.compose(post)
            var plainComposer = rendering.composer
            plainComposer.format = .plain
            plain = plainComposer.compose(post)
        }

        /// How many messages the post takes.
        var partCount: Int { max(text.parts.count, 1) }
    }

    /// In the order `plugins/README.md` lists them; absent values are left out, so that a
    /// Mustache section on them (`{{#title}}...{{/title}}`) is skipped.
    static func json(
        _ message: OutboundMessage, channel: ChannelConfig, settings: [ChannelSettingSpec], rendering: PluginRendering,
        part: Part = .first, composed rendered: Composed? = nil
    ) -> JSONValue {
        let post = message.post
        let rendered = rendered ?? Composed(post, rendering: rendering)
        let composed = rendered.text
        let plain = rendered.plain
        let index = min(part.index, max(composed.parts.count - 1, 0))
        let thread: JSONValue? = part.index == 0 ? nil : .object(dropping: [
            ("first_id", part.firstID.map(JSONValue.string)), ("previous_id", part.previousID.map(JSONValue.string)),
        ])
        let fit: String = switch composed.fit {
        case .whole: "whole"
        case .thread: "thread"
        case .summary: "summary"
        case .shortened: "shortened"
        }
        let event: JSONValue? = post.event.map { event in
            var line = EventLine()
            line.language = post.lang
            return .object(dropping: [
                ("start", .string(date(event.start))), ("end", event.end.map { .string(date($0)) }),
                ("location", event.location.map(JSONValue.string)), ("text", .string(line.text(for: event))),
            ])
        }
        let media: [JSONValue] = message.media.map { file in
            .object(dropping: [
                ("file", .string(file.name)), ("alt", file.alt.map(JSONValue.string)), ("type", .string(file.contentType)),
                ("size", .integer(file.size)), ("sha256", .string(file.sha256)),
            ])
        }
        return .object(dropping: [
            ("text", .string(composed.parts.indices.contains(index) ? composed.parts[index].text : "")),
            ("plain_text", .string(plain.parts.isEmpty ? "" : plain.parts[min(index, plain.parts.count - 1)].text)),
            ("fit", .string(fit)),
            ("part", .integer(index + 1)),
            ("parts", .integer(max(composed.parts.count, 1))),
            ("thread", thread),
            ("id", .string(post.id)),
            ("title", post.title.map(JSONValue.string)),
            ("heading", heading(post.title, format: rendering.format).map(JSONValue.string)),
            ("body", .string(post.body)),
            ("summary", post.summary.map(JSONValue.string)),
            ("link", post.link.map(JSONValue.string)),
            ("link_host", post.link.flatMap { URLComponents(string: $0)?.host }.map(JSONValue.string)),
            ("lang", post.lang.map(JSONValue.string)),
            ("tags", .array(post.tags.map(JSONValue.string))),
            ("publish_at", post.publishAt.map { .string(date($0)) }),
            ("event", event),
            ("media", .array(media)),
            ("action", .string(message.action.rawValue)),
            ("version", .integer(message.version)),
            ("attempt", .integer(message.attempt)),
            ("idempotency_key", .string(message.idempotencyKey)),
            ("channel", .string(channel.name)),
            ("remote_id", (part.remoteID ?? message.previousReceipt?.remoteID).map(JSONValue.string)),
            ("remote_url", message.previousReceipt?.url.map(JSONValue.string)),
            ("settings", settingsJSON(channel, specs: settings)),
        ])
    }

    /// The title for a field of its own (a card's heading): trimmed, and escaped in the
    /// plugin's format so that it shows as written; nil when the post has none.
    static func heading(_ title: String?, format: TextFormat) -> String? {
        guard let title = title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty else { return nil }
        return format.escaped(title)
    }

    static func settingsJSON(_ channel: ChannelConfig, specs: [ChannelSettingSpec]) -> JSONValue {
        .object(specs.compactMap { spec in
            guard let value = channel.settings[spec.key] else { return nil }
            return (spec.key, setting(value))
        })
    }

    private static func setting(_ value: SettingValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .secret(let secret): .string(secret.value)
        case .integer(let number): .integer(number)
        case .boolean(let flag): .bool(flag)
        case .list(let items): .array(items.map(JSONValue.string))
        case .table(let table): .object(table.keys.sorted().map { ($0, .string(table[$0]!)) })
        }
    }

    /// The same values as Mustache reads them: dictionaries, arrays, strings, numbers, booleans.
    static func mustache(_ value: JSONValue) -> Any {
        switch value {
        case .string(let text): text
        case .integer(let number): number
        case .number(let number): number
        case .bool(let flag): flag
        case .null: NSNull()
        case .array(let items): items.map(mustache)
        case .object(let pairs): Dictionary(pairs.map { ($0.0, mustache($0.1)) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// RFC 3339 in UTC, as services parse most easily.
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
