import Foundation

/// How the composer decides that the body already holds the post's link or one of its tags.
enum PostLinks {
    /// A post tag as a hashtag: as written (no CamelCase invented, accents kept), without
    /// what a hashtag cannot hold (spaces, hyphens, apostrophes, a leading `#`). Nil when no
    /// letter is left, since `#2026` is not a tag anywhere.
    static func hashtag(fromTag tag: String) -> String? {
        let body = String(tag.filter(TextScanner.isTagCharacter))
        guard body.contains(where: TextScanner.isLetter), body.count <= TextScanner.hashtagMaxLength else { return nil }
        return body
    }

    /// Tags compare without case or accents: `#Culture` is the tag `culture`, `#Fete` is `fête`.
    static func tagKey(_ tag: String) -> String {
        tag.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Links compare without query, fragment, trailing slash, or case of scheme and host: the
    /// body's `…/fete-de-la-musique?utm_source=reseaux` is the post's link.
    static func sameTarget(_ first: String, _ second: String) -> Bool {
        linkKey(first) == linkKey(second)
    }

    private static func linkKey(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.query = nil
        components.fragment = nil
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        var key = components.string ?? url
        while key.hasSuffix("/") { key.removeLast() }
        return key
    }
}
