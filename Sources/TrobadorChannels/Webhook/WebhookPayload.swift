import Foundation
import TrobadorCore

/// The `webhook` body of SPEC: one JSON object describing the post and the action, with the
/// Markdown source and its plain and HTML renderings. The `file` channel writes the same.
struct WebhookPayload: Encodable {
    struct Event: Encodable {
        var start: String
        var end: String?
        var location: String?
    }

    struct Media: Encodable {
        var file: String
        var alt: String?
        var type: String
        var size: Int
        var sha256: String
    }

    var id: String
    var action: String
    var version: Int
    var title: String?
    var body: String
    var text: String
    var html: String
    var tags: [String]
    var link: String?
    var lang: String?
    var summary: String?
    var event: Event?
    var publish_at: String?
    var expires_at: String?
    var media: [Media]

    init(_ message: OutboundMessage) {
        let post = message.post
        id = post.id
        action = message.action.rawValue
        version = message.version
        title = post.title
        body = post.body
        text = Markdown.plainText(post.body)
        html = Markdown.html(post.body)
        tags = post.tags
        link = post.link
        lang = post.lang
        summary = post.summary
        event = post.event.map { Event(start: Self.date($0.start), end: $0.end.map(Self.date), location: $0.location) }
        publish_at = post.publishAt.map(Self.date)
        expires_at = post.expiresAt.map(Self.date)
        media = message.media.map { Media(file: $0.name, alt: $0.alt, type: $0.contentType, size: $0.size, sha256: $0.sha256) }
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }

    /// RFC 3339 in UTC, as receivers parse most easily.
    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
