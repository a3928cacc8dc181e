import Foundation

/// What a post id may be: 1 to 128 characters of `a-z 0-9 . _ -`, not starting with a dot
/// (ids name files in the `file` channel and in the spool; `..` must never be one).
enum PostIdentifier {
    static let maxLength = 128

    static let rule = "An id has 1 to 128 characters: lowercase letters a to z without accents, digits, dots (.), hyphens (-) and underscores (_)."

    /// Why `id` is not valid, in plain words; nil when it is.
    static func problem(with id: String) -> String? {
        // Nearly every id is plain ASCII and valid: said by its bytes, without the character
        // by character reading (grapheme breaking) that finds what to tell about the others.
        if (1...maxLength).contains(id.utf8.count), id.utf8.first != UInt8(ascii: "."), id.utf8.allSatisfy(isAllowed) { return nil }
        if id.isEmpty { return "it is empty" }
        if id.count > maxLength { return "it has \(id.count) characters, more than \(maxLength)" }
        if id.contains("/") || id.contains("\\") { return "it contains \"\(id.contains("/") ? "/" : "\\")\"; an id is one name, not a path" }
        if id.hasPrefix(".") { return "it starts with a dot" }
        var wrong: [Character] = []
        for character in id where !isAllowed(character) && !wrong.contains(character) {
            wrong.append(character)
        }
        guard !wrong.isEmpty else { return nil }
        if wrong.allSatisfy({ $0.isUppercase }) { return "it has capital letters" }
        let shown = wrong.prefix(5).map { $0 == " " ? "a space" : "\"\($0)\"" }.joined(separator: ", ")
        return "it contains \(shown)"
    }

    private static func isAllowed(_ character: Character) -> Bool {
        character.asciiValue.map(isAllowed) ?? false
    }

    private static func isAllowed(_ ascii: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(ascii) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii)
            || ascii == UInt8(ascii: ".") || ascii == UInt8(ascii: "_") || ascii == UInt8(ascii: "-")
    }

    /// A valid id close to `text`: `Fête 2026/Toulouse` → `fete-2026-toulouse`.
    static func suggestion(for text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var result = ""
        for character in folded {
            if isAllowed(character) {
                result.append(character)
            } else if result.last != "-" {
                result.append("-")
            }
        }
        let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? "post" : String(trimmed.prefix(maxLength))
    }
}
