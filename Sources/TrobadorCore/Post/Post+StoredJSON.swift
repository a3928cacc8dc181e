import Foundation

extension Post {
    /// The post as the state database keeps it (`posts.post_json`): the JSON `JSONEncoder`
    /// makes of it with the store's settings (sorted keys, absent values left out, dates in
    /// milliseconds since 1970), written directly: it is written for every post accepted,
    /// and `JSONDecoder` reads it back as it reads the encoder's.
    var storedJSON: String {
        func string(_ text: String?) -> JSONValue? { text.map(JSONValue.string) }
        func strings(_ texts: [String]) -> JSONValue { .array(texts.map(JSONValue.string)) }
        func date(_ date: Date?) -> JSONValue? {
            guard let millis = date.map({ $0.timeIntervalSince1970 * 1000 }) else { return nil }
            return millis.rounded() == millis && abs(millis) < 1e15 ? .integer(Int(millis)) : .number(millis)
        }
        func object<Value>(_ values: [String: Value], _ json: (Value) -> JSONValue) -> JSONValue {
            .object(values.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
        return JSONValue.object(dropping: [
            ("action", .string(action.rawValue)),
            ("body", .string(body)),
            ("channels", channels.map(strings)),
            ("event", event.map { event in
                .object(dropping: [("end", date(event.end)), ("location", string(event.location)), ("start", date(event.start))])
            }),
            ("expiresAt", date(expiresAt)),
            ("id", .string(id)),
            ("lang", string(lang)),
            ("link", string(link)),
            ("media", .array(media.map { .object(dropping: [("alt", string($0.alt)), ("file", .string($0.file))]) })),
            ("overrides", object(overrides) { object($0, JSONValue.string) }),
            ("publishAt", date(publishAt)),
            ("summary", string(summary)),
            ("tags", strings(tags)),
            ("title", string(title)),
            ("translations", object(translations) { translation in
                .object(dropping: [
                    ("body", .string(translation.body)), ("summary", string(translation.summary)), ("title", string(translation.title)),
                ])
            }),
        ]).serialized
    }
}
