import Foundation
import TrobadorCore

/// `type = "bluesky"`: posts (`app.bsky.feed.post` records) in the account's repository on
/// its PDS, through the AT Protocol's XRPC API. Long posts become a numbered thread (`reply`
/// root and parent), links and hashtags get rich-text facets, images go up as blobs with
/// their alt text. Record keys derive from the message, so a resend cannot make a second post.
struct BlueskyChannelType: ChannelType {
    let name = "bluesky"
    let summary = "Bluesky posts: threads, link and hashtag facets, images with alt text, deletions, record keys from the post id"
    let settings = [
        ChannelSettingSpec("url", .url, help: "the account's PDS, https://bsky.social by default"),
        ChannelSettingSpec("handle", .string, required: true, help: "the account's handle, region.bsky.social"),
        ChannelSettingSpec(
            "password", .string, required: true, secret: true,
            help: "an app password of the account (Settings, Privacy and security, App passwords), not the account's own"),
    ]
    static let defaultPDS = "https://bsky.social"
    /// Bluesky counts a post's text in graphemes, 300 at most.
    static let maxGraphemes = 300
    /// Bluesky has no edit: an update deletes the published posts and publishes the new version.
    let capabilities = ChannelCapabilities(
        maxLength: BlueskyChannelType.maxGraphemes, formatting: .plain, threads: true, media: true,
        edit: false, delete: true, replacesOnUpdate: true, idempotency: .key("record key"))
    let defaultConcurrency = 2

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let handle = channel.text("handle")?.trimmingCharacters(in: .whitespaces), !handle.isEmpty else {
            throw ChannelSetupError("channel \(channel.name): `handle` is required (the account's handle, region.bsky.social)")
        }
        guard let password = channel.text("password"), !password.isEmpty else {
            throw ChannelSetupError("channel \(channel.name): `password` is required (an app password of the account)")
        }
        var pds = channel.text("url") ?? Self.defaultPDS
        if pds.hasSuffix("/") { pds.removeLast() }
        // A handle written `@region.bsky.social`, as the app shows it, is the same handle.
        let bare = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        let api = BlueskyAPI(pds: pds, timeout: channel.timeout ?? .seconds(15))
        return BlueskyAdapter(
            client: BlueskyClient(api: api, session: BlueskySession(api: api, handle: bare, password: password, http: context.http), http: context.http),
            handle: bare, loadMedia: context.loadMedia)
    }
}
