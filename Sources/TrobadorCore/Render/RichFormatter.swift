/// Writes a parsed document in one network's format.
protocol RichFormatter: Sendable {
    func format(_ document: RichDocument) -> FormattedText
}

/// A formatter's output: what to send, and the text the network counts against its limit.
struct FormattedText: Equatable {
    var rendered: RenderedText
    /// Usually `rendered.text`; Telegram counts the text after its tags are parsed away.
    var counted: String

    init(rendered: RenderedText, counted: String? = nil) {
        self.rendered = rendered
        self.counted = counted ?? rendered.text
    }

    /// Adds plain characters (a thread number) at the end of every version of the text;
    /// facets keep their offsets since they all lie before.
    mutating func append(_ suffix: String) {
        rendered.text += suffix
        rendered.plainText? += suffix
        counted += suffix
    }
}

extension TextFormat {
    var formatter: any RichFormatter {
        switch self {
        case .plain, .mastodon, .bluesky: PlainFormatter()
        case .telegramHTML: TelegramHTMLFormatter()
        case .matrixHTML: MatrixHTMLFormatter()
        case .slackMrkdwn: SlackMrkdwnFormatter()
        case .discordMarkdown: MarkdownFormatter(dialect: .discord)
        case .teamsMarkdown: MarkdownFormatter(dialect: .teams)
        case .ntfyMarkdown: MarkdownFormatter(dialect: .ntfy)
        }
    }
}
