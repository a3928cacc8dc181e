import TrobadorCore

/// `type = "discord"`: a Discord channel webhook. `?wait=true` returns the created message,
/// whose id lets later versions edit it (PATCH) or delete it (DELETE). One message per post:
/// Discord webhooks have no replies to thread a long post, so a post over 2000 characters is
/// replaced by its summary or shortened, the link kept. Images go as attachments with their
/// alt text as `description`.
struct DiscordChannelType: ChannelType {
    let name = "discord"
    let summary = "Discord channel webhook: one message, images with alt text, edits and deletions by message id"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, secret: true, help: "the webhook URL, https://discord.com/api/webhooks/ID/TOKEN"),
        ChannelSettingSpec("thread_id", .string, help: "post into this thread of the webhook's channel"),
        ChannelSettingSpec(
            "max_file_mib", .integer,
            help: "largest image uploaded, in MiB (default 10, the limit of a server without boosts; raise it for boosted servers)"),
    ]
    let capabilities = DiscordChannelType.declared
    let defaultConcurrency = 2
    /// Discord's documented answer is "read the headers", which the adapter does; 5 per 2 s is
    /// the bucket webhooks get in practice, so the lane rarely meets a 429 at all.
    var defaultRate: Rate? { Rate(count: 5, period: .seconds(2)) }

    /// Discord counts `content` in code points (its API is Python), 2000 at most.
    static let declared = ChannelCapabilities(
        maxLength: 2000, formatting: .markdown, threads: false, media: true, edit: true, delete: true, idempotency: .none)

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard var url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        while url.hasSuffix("/") { url.removeLast() }
        if url.contains("?") {
            throw ChannelSetupError(
                "channel \(channel.name): the Discord webhook `url` must not carry a query (`?...`); set `thread_id` for a thread")
        }
        var maxFileMiB = 10
        if case .integer(let value)? = channel.settings["max_file_mib"] {
            guard value > 0 else { throw ChannelSetupError("channel \(channel.name): `max_file_mib` must be a positive number of MiB") }
            maxFileMiB = value
        }
        let threadID = channel.text("thread_id")
        if let threadID, threadID.isEmpty || !threadID.allSatisfy(\.isNumber) {
            throw ChannelSetupError("channel \(channel.name): `thread_id` must be the thread's numeric id (right click the thread, Copy Thread ID)")
        }
        return DiscordAdapter(
            webhook: SecretURL(url, lastPathSegment: true), threadID: threadID, maxFileSize: maxFileMiB << 20,
            timeout: channel.timeout ?? .seconds(15), http: context.http, loadMedia: context.loadMedia, gate: DiscordRateGate())
    }
}
