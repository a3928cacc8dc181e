import TrobadorCore

/// `type = "mastodon"`: statuses on a Mastodon instance through its REST API. Long posts
/// become a numbered thread (`in_reply_to_id`), images go up with their description, every
/// status carries an `Idempotency-Key`, and later versions edit (`PUT`) or delete the
/// statuses recorded in the receipt.
struct MastodonChannelType: ChannelType {
    let name = "mastodon"
    let summary = "Mastodon statuses: threads, images with descriptions, edits, deletions, Idempotency-Key"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, help: "the instance, https://mastodon.social"),
        ChannelSettingSpec(
            "token", .string, required: true, secret: true,
            help: "an access token of the account, with the write:statuses and write:media scopes"),
        ChannelSettingSpec("visibility", .string, help: "public (default), unlisted, private or direct"),
        ChannelSettingSpec(
            "max_characters", .integer,
            help: "the instance's limit per status (configuration.statuses.max_characters of /api/v2/instance), 500 by default"),
    ]
    /// Vanilla Mastodon's limit; instances that raise it say so with `max_characters`.
    static let defaultMaxCharacters = 500
    let capabilities = ChannelCapabilities(
        maxLength: MastodonChannelType.defaultMaxCharacters, formatting: .plain, threads: true, media: true,
        edit: true, delete: true, idempotency: .key("Idempotency-Key"))
    let defaultConcurrency = 2
    /// Mastodon allows 300 API calls per account per 5 minutes.
    var defaultRate: Rate? { Rate(count: 300, period: .seconds(300)) }

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        guard let token = channel.text("token"), !token.isEmpty else {
            throw ChannelSetupError("channel \(channel.name): `token` is required (an access token of the account)")
        }
        var visibility = MastodonVisibility.public
        if let text = channel.text("visibility") {
            guard let value = MastodonVisibility(rawValue: text) else {
                throw ChannelSetupError(
                    "channel \(channel.name): visibility \"\(text)\" is not one of public, unlisted, private, direct")
            }
            visibility = value
        }
        var maxCharacters = Self.defaultMaxCharacters
        if case .integer(let value)? = channel.settings["max_characters"] {
            // Below this a numbered part could not hold a URL (23) and its ` 9/9` with any text.
            guard value >= 50 else {
                throw ChannelSetupError("channel \(channel.name): max_characters must be at least 50, not \(value)")
            }
            maxCharacters = value
        }
        let api = MastodonAPI(
            instance: url.hasSuffix("/") ? String(url.dropLast()) : url, token: token, timeout: channel.timeout ?? .seconds(15))
        return MastodonAdapter(
            api: api, visibility: visibility, maxCharacters: maxCharacters, http: context.http, loadMedia: context.loadMedia)
    }
}

/// Who sees a status (Mastodon's `visibility` parameter).
enum MastodonVisibility: String, Sendable {
    case `public`, unlisted, `private`, direct
}
