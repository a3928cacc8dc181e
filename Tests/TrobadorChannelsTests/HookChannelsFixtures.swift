import CurlHTTP
import Foundation
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

/// What the Discord and ntfy suites share: the rich French post, its
/// image, messages and adapters built as the engine builds them, and a multipart reader.
enum HookFixtures {
    /// A PNG as `MediaSniffer` recognises one: the signature, then filler.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 4088)

    static let alt = RichPost.alt
    static let longURL = RichPost.longURL
    static let link = RichPost.link
    static let richPost = RichPost.post

    /// The image as the state database holds it, bytes included.
    static let image = StoredMedia(
        name: "affiche.png", alt: alt, contentType: "image/png", size: png.count,
        sha256: String(repeating: "ab", count: 32), data: png)

    /// A message as the engine hands it to an adapter: media descriptions without bytes.
    static func message(
        _ post: Post = richPost, action: PostAction = .publish, version: Int = 1, channel: String = "hook",
        media: [StoredMedia] = [image], previous: Receipt? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            post: post, version: version, action: action, channel: channel,
            idempotencyKey: AcceptancePolicy.idempotencyKey(postID: post.id, channel: channel, action: action, version: version),
            attempt: 1, media: media.map { var description = $0; description.data = nil; return description },
            previousReceipt: previous)
    }

    /// An adapter of `type` over a real libcurl client; `loadMedia` answers `media`.
    static func adapter(
        _ type: any ChannelType, name: String = "hook", settings: [String: SettingValue], media: [StoredMedia] = [image]
    ) throws -> any ChannelAdapter {
        let channel = ChannelConfig(name: name, type: type.name, settings: settings)
        let context = ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp", loadMedia: { _, _ in media })
        return try type.makeAdapter(for: channel, context: context)
    }

    static func secret(_ value: String) -> SettingValue { .secret(Secret(value, origin: "literal")) }

    static func json(_ data: Data) -> [String: Any]? { StandInJSON.object(data) }

    static func jsonAnswer(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> LoopbackReceiver.Answer {
        StandInJSON.answer(object, status: status, headers: headers)
    }

    /// Every text a person or a log could see of an adapter's work: outcome reasons and the
    /// printed previews.
    static func visibleText(outcomes: [DeliveryOutcome], previews: [PreviewRequest]) -> String {
        var text = outcomes.map { "\($0)" }.joined(separator: "\n")
        for preview in previews {
            text += "\n" + preview.purpose + "\n" + preview.request.url + "\n"
            text += preview.request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            text += "\n" + String(decoding: preview.request.body, as: UTF8.self)
        }
        return text
    }
}
