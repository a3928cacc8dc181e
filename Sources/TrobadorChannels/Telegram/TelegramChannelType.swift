import Foundation
import TrobadorCore

/// `type = "telegram"`: a bot posting into one chat through the Bot API.
///
/// Text goes as `sendMessage` with `parse_mode: HTML`; a post longer than 4096 UTF-16 units
/// becomes a numbered thread in which each message replies to the one before it; each image
/// follows as `sendPhoto` (`sendAnimation` for a GIF) with its alt text as caption, since
/// Telegram has no alt text of its own. Telegram has no idempotency key: an attempt cut short
/// by a crash is `uncertain`.
struct TelegramChannelType: ChannelType {
    let name = "telegram"
    let summary = "Telegram bot (Bot API): HTML messages, threads as reply chains, images with their alt text as caption, edits and deletions"
    let settings = [
        ChannelSettingSpec("url", .url, help: "the Bot API server; https://api.telegram.org unless you run your own"),
        ChannelSettingSpec("token", .string, required: true, secret: true, help: "the bot token @BotFather gave, 123456789:AA...; it goes in the request path and is never shown"),
        ChannelSettingSpec("chat_id", .string, required: true, help: "the chat: \"@channelname\" for a public channel, or the numeric id in quotes, \"-1001234567890\""),
    ]
    /// Telegram counts a message in UTF-16 units once its HTML tags are parsed away.
    static let capabilities = ChannelCapabilities(
        maxLength: TelegramLimits.messageLength, formatting: .html, threads: true, media: true,
        edit: true, delete: true, idempotency: .none)
    var capabilities: ChannelCapabilities { Self.capabilities }
    /// One at a time: posts appear in the chat in the order they were accepted.
    let defaultConcurrency = 1
    /// Telegram's FAQ: a bot sends at most 20 messages a minute into one group.
    var defaultRate: Rate? { Rate(count: 20, period: .seconds(60)) }

    static let defaultURL = "https://api.telegram.org"

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let token = channel.text("token") else { throw ChannelSetupError("channel \(channel.name): `token` is required") }
        // The token becomes part of the URL path: anything but Telegram's token alphabet would
        // change the request, so it is refused here (without showing it).
        guard TelegramChat.isBotToken(token) else {
            throw ChannelSetupError(
                "channel \(channel.name): `token` is not a bot token (digits, a colon, then letters, digits, _ or -, as @BotFather gives it)")
        }
        guard let chatText = channel.text("chat_id"), let chat = TelegramChat(chatText) else {
            throw ChannelSetupError(
                "channel \(channel.name): `chat_id` must be \"@channelname\" or a numeric chat id such as \"-1001234567890\"")
        }
        var base = channel.text("url") ?? Self.defaultURL
        while base.hasSuffix("/") { base.removeLast() }
        let client = TelegramClient(base: base, token: token, timeout: channel.timeout ?? .seconds(15), http: context.http)
        return TelegramAdapter(client: client, chat: chat, loadMedia: context.loadMedia)
    }
}

/// What Telegram accepts, from the Bot API documentation.
enum TelegramLimits {
    /// `sendMessage`: 1-4096 characters after entities parsing.
    static let messageLength = 4096
    /// Captions: 0-1024 characters after entities parsing.
    static let captionLength = 1024
    /// `sendPhoto`: a photo of at most 10 MB.
    static let photoBytes = 10 * 1024 * 1024
    /// Other files a bot uploads (an animation): at most 50 MB.
    static let fileBytes = 50 * 1024 * 1024
}

/// The chat a channel posts into: a numeric id, or the `@username` of a public channel.
enum TelegramChat: Sendable, Equatable {
    case id(Int64)
    case username(String)

    init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let id = Int64(text) {
            self = .id(id)
        } else if text.hasPrefix("@"), text.count > 1,
                  text.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            self = .username(String(text.dropFirst()))
        } else {
            return nil
        }
    }

    /// `chat_id` as the Bot API takes it: an integer, or the `@username` string.
    var json: JSONValue {
        switch self {
        case .id(let id): .integer(Int(id))
        case .username(let name): .string("@" + name)
        }
    }

    var formValue: String {
        switch self {
        case .id(let id): String(id)
        case .username(let name): "@" + name
        }
    }

    /// `123456789:AA...`: the bot's id, a colon, and the secret part.
    static func isBotToken(_ token: String) -> Bool {
        let pieces = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else { return false }
        return pieces[0].allSatisfy { $0.isASCII && $0.isNumber }
            && pieces[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
