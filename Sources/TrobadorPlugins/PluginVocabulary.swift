import TrobadorCore

/// The words `plugin.toml` uses for formats, length rules and contents, and how they map to
/// the renderer's types; one table, so that the reader, `trobador channels` and the docs agree.
enum PluginVocabulary {
    static let formats: [(name: String, format: TextFormat)] = [
        ("plain", .plain), ("markdown", .ntfyMarkdown), ("slack_mrkdwn", .slackMrkdwn),
        ("discord_markdown", .discordMarkdown), ("teams_markdown", .teamsMarkdown), ("telegram_html", .telegramHTML),
        ("matrix_html", .matrixHTML), ("mastodon", .mastodon), ("bluesky", .bluesky),
    ]

    static let lengthRules: [(name: String, rule: LengthRule)] = [
        ("graphemes", .graphemes), ("unicode_scalars", .unicodeScalars), ("utf16", .utf16), ("utf8_bytes", .utf8Bytes),
        ("mastodon", .mastodon()),
    ]

    static let contents: [(name: String, part: PostComposer.Contents)] = [
        ("title", .title), ("event", .event), ("link", .link), ("tags", .tags),
    ]

    static func format(named name: String) -> TextFormat? { formats.first { $0.name == name }?.format }
    static func lengthRule(named name: String) -> LengthRule? { lengthRules.first { $0.name == name }?.rule }

    static func name(of format: TextFormat) -> String { formats.first { $0.format == format }?.name ?? format.rawValue }

    /// How a preview says the length is counted.
    static func unit(of rule: LengthRule) -> String {
        switch rule {
        case .graphemes: "graphemes"
        case .unicodeScalars: "Unicode scalars"
        case .utf16: "UTF-16 units"
        case .utf8Bytes: "UTF-8 bytes"
        case .mastodon(let urlLength): "characters, URLs as \(urlLength)"
        }
    }

    /// What `trobador channels` shows as the formatting of a plugin's text.
    static func formatting(of format: TextFormat) -> ChannelCapabilities.Formatting {
        switch format {
        case .plain, .mastodon, .bluesky: .plain
        case .telegramHTML, .matrixHTML: .html
        case .slackMrkdwn, .discordMarkdown, .teamsMarkdown, .ntfyMarkdown: .markdown
        }
    }
}
