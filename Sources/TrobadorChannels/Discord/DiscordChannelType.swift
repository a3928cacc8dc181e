import TrobadorCore

/// `type = "discord"`: a Discord channel webhook. `?wait=true` returns the message, whose id
/// lets later versions edit it (PATCH) or delete it (DELETE).
struct DiscordChannelType: ChannelType {
    let name = "discord"
    let summary = "Discord channel webhook (message id kept, edits and deletions)"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, secret: true, help: "the webhook URL, https://discord.com/api/webhooks/ID/TOKEN"),
        ChannelSettingSpec("thread_id", .string, help: "post into this thread of the webhook's channel"),
    ]
    /// Discord counts a message's `content` in characters, 2000 at most.
    let capabilities = ChannelCapabilities(maxLength: 2000, formatting: .markdown, edit: true, delete: true, idempotency: .none)
    let defaultConcurrency = 2

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        return DiscordAdapter(
            webhookURL: url.hasSuffix("/") ? String(url.dropLast()) : url, threadID: channel.text("thread_id"),
            timeout: channel.timeout ?? .seconds(15), http: context.http)
    }
}
