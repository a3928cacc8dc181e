import Foundation
import TrobadorCore

/// Renders a plugin's request once with a sample post full of what breaks naive templates
/// (quotes, backslashes, newlines, `&`, `/`, `#`, braces, emoji), and checks that the URL is
/// still an http(s) URL and a JSON body still JSON. A template that inserts a value raw where
/// it must be escaped, or forgets a comma, is caught when the plugin loads.
struct SampleRendering {
    let settings: [ChannelSettingSpec]
    let phase: ValueShape.Phase

    /// The sample message's values.
    var values: [String: Any] {
        let post = Post(
            id: "sample-post", title: #"Fête "de la musique" & co / 21\06 🎶"#,
            body: "Line one with a \"quote\", a \\ backslash and {{text}}.\nLine two: https://example.org/a?b=1&c=2#d 👩🏽‍💻",
            tags: ["culture", "musique"], link: "https://example.org/agenda?x=1&y=2", lang: "fr",
            summary: "Short & \"sweet\"\tsummary",
            event: PostEvent(start: Date(timeIntervalSince1970: 1_782_064_800), location: "Place \"du\" Capitole & co"))
        var message = OutboundMessage(
            post: post, version: 1, action: phase == .create ? .publish : .update, channel: "sample",
            idempotencyKey: "msg_0123456789abcdef", attempt: 1,
            media: [StoredMedia(name: "affiche.jpg", alt: "Une \"guitare\" & un micro", contentType: "image/jpeg", size: 1234, sha256: "00ff")])
        if phase == .edit { message.previousReceipt = Receipt(remoteID: "id/with ?&# odd=chars", url: "https://example.org/m/1") }
        let part: MessageValues.Part = phase == .reply ? MessageValues.Part(index: 1, firstID: "first/id ?&#", previousID: "prev\"id") : .first
        var channel = ChannelConfig(name: "sample", type: "sample")
        for spec in settings { channel.settings[spec.key] = Self.sample(spec) }
        let rendering = PluginRendering(format: .plain, limit: nil, lengthRule: .graphemes, contents: .all)
        return MessageValues.mustache(MessageValues.json(message, channel: channel, settings: settings, rendering: rendering, part: part)) as? [String: Any] ?? [:]
    }

    private static func sample(_ spec: ChannelSettingSpec) -> SettingValue {
        switch spec.kind {
        case .url: .string("https://service.example/hooks/abc123?key=k&token=t")
        case .string: .string("sample \"\(spec.key)\" & value/with #chars")
        case .integer: .integer(42)
        case .boolean: .boolean(true)
        case .stringList: .list(["one", "two & three"])
        case .stringTable: .table(["X-Sample": "value \"quoted\""])
        }
    }

    func check(_ request: RequestTemplate, table: ManifestTable) {
        let rendered = request.render(values, timeout: .seconds(15))
        if let components = URLComponents(string: rendered.url), let scheme = components.scheme?.lowercased(),
           scheme == "http" || scheme == "https", components.host?.isEmpty == false {
        } else {
            table.error(
                "with a sample post, `url` renders as \"\(rendered.url)\", which is not an http(s) URL: start it with the channel's "
                    + "URL inserted as it is ({{{settings.url}}}) and let {{...}} escape the other values", atValueOf: "url")
        }
        if let body = request.body, request.bodyFormat == .json, JSONValue.parse(rendered.body) == nil {
            let text = String(decoding: rendered.body, as: UTF8.self)
            let excerpt = text.count > 160 ? String(text.prefix(160)) + "…" : text
            let place = body.origin.locate(line: 1, column: 1)
            table.diagnostics.add([ConfigurationProblem(
                path: body.origin.path, line: place.line, column: place.column,
                message: "with a sample post, the JSON body is not valid JSON (a missing comma or quote, or a value inserted raw with {{{...}}}): \(excerpt)")])
        }
    }
}
