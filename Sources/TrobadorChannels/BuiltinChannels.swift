import TrobadorCore

/// Every channel type compiled into Trobador. Adding one is one line here.
public enum BuiltinChannels {
    public static let all: [any ChannelType] = [
        WebhookChannelType(),
        FileChannelType(),
        DiscordChannelType(),
        MastodonChannelType(),
        BlueskyChannelType(),
        TelegramChannelType(),
        MatrixChannelType(),
        NtfyChannelType(),
    ]

    /// The type-specific keys of each type, for the configuration parser.
    public static var settingSpecs: [String: [ChannelSettingSpec]] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.settings) })
    }
}
