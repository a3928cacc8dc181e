import TrobadorCore

/// `type = "teams"`: a Microsoft Teams channel through a Workflows webhook (Power Automate,
/// "Post to a channel when a webhook request is received"). The post becomes an Adaptive
/// Card: the title as a heading, the text, and a button to the link. The workflow answers
/// `202 Accepted` with no message id, so cards cannot be edited or deleted afterwards; and
/// a card shows images only from a public URL, so the post's images are not sent.
struct TeamsChannelType: ChannelType {
    let name = "teams"
    let summary = "Microsoft Teams Workflows webhook: an Adaptive Card; no images, edits or deletions (no message id)"
    let settings = [
        ChannelSettingSpec(
            "url", .url, required: true, secret: true,
            help: "the workflow's webhook URL (Workflows, \"Post to a channel when a webhook request is received\"), signed by its `sig`"),
    ]
    let capabilities = TeamsChannelType.declared
    let defaultConcurrency = 1
    /// Teams throttles a webhook sending more than four requests a second.
    var defaultRate: Rate? { Rate(count: 4, period: .seconds(1)) }

    /// Teams refuses a message over 28 KB; the card's text is kept to 20,000 UTF-8 bytes so
    /// that the card around it, JSON-escaped, stays well within.
    static let declared = ChannelCapabilities(
        maxLength: 20000, formatting: .structured, threads: false, media: false, edit: false, delete: false, idempotency: .none)

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        return TeamsAdapter(
            webhook: SecretURL(url, lastPathSegment: false, queryItems: ["sig"]), timeout: channel.timeout ?? .seconds(15),
            http: context.http)
    }
}
