/// The kind of text a network shows well. Every format starts from the same parsed body.
public enum TextFormat: String, Sendable, CaseIterable {
    /// Plain text: no marks; `[text](url)` as `text (url)`, lists as `• item` / `1. item`,
    /// quotes as `> ` lines, headings and the title as lines of their own.
    case plain
    /// Mastodon shows plain text (it finds links and hashtags itself).
    case mastodon
    /// Bluesky: plain text with facets for links and hashtags.
    case bluesky
    /// Telegram Bot API `parse_mode: HTML`: only `<b> <i> <s> <a href> <code> <pre>
    /// <blockquote>`, everything else escaped.
    case telegramHTML
    /// Matrix `org.matrix.custom.html`: `text` is the `formatted_body`, `plainText` the `body`.
    case matrixHTML
    /// Slack mrkdwn: `*bold*`, `_italic_`, `~strike~`, `<url|text>`, `&` `<` `>` escaped.
    case slackMrkdwn
    /// Discord's Markdown (headings up to `###`, masked links), mentions characters escaped.
    case discordMarkdown
    /// The Markdown subset of an Adaptive Card `TextBlock`: bold, italic, lists, links.
    case teamsMarkdown
    /// ntfy's Markdown (sent with `Markdown: yes`): CommonMark as its web app shows it.
    case ntfyMarkdown

    /// How the network counts a text of this format against its limit.
    public var lengthRule: LengthRule {
        switch self {
        case .mastodon: .mastodon()
        case .bluesky, .plain, .matrixHTML, .slackMrkdwn, .teamsMarkdown: .graphemes
        case .telegramHTML: .utf16
        case .discordMarkdown: .unicodeScalars
        case .ntfyMarkdown: .utf8Bytes
        }
    }
}
