import Foundation
import TrobadorCore

/// `type = "matrix"`: a bot account posting into one room through the client-server API.
///
/// A post is an `m.text` event with `body` and `formatted_body` (`org.matrix.custom.html`);
/// a longer one continues as a numbered thread (`m.thread` on the first part, with the reply
/// fallback for clients without threads); each image is uploaded to the media repository and
/// follows as an `m.image` whose `body` is its alt text. Every event is sent with a
/// transaction id derived from the delivery's idempotency key, so a resend is recognised by
/// the homeserver (for as long as it keeps transaction ids) and not posted twice.
struct MatrixChannelType: ChannelType {
    let name = "matrix"
    let summary = "Matrix room (client-server API): HTML messages, threads, images with alt text, edits (m.replace) and redactions"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, help: "the homeserver's client-server API, https://matrix.example.org"),
        ChannelSettingSpec("token", .string, required: true, secret: true, help: "an access token of the bot's account, sent as Authorization: Bearer"),
        ChannelSettingSpec("room", .string, required: true, help: "the room id, \"!abc123:example.org\" (Settings, Advanced, in Element), not an alias"),
    ]
    static let capabilities = ChannelCapabilities(
        maxLength: MatrixLimits.eventBytes, formatting: .html, threads: true, media: true,
        edit: true, delete: true, idempotency: .key("txnId"))
    var capabilities: ChannelCapabilities { Self.capabilities }
    /// One at a time: posts appear in the room in the order they were accepted. Homeservers
    /// rate-limit per account and say how long to wait (`M_LIMIT_EXCEEDED`, `retry_after_ms`).
    let defaultConcurrency = 1

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let token = channel.text("token"), !token.isEmpty else { throw ChannelSetupError("channel \(channel.name): `token` is required") }
        guard token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ChannelSetupError("channel \(channel.name): `token` holds spaces or characters an access token never has")
        }
        guard let room = channel.text("room")?.trimmingCharacters(in: .whitespaces), room.hasPrefix("!"), room.count > 1 else {
            let alias = channel.text("room")?.hasPrefix("#") == true ? " (an alias such as #room:server is not enough: give the id it points to)" : ""
            throw ChannelSetupError("channel \(channel.name): `room` must be a room id beginning with !, such as \"!abc123:example.org\"\(alias)")
        }
        guard var base = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        while base.hasSuffix("/") { base.removeLast() }
        let client = MatrixClient(base: base, token: token, room: room, timeout: channel.timeout ?? .seconds(15), http: context.http)
        return MatrixAdapter(client: client, loadMedia: context.loadMedia)
    }
}

/// What homeservers accept, from the Matrix specification and Synapse's defaults.
enum MatrixLimits {
    /// "The complete event MUST NOT be larger than 65536 bytes" (canonical JSON, signed).
    static let eventBytes = 65_536
    /// The most an event's `content` may take, leaving room for what the homeserver adds
    /// around it (ids, hashes, signatures).
    static let contentBytes = 60_000
    /// A part's `body` in UTF-8 bytes: an edit carries the text twice (the fallback and
    /// `m.new_content`), each with its HTML beside it, and must still fit `contentBytes`.
    static let bodyBytes = 12_000
    /// Synapse's default `max_upload_size`; a homeserver set lower answers `M_TOO_LARGE`.
    static let uploadBytes = 50 * 1024 * 1024
    /// The image types clients show inline.
    static let imageTypes: Set<String> = ["image/jpeg", "image/png", "image/gif", "image/webp"]
}
