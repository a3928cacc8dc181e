/// Where a text may be cut between two words, and which cuts end a sentence.
enum BreakRules {
    /// No-break spaces (U+00A0, U+202F, U+2007) and the word joiner hold words together, as
    /// French typography puts them before `:` `;` `!` `?` and inside `« »`.
    static func isBreakingSpace(_ character: Character) -> Bool {
        character.isWhitespace && !character.isNewline
            && !["\u{00A0}", "\u{202F}", "\u{2007}", "\u{2060}"].contains(character)
    }

    /// Whether a space between these two characters may end a part. Many French texts use a
    /// plain space where a no-break space belongs: `ans ?` must not leave `?` alone at the
    /// start of the next part, nor `«` at the end of this one. Nil stands for a link or tag.
    static func allowsBreak(before next: Character?, after previous: Character?) -> Bool {
        if let next, ":;!?»".contains(next) { return false }
        if let previous, previous == "«" { return false }
        return true
    }

    /// Whether the characters before a space, read backwards, end a sentence: `.`, `!`, `?`
    /// or `…`, possibly followed by closing quotes or brackets.
    static func endsSentence<Glyphs: Sequence>(_ backwards: Glyphs) -> Bool where Glyphs.Element == Character? {
        for glyph in backwards {
            guard let glyph else { return false }
            if "»\"”’')]".contains(glyph) { continue }
            return ".!?…".contains(glyph)
        }
        return false
    }
}
