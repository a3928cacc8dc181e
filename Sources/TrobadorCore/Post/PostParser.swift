import Foundation

/// How a post file is written.
public enum PostFormat: String, Sendable, Codable, CaseIterable {
    /// Markdown with optional YAML front matter (`.md`).
    case markdown
    /// One JSON object with the same fields and a `body` key (`.json`).
    case json

    /// The file extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .markdown: "md"
        case .json: "json"
        }
    }
}

/// Reads post files: checks every field against `rules` and the rules of the post format,
/// and either returns the `Post` or throws a `PostRejection` listing every problem found,
/// each with its line and column and a hint for the person who wrote the file.
public struct PostParser: Sendable {
    public var rules: PostRules

    public init(rules: PostRules) {
        self.rules = rules
    }

    /// Parses the bytes of one post file.
    /// - Parameter defaultID: the id when the file gives none: its name without extension.
    public func parse(_ bytes: [UInt8], format: PostFormat, defaultID: String) throws(PostRejection) -> Post {
        try parseWithPositions(bytes, format: format, defaultID: defaultID).post
    }

    /// The post and where its media entries were written, for `load(entry:)`.
    func parseWithPositions(_ bytes: [UInt8], format: PostFormat, defaultID: String) throws(PostRejection) -> ParsedPost {
        let text = try PostText.decode(bytes)
        var reader = PostFieldReader(rules: rules, format: format)
        let post: Post
        switch format {
        case .markdown:
            let parts = try FrontMatter.split(text)
            let root = try parts.yaml.flatMap { yaml throws(PostRejection) in try YAMLNodeReader.read(yaml, firstLine: parts.firstLine) }
            post = reader.read(root: root, body: parts.body, bodyPosition: .init(line: parts.bodyLine, column: 1), defaultID: defaultID)
        case .json:
            let root = try JSONNodeReader.read(text)
            post = reader.read(root: root, body: nil, bodyPosition: .init(line: 1, column: 1), defaultID: defaultID)
        }
        guard reader.problems.isEmpty else {
            throw PostRejection(reader.problems).sortedByPosition()
        }
        return ParsedPost(post: post, mediaPositions: reader.mediaPositions, mediaListPosition: reader.mediaListPosition)
    }
}

/// A parsed post and the positions of what `load(entry:)` checks on disk afterwards.
struct ParsedPost {
    var post: Post
    /// Where each of `post.media` was written.
    var mediaPositions: [PostNode.Position]
    var mediaListPosition: PostNode.Position?
}
