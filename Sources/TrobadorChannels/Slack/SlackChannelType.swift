import TrobadorCore

/// `type = "slack"`: a Slack incoming webhook. It answers `ok` and no message id, so posts
/// cannot be edited or deleted afterwards.
struct SlackChannelType: ChannelType {
    let name = "slack"
    let summary = "Slack incoming webhook (no edits or deletions: the webhook gives no message id)"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, secret: true, help: "the incoming webhook URL, https://hooks.slack.com/services/..."),
    ]
    let capabilities = ChannelCapabilities(maxLength: 40000, formatting: .markdown, edit: false, delete: false, idempotency: .none)
    let defaultConcurrency = 1
    /// Slack allows one message per second per incoming webhook.
    var defaultRate: Rate? { Rate(count: 1, period: .seconds(1)) }

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        return SlackAdapter(url: url, timeout: channel.timeout ?? .seconds(15), http: context.http)
    }
}
