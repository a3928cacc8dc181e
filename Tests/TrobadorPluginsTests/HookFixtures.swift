import CurlHTTP
import Foundation
@testable import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

/// What the Slack and Teams plugin suites share: the rich French post (the same as
/// the built-in channels' suites use), messages as the engine builds them, and adapters of a
/// shipped plugin over a real libcurl client.
enum HookFixtures {
    static let alt = RichPost.alt
    static let longURL = RichPost.longURL
    static let link = RichPost.link
    static let richPost = RichPost.post

    /// The image as the engine describes it to an adapter (no bytes).
    static let image = StoredMedia(name: "affiche.png", alt: alt, contentType: "image/png", size: 4096, sha256: String(repeating: "ab", count: 32))

    static func message(
        _ post: Post = richPost, action: PostAction = .publish, version: Int = 1, channel: String = "hook",
        media: [StoredMedia] = [image], previous: Receipt? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            post: post, version: version, action: action, channel: channel,
            idempotencyKey: AcceptancePolicy.idempotencyKey(postID: post.id, channel: channel, action: action, version: version),
            attempt: 1, media: media, previousReceipt: previous)
    }

    /// A channel of the shipped plugin `type`, as the engine builds it.
    static func adapter(_ type: String, name: String = "hook", settings: [String: SettingValue]) throws -> any ChannelAdapter {
        let channel = ChannelConfig(name: name, type: type, settings: settings)
        return try shippedType(type).makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
    }

    static func secret(_ value: String) -> SettingValue { .secret(Secret(value, origin: "literal")) }

    static func json(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func jsonAnswer(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> LoopbackReceiver.Answer {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return .init(status: status, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: String(decoding: data, as: UTF8.self))
    }
}
