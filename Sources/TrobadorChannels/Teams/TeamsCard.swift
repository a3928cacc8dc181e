import Foundation
import TrobadorCore

/// The Adaptive Card a post becomes, in the envelope a Workflows webhook expects:
/// `{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}`.
enum TeamsCard {
    /// Teams' limit for one message, card included.
    static let maxBytes = 28 * 1024
    static let textLimit = TeamsChannelType.declared.maxLength ?? 20000

    /// The title travels as the card's heading and the link as its button, so the text
    /// holds the body, the event line and the tags.
    private static let composer = PostComposer(
        format: .teamsMarkdown, limit: textLimit, lengthRule: .utf8Bytes, threads: false, contents: [.event, .tags])

    static func text(for post: Post) -> (text: String, fit: ComposedText.Fit) {
        let composed = composer.compose(post)
        return (composed.parts.first?.text ?? "", composed.fit)
    }

    static func payload(for post: Post, text: String) -> JSONValue {
        var body: [JSONValue] = []
        if let title = post.title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty {
            body.append(.object([
                ("type", "TextBlock"), ("text", .string(escaped(title))), ("weight", "Bolder"), ("size", "Medium"),
                ("wrap", .bool(true)),
            ]))
        }
        if !text.isEmpty {
            body.append(.object([("type", "TextBlock"), ("text", .string(text)), ("wrap", .bool(true))]))
        }
        var card: [(String, JSONValue)] = [
            ("$schema", "http://adaptivecards.io/schemas/adaptive-card.json"),
            ("type", "AdaptiveCard"),
            ("version", "1.4"),
            ("body", .array(body)),
        ]
        if let link = post.link {
            card.append(("actions", .array([
                .object([("type", "Action.OpenUrl"), ("title", .string(buttonTitle(for: link))), ("url", .string(link))]),
            ])))
        }
        // Without it Teams draws the card at a narrow fixed width, wrapping a long text tightly.
        card.append(("msteams", .object([("width", "Full")])))
        return .object([
            ("type", "message"),
            ("attachments", .array([
                .object([
                    ("contentType", "application/vnd.microsoft.card.adaptive"),
                    ("contentUrl", .null),
                    ("content", .object(card)),
                ]),
            ])),
        ])
    }

    /// The button names the site it opens (`www.example.org`), which reads the same in
    /// every language.
    static func buttonTitle(for link: String) -> String {
        URLComponents(string: link)?.host ?? link
    }

    /// The title is shown as written: the characters a `TextBlock` reads as Markdown (the
    /// same set as the renderer's Teams dialect) are escaped.
    static func escaped(_ title: String) -> String {
        var out = ""
        for character in title {
            if "\\*_[]".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
