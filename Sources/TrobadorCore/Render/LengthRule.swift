/// How a network counts the length of a text against its limit. Each one counts differently,
/// and a text that fits by one count can be refused by another: `👩🏽‍💻` is 1 grapheme,
/// 4 Unicode scalars, 7 UTF-16 code units and 15 UTF-8 bytes.
public enum LengthRule: Sendable, Equatable, Hashable {
    /// User-perceived characters (extended grapheme clusters): Bluesky's 300.
    case graphemes
    /// Unicode code points: Discord's 2000 (its API is Python, which counts code points).
    case unicodeScalars
    /// UTF-16 code units: Telegram's 4096 for messages and 1024 for captions, counted on the
    /// text after its HTML tags are parsed away.
    case utf16
    /// UTF-8 bytes: ntfy's message size limit (4096 by default).
    case utf8Bytes
    /// Mastodon: graphemes, but every `http(s)` URL counts as `urlLength` (the instance's
    /// `characters_reserved_per_url`, 23 by default) whatever its length, and a mention of a
    /// remote account (`@name@server`) counts only its `@name`.
    case mastodon(urlLength: Int = 23)

    /// The length of `text` by this rule.
    public func count(_ text: String) -> Int {
        switch self {
        case .graphemes: text.count
        case .unicodeScalars: text.unicodeScalars.count
        case .utf16: text.utf16.count
        case .utf8Bytes: text.utf8.count
        case .mastodon(let urlLength): Self.mastodonCount(text, urlLength: urlLength)
        }
    }

    private static func mastodonCount(_ text: String, urlLength: Int) -> Int {
        let characters = Array(text)
        var count = 0
        var position = 0
        for url in TextScanner.urlRanges(in: characters) {
            count += countWithShortMentions(characters[position..<url.lowerBound]) + urlLength
            position = url.upperBound
        }
        return count + countWithShortMentions(characters[position...])
    }

    /// Graphemes, with `@name@server` counted as `@name`.
    private static func countWithShortMentions(_ characters: ArraySlice<Character>) -> Int {
        var count = 0
        var index = characters.startIndex
        while index < characters.endIndex {
            if characters[index] == "@", index == characters.startIndex || !isNameCharacter(characters[index - 1]),
               let server = remoteMentionServer(characters, nameStart: index + 1) {
                count += server.lowerBound - index
                index = server.upperBound
                continue
            }
            count += 1
            index += 1
        }
        return count
    }

    /// Where the `@server` part of a remote mention lies, if `nameStart` begins one.
    private static func remoteMentionServer(_ characters: ArraySlice<Character>, nameStart: Int) -> Range<Int>? {
        var index = nameStart
        while index < characters.endIndex, isNameCharacter(characters[index]) { index += 1 }
        guard index > nameStart, index < characters.endIndex, characters[index] == "@" else { return nil }
        let serverStart = index
        index += 1
        while index < characters.endIndex, isNameCharacter(characters[index]) || "-.".contains(characters[index]) {
            index += 1
        }
        while index > serverStart + 1, characters[index - 1] == "." || characters[index - 1] == "-" { index -= 1 }
        let server = characters[(serverStart + 1)..<index]
        guard server.contains("."), !server.isEmpty else { return nil }
        return serverStart..<index
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }
}
