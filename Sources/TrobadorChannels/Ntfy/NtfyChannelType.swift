import TrobadorCore

/// `type = "ntfy"`: push notifications through an ntfy server (ntfy.sh or self-hosted).
/// The title goes in `Title`, the link in `Click`, the tags in `Tags`, the text as Markdown;
/// the first image is attached to the notification. Notifications are updated and deleted
/// by the sequence id ntfy gave them (ntfy 2.16 and later; an older server refuses both).
struct NtfyChannelType: ChannelType {
    let name = "ntfy"
    let summary = "ntfy topic: a Markdown notification with title, link and the first image; updates and deletions need ntfy 2.16+"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, help: "the ntfy server, such as https://ntfy.sh"),
        ChannelSettingSpec(
            "topic", .string, required: true, secret: true,
            help: "the topic (letters, digits, - and _, at most 64); on a public server it is the password of the topic"),
        ChannelSettingSpec("token", .string, secret: true, help: "an access token (tk_…) when the server requires a login"),
        ChannelSettingSpec(
            "attach_images", .boolean,
            help: "attach the post's first image (default true; set false for a server without attachments)"),
        ChannelSettingSpec("max_file_mib", .integer, help: "largest image attached, in MiB (default 15, ntfy's default limit)"),
    ]
    let capabilities = NtfyChannelType.declared
    let defaultConcurrency = 1
    /// ntfy's default visitor limit refills one request every 5 seconds (after a burst of
    /// 60); a server configured otherwise is matched with `rate`.
    var defaultRate: Rate? { Rate(count: 12, period: .seconds(60)) }

    /// ntfy takes a message of up to 4,096 bytes in the body, but a body of exactly 4,096
    /// bytes counts as reaching the limit and becomes a file attachment: 4,095 it is.
    static let declared = ChannelCapabilities(
        maxLength: 4095, formatting: .markdown, threads: false, media: true, edit: true, delete: true, idempotency: .none)

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard var url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        while url.hasSuffix("/") { url.removeLast() }
        guard let topic = channel.text("topic") else { throw ChannelSetupError("channel \(channel.name): `topic` is required") }
        guard (1...64).contains(topic.count), topic.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ChannelSetupError("channel \(channel.name): `topic` must be 1 to 64 letters, digits, `-` or `_`, as ntfy accepts")
        }
        var attach = true
        if case .boolean(let value)? = channel.settings["attach_images"] { attach = value }
        var maxFileMiB = 15
        if case .integer(let value)? = channel.settings["max_file_mib"] {
            guard value > 0 else { throw ChannelSetupError("channel \(channel.name): `max_file_mib` must be a positive number of MiB") }
            maxFileMiB = value
        }
        return NtfyAdapter(
            server: url, topic: topic, token: channel.text("token"), attachImages: attach, maxFileSize: maxFileMiB << 20,
            timeout: channel.timeout ?? .seconds(15), http: context.http, loadMedia: context.loadMedia)
    }
}
