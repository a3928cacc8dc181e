import TrobadorCore

/// `type = "slack"`: a Slack incoming webhook. It answers `ok` and no message id, so posts
/// cannot be edited or deleted afterwards, and it takes images only by public URL, so the
/// post's images are not sent (the link's preview, unfurled by Slack, shows the page's own).
struct SlackChannelType: ChannelType {
    let name = "slack"
    let summary = "Slack incoming webhook: one mrkdwn message; no images, edits or deletions (the webhook gives no message id)"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, secret: true, help: "the incoming webhook URL, https://hooks.slack.com/services/..."),
    ]
    let capabilities = SlackChannelType.declared
    let defaultConcurrency = 1
    /// Slack allows one message per second per incoming webhook.
    var defaultRate: Rate? { Rate(count: 1, period: .seconds(1)) }

    /// Slack asks to keep `text` within 4,000 characters for messages to read well (it cuts
    /// only at 40,000); counted in graphemes, as people see them.
    static let declared = ChannelCapabilities(
        maxLength: 4000, formatting: .markdown, threads: false, media: false, edit: false, delete: false, idempotency: .none)

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        return SlackAdapter(webhook: SecretURL(url, lastPathSegment: true), timeout: channel.timeout ?? .seconds(15), http: context.http)
    }
}
