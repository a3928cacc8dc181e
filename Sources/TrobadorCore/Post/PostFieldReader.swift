/// Turns the tree read from a post file into a `Post`, checking every field and collecting
/// every problem with the line and column where it was written.
struct PostFieldReader {
    let rules: PostRules
    let format: PostFormat
    /// Every problem found so far.
    private(set) var problems: [PostProblem] = []
    /// Where each `media` entry was written, for problems found later with the files.
    var mediaPositions: [PostNode.Position] = []
    /// Where the `media` list was written.
    var mediaListPosition: PostNode.Position?

    init(rules: PostRules, format: PostFormat) {
        self.rules = rules
        self.format = format
    }

    /// The post described by `root` (nil for an empty front matter). For Markdown, `body` is
    /// the text below the front matter, starting at `bodyPosition`; for JSON it is nil.
    mutating func read(root: PostNode?, body markdownBody: String?, bodyPosition: PostNode.Position, defaultID: String) -> Post {
        var post = Post(id: defaultID)
        var idNode: PostNode?
        var bodyNode: PostNode?
        let rootPosition = root?.position ?? bodyPosition
        let known = PostFieldNames.post + (format == .json ? PostFieldNames.jsonOnly : [])
        var fields: [(name: String, key: PostNode, value: PostNode)] = []
        if let root {
            if case .mapping = root.value {
                fields = entries(of: root, path: nil, known: known)
            } else {
                report(nil, at: root.position, "the \(format == .json ? "JSON post" : "front matter") must be a group of fields, but it is \(root.kindDescription)",
                       hint: format == .json
                           ? "Write the post as one object: { \"title\": \"…\", \"body\": \"…\" }."
                           : "Write one field per line, as name: value, for example title: Fête de la musique.")
            }
        }
        for (name, _, value) in fields {
            switch name {
            case "id": idNode = value
            case "action": post.action = action(value) ?? .publish
            case "title": post.title = text(value, field: name)
            case "summary": post.summary = text(value, field: name)
            case "tags": post.tags = tags(value)
            case "channels": post.channels = channels(value)
            case "link": post.link = link(value, field: name)
            case "lang": post.lang = language(value, field: name)
            case "publish_at": post.publishAt = date(value, field: name)
            case "expires_at": post.expiresAt = date(value, field: name)
            case "event": post.event = event(value)
            case "translations": post.translations = translations(value)
            case "overrides": post.overrides = overrides(value)
            case "body": bodyNode = value
            default: break // "media" waits for the action: a retraction needs no alt text.
            }
        }
        if let media = fields.first(where: { $0.name == "media" }) {
            post.media = self.media(media.value, requireAlt: rules.requireAltText && post.action != .retract)
        }
        post.id = identifier(idNode, defaultID: defaultID)
        if let expires = fields.first(where: { $0.name == "expires_at" }), let end = post.expiresAt,
           let start = post.publishAt, end <= start {
            report("expires_at", at: expires.value.position, "the post expires before it is published (expires_at is not after publish_at)",
                   hint: "Set expires_at to a moment after publish_at, or remove one of them.")
        }
        if let markdownBody {
            post.body = markdownBody
        } else if let bodyNode {
            post.body = text(bodyNode, field: "body") ?? ""
        }
        if post.action != .retract, post.body.allSatisfy(\.isWhitespace) {
            let hint = format == .json
                ? "Write the text of the post in \"body\": \"…\". To remove a published post instead, write \"action\": \"retract\"."
                : "Write the text of the post below the closing ---. To remove a published post instead, write action: retract in the front matter."
            report("body", at: bodyNode?.position ?? (format == .json ? rootPosition : bodyPosition),
                   "the post has no text to publish", hint: hint)
        }
        return post
    }

    // MARK: - Reporting

    mutating func report(_ field: String?, at position: PostNode.Position?, _ message: String, hint: String?) {
        problems.append(PostProblem(field: field, line: position?.line, column: position?.column, message: message, hint: hint))
    }

    /// The fields of a mapping, each name once, reporting names that are not text, written
    /// twice, or not among `known` (with the closest known name when there is a likely one);
    /// `known` is nil where any name goes (languages, channel names).
    mutating func entries(of node: PostNode, path: String?, known: [String]?) -> [(name: String, key: PostNode, value: PostNode)] {
        guard case .mapping(let pairs) = node.value else { return [] }
        var seen = Set<String>()
        var result: [(name: String, key: PostNode, value: PostNode)] = []
        let place = path.map { "of \($0)" } ?? "of a post"
        for (key, value) in pairs {
            guard let name = key.text, case .scalar = key.value else {
                report(path, at: key.position, "a field name must be a single word, but this is \(key.kindDescription)",
                       hint: "Write each field as name: value" + (known.map { ", using one of: \($0.joined(separator: ", "))." } ?? "."))
                continue
            }
            let field = path.map { "\($0).\(name)" } ?? name
            guard seen.insert(name).inserted else {
                report(field, at: key.position, "\"\(name)\" is written more than once in the same group of fields",
                       hint: "Keep a single \"\(name)\" and delete the other one.")
                continue
            }
            if let known, !known.contains(name) {
                reportUnknown(name, field: field, place: place, at: key.position, known: known, path: path)
                continue
            }
            result.append((name, key, value))
        }
        return result
    }

    private mutating func reportUnknown(_ name: String, field: String, place: String, at position: PostNode.Position,
                                        known: [String], path: String?) {
        let all = "The fields \(place) are: \(known.joined(separator: ", "))."
        let suggestion = PostFieldNames.suggestion(for: name, among: known + (path == nil ? ["body"] : []))
        if path == nil, format == .markdown, suggestion == "body" {
            report(field, at: position, "\"\(name)\" is not a field of a post: the text of the post goes below the front matter",
                   hint: "Move the text below the closing --- line and delete the \(name): line.")
        } else if let suggestion {
            report(field, at: position, "\"\(name)\" is not a field \(place); did you mean \"\(suggestion)\"?",
                   hint: "Write \(suggestion) instead of \(name). \(all)")
        } else {
            report(field, at: position, "\"\(name)\" is not a field \(place)",
                   hint: "Remove it or correct its name. \(all)")
        }
    }
}
