/// The field names a post file may use, per group of fields, and the closest known name
/// for one that is not known (`tag` → `tags`, `publishAt` → `publish_at`, `image` → `media`).
enum PostFieldNames {
    static let post = [
        "id", "action", "title", "tags", "channels", "link", "lang", "summary",
        "publish_at", "expires_at", "event", "media", "translations", "overrides",
    ]
    /// `body` is a field of JSON posts only; in Markdown the body follows the front matter.
    static let jsonOnly = ["body"]
    static let event = ["start", "end", "location"]
    static let media = ["file", "alt"]
    static let translation = ["title", "body", "summary"]
    static let override = ["text", "title", "summary", "link"]

    /// Words people write for a field, mostly from French and from other tools' front matter.
    private static let synonyms: [String: String] = [
        "hashtags": "tags", "hashtag": "tags", "mots_cles": "tags", "keywords": "tags", "categories": "tags",
        "image": "media", "images": "media", "picture": "media", "pictures": "media", "photo": "media",
        "photos": "media", "attachments": "media", "attachment": "media", "files": "media", "medias": "media",
        "url": "link", "href": "link", "lien": "link", "language": "lang", "langue": "lang", "locale": "lang",
        "date": "publish_at", "publish": "publish_at", "publication": "publish_at", "publish_date": "publish_at",
        "publish_on": "publish_at", "schedule": "publish_at", "published_at": "publish_at",
        "expires": "expires_at", "expire": "expires_at", "expiry": "expires_at", "expiration": "expires_at",
        "titre": "title", "resume": "summary", "résumé": "summary", "description": "summary", "excerpt": "summary",
        "text": "body", "texte": "body", "content": "body", "contenu": "body",
        "canaux": "channels", "channel": "channels", "networks": "channels", "reseaux": "channels",
        "réseaux": "channels", "traductions": "translations", "evenement": "event", "événement": "event",
        "evenements": "event", "events": "event", "override": "overrides",
        "lieu": "location", "place": "location", "where": "location", "debut": "start", "début": "start",
        "begin": "start", "fin": "end", "finish": "end", "alt_text": "alt", "alternative": "alt",
        "legende": "alt", "légende": "alt", "caption": "alt", "filename": "file", "fichier": "file",
        "path": "file", "src": "file", "message": "text",
    ]

    /// The known name `name` most likely stands for, if any.
    static func suggestion(for name: String, among known: [String]) -> String? {
        let normalized = normalize(name)
        if known.contains(normalized) { return normalized }
        if let synonym = synonyms[normalized], known.contains(synonym) { return synonym }
        let limit = normalized.count <= 4 ? 1 : 2
        let scored = known.map { (name: $0, distance: distance(normalized, $0)) }.filter { $0.distance <= limit }
        return scored.min { $0.distance < $1.distance }?.name
    }

    /// Lowercase, `-` and spaces as `_`, and camelCase as snake_case.
    private static func normalize(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, previous?.isLowercase == true { result.append("_") }
            result.append(character == "-" || character == " " ? "_" : character)
            previous = character
        }
        return result.lowercased()
    }

    /// Edit distance counting a swap of two neighbours as one edit (`titel` → `title`).
    private static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
