import TrobadorCore

/// `type = "file"`: writes what a channel would receive to a directory, one file per post.
/// The embedded default's `outbox`, so a newcomer sees posts flow with no account anywhere.
struct FileChannelType: ChannelType {
    let name = "file"
    let summary = "writes each post, as a webhook would receive it, to DIR/POST_ID.json"
    let settings = [
        ChannelSettingSpec("dir", .string, help: "the directory to write to (default: SPOOL/CHANNEL_NAME)"),
    ]
    let capabilities = ChannelCapabilities(formatting: .structured, media: false, edit: true, delete: true, idempotency: .overwrite)
    let defaultConcurrency = 4

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        var directory = channel.text("dir") ?? context.spoolDirectory + "/" + channel.name
        if !directory.hasPrefix("/") { directory = context.spoolDirectory + "/" + directory }
        return FileAdapter(directory: directory)
    }
}
