import Foundation

/// A post as the communication team wrote it: one Markdown body and its metadata,
/// validated, with media resolved. Channels render it; the store keeps it verbatim.
public struct Post: Sendable, Codable, Equatable {
    /// 1 to 128 characters of `a-z 0-9 . _ -`; the file name without extension by default.
    public var id: String
    public var action: PostAction
    public var title: String?
    /// The Markdown source of the body (after the front matter).
    public var body: String
    /// Hashtags where the channel has them, and routing. Stored without a leading `#`.
    public var tags: [String]
    /// Explicit routing; overrides routing by tags when present.
    public var channels: [String]?
    public var link: String?
    public var lang: String?
    /// A short version for tight channels.
    public var summary: String?
    /// Hold the post until then.
    public var publishAt: Date?
    /// Never publish after then; may retract after.
    public var expiresAt: Date?
    public var event: PostEvent?
    public var media: [MediaReference]
    /// Other languages, keyed by language code (`oc`, `en`...).
    public var translations: [String: PostTranslation]
    /// Per channel name, replacements of rendered fields (`text`, `title`, `summary`, `link`).
    public var overrides: [String: [String: String]]

    public init(
        id: String, action: PostAction = .publish, title: String? = nil, body: String = "",
        tags: [String] = [], channels: [String]? = nil, link: String? = nil, lang: String? = nil,
        summary: String? = nil, publishAt: Date? = nil, expiresAt: Date? = nil, event: PostEvent? = nil,
        media: [MediaReference] = [], translations: [String: PostTranslation] = [:],
        overrides: [String: [String: String]] = [:]
    ) {
        self.id = id
        self.action = action
        self.title = title
        self.body = body
        self.tags = tags
        self.channels = channels
        self.link = link
        self.lang = lang
        self.summary = summary
        self.publishAt = publishAt
        self.expiresAt = expiresAt
        self.event = event
        self.media = media
        self.translations = translations
        self.overrides = overrides
    }
}

/// What a post file asks for.
public enum PostAction: String, Sendable, Codable, CaseIterable {
    /// Publish a new post (the default).
    case publish
    /// Edit the published copies of a known post.
    case update
    /// Remove the published copies of a known post.
    case retract
}

/// When and where an event happens.
public struct PostEvent: Sendable, Codable, Equatable {
    public var start: Date
    public var end: Date?
    public var location: String?

    public init(start: Date, end: Date? = nil, location: String? = nil) {
        self.start = start
        self.end = end
        self.location = location
    }
}

/// An image or other file attached to a post, as named in the front matter.
public struct MediaReference: Sendable, Codable, Equatable {
    /// The file name, relative to the post's directory.
    public var file: String
    /// The text description for people who cannot see the image.
    public var alt: String?

    public init(file: String, alt: String? = nil) {
        self.file = file
        self.alt = alt
    }
}

/// The same post in another language.
public struct PostTranslation: Sendable, Codable, Equatable {
    public var title: String?
    public var body: String
    public var summary: String?

    public init(title: String? = nil, body: String, summary: String? = nil) {
        self.title = title
        self.body = body
        self.summary = summary
    }
}

/// A media file read from a post's directory, checked and ready to store.
public struct MediaFile: Sendable, Equatable {
    public var name: String
    public var alt: String?
    /// The media type found from the file's content (`image/png`...).
    public var contentType: String
    public var data: [UInt8]
    /// Lowercase hexadecimal SHA-256 of `data`.
    public var sha256: String

    public var size: Int { data.count }

    public init(name: String, alt: String?, contentType: String, data: [UInt8], sha256: String) {
        self.name = name
        self.alt = alt
        self.contentType = contentType
        self.data = data
        self.sha256 = sha256
    }
}
