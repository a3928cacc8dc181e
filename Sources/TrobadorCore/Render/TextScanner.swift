/// Finds hashtags and bare URLs in plain text (never in Markdown source: the Markdown parser
/// has already said what is a link). Used for text nodes of the syntax tree, for posts given
/// as plain text, and to count URLs the way Mastodon does.
enum TextScanner {
    /// A stretch of text that is either ordinary words or a hashtag (without its `#`).
    enum Piece: Equatable {
        case text(String)
        case tag(String)
    }

    /// Bluesky's tag facet allows 64 graphemes; longer runs stay plain text everywhere.
    static let hashtagMaxLength = 64

    /// Splits `text` into words and hashtags. `previous` is the character just before `text`
    /// in its block (nil at the start), since `#` only starts a tag after a space or an
    /// opening bracket: `C#` and `page#section` are not tags.
    static func hashtagPieces(in text: String, after previous: Character?) -> [Piece] {
        let characters = Array(text)
        var pieces: [Piece] = []
        var words = ""
        var previous = previous
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if isHashSign(character), startsTag(after: previous) {
                var end = index + 1
                while end < characters.count, isTagCharacter(characters[end]) { end += 1 }
                let body = characters[(index + 1)..<end]
                if !body.isEmpty, body.count <= hashtagMaxLength, body.contains(where: isLetter) {
                    if !words.isEmpty { pieces.append(.text(words)) }
                    words = ""
                    pieces.append(.tag(String(body)))
                    previous = characters[end - 1]
                    index = end
                    continue
                }
            }
            words.append(character)
            previous = character
            index += 1
        }
        if !words.isEmpty { pieces.append(.text(words)) }
        return pieces
    }

    /// The `http://` and `https://` URLs in `text`, as character offsets. A URL ends at a
    /// space or an angle bracket; trailing punctuation (`.`, `,`, `»`, an unbalanced `)`) is
    /// left to the sentence, as people read it.
    static func urlRanges(in characters: [Character]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < characters.count {
            guard let schemeLength = schemeLength(in: characters, at: index),
                  index == 0 || !isWordCharacter(characters[index - 1]) else {
                index += 1
                continue
            }
            var end = index + schemeLength
            while end < characters.count, !endsURL(characters[end]) { end += 1 }
            end = trimTrailingPunctuation(characters, start: index, end: end)
            if end > index + schemeLength {
                ranges.append(index..<end)
                index = end
            } else {
                index += schemeLength
            }
        }
        return ranges
    }

    /// Whether `#` may start a tag after this character.
    static func startsTag(after previous: Character?) -> Bool {
        guard let previous else { return true }
        return previous.isWhitespace || "([{«\"“‘'".contains(previous)
    }

    /// Letters (accented, or as a letter and combining marks), digits and `_`.
    static func isTagCharacter(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first else { return false }
        return first.properties.isAlphabetic || first.properties.numericType == .decimal || first == "_"
    }

    static func isLetter(_ character: Character) -> Bool {
        character.unicodeScalars.first?.properties.isAlphabetic ?? false
    }

    private static func isHashSign(_ character: Character) -> Bool {
        character == "#" || character == "＃"
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "/"
    }

    private static func schemeLength(in characters: [Character], at index: Int) -> Int? {
        for scheme in ["https://", "http://"] {
            let end = index + scheme.count
            guard end <= characters.count else { continue }
            if String(characters[index..<end]).lowercased() == scheme { return scheme.count }
        }
        return nil
    }

    private static func endsURL(_ character: Character) -> Bool {
        character.isWhitespace || "<>\"«»“”".contains(character)
            || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func trimTrailingPunctuation(_ characters: [Character], start: Int, end: Int) -> Int {
        var end = end
        while end > start {
            let last = characters[end - 1]
            if ".,;:!?'…".contains(last) {
                end -= 1
            } else if last == ")" || last == "]" {
                let opening: Character = last == ")" ? "(" : "["
                let slice = characters[start..<end]
                if slice.filter({ $0 == last }).count > slice.filter({ $0 == opening }).count {
                    end -= 1
                } else {
                    break
                }
            } else {
                break
            }
        }
        return end
    }
}
