import Foundation
import TrobadorCore

/// An `app.bsky.feed.post` record: the text, its rich-text facets (links and hashtags at
/// UTF-8 byte offsets, as the renderer located them), the languages, the images with their
/// alt text on the first part, and on later parts the `reply` to the thread's root and to
/// the part before.
struct BlueskyPostRecord {
    var text: RenderedText
    var createdAt: Date
    var language: String?
    var images: [(blob: BlueskyBlob, alt: String)] = []
    var reply: (root: BlueskyStrongRef, parent: BlueskyStrongRef)?

    var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("$type", .string(BlueskyAPI.postCollection)),
            ("text", .string(text.text)),
            ("createdAt", .string(Self.datetime(createdAt))),
        ]
        if let language { pairs.append(("langs", .array([.string(language)]))) }
        if !text.facets.isEmpty { pairs.append(("facets", .array(text.facets.map(Self.facet)))) }
        if !images.isEmpty {
            pairs.append(("embed", .object([
                ("$type", "app.bsky.embed.images"),
                ("images", .array(images.map { .object([("alt", .string($0.alt)), ("image", $0.blob.json)]) })),
            ])))
        }
        if let reply {
            pairs.append(("reply", .object([("root", reply.root.json), ("parent", reply.parent.json)])))
        }
        return .object(pairs)
    }

    static func facet(_ facet: Facet) -> JSONValue {
        let feature: JSONValue = switch facet.feature {
        case .link(let uri): .object([("$type", "app.bsky.richtext.facet#link"), ("uri", .string(uri))])
        case .tag(let tag): .object([("$type", "app.bsky.richtext.facet#tag"), ("tag", .string(tag))])
        }
        return .object([
            ("$type", "app.bsky.richtext.facet"),
            ("index", .object([("byteStart", .integer(facet.byteStart)), ("byteEnd", .integer(facet.byteEnd))])),
            ("features", .array([feature])),
        ])
    }

    /// RFC 3339 in UTC with milliseconds, the form the AT Protocol's datetime format expects.
    static func datetime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// `com.atproto.repo.strongRef`: a record's address and the hash of its content.
struct BlueskyStrongRef: Sendable, Equatable {
    var uri: String
    var cid: String

    var json: JSONValue { .object([("uri", .string(uri)), ("cid", .string(cid))]) }
}

/// A blob as `uploadBlob` returns it, to be referenced from a record as it came.
struct BlueskyBlob: Sendable, Equatable {
    var link: String
    var mimeType: String
    var size: Int

    var json: JSONValue {
        .object([("$type", "blob"), ("ref", .object([("$link", .string(link))])), ("mimeType", .string(mimeType)), ("size", .integer(size))])
    }

    /// `{"blob": {"$type": "blob", "ref": {"$link": "bafk..."}, "mimeType": ..., "size": ...}}`.
    init?(uploadAnswer object: [String: Any]) {
        guard let blob = object["blob"] as? [String: Any], let ref = blob["ref"] as? [String: Any],
              let link = ref["$link"] as? String, let mimeType = blob["mimeType"] as? String,
              let size = (blob["size"] as? NSNumber)?.intValue else { return nil }
        self.init(link: link, mimeType: mimeType, size: size)
    }

    init(link: String, mimeType: String, size: Int) {
        self.link = link
        self.mimeType = mimeType
        self.size = size
    }
}
