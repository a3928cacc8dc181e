/// Refuses, before the TOML parser (toml++ through TOMLKit) sees them, the few lines that
/// crash it instead of being reported, so that `check` prints a problem and a reload
/// (SIGHUP) keeps the running configuration:
/// - a section header whose name starts with a character a bare key cannot start with, such
///   as `[réglages]` or `[&a]`: toml++ stops on an assertion;
/// - a key or section with tens of thousands of dotted parts (`a.a.a…`): parsing goes one
///   level deeper per part and overflows the stack.
enum TOMLPreflight {
    /// Far more than any configuration needs (the deepest is `channel.headers.NAME`).
    static let maxParts = 64

    static func problem(in text: String, path: String) -> ConfigurationProblem? {
        var number = 0
        var insideMultilineString = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            // A line inside a """ or ''' string is text, not a key: count the delimiters.
            let delimiters = line.ranges(of: "\"\"\"").count + line.ranges(of: "'''").count
            defer { if delimiters % 2 == 1 { insideMultilineString.toggle() } }
            if insideMultilineString { continue }
            let start = line.drop { $0 == " " || $0 == "\t" }
            let column = line.count - start.count + 1
            let key: Substring
            if start.hasPrefix("[") {
                let name = start.drop { $0 == "[" }.drop { $0 == " " || $0 == "\t" }
                if let first = name.first, !isBareKeyCharacter(first), first != "\"", first != "'", first != "]" {
                    return ConfigurationProblem(
                        path: path, line: number, column: column + (start.count - name.count),
                        message: "a section name starts with a letter, a digit, _ or -, or is in quotes, "
                            + "not \(first); write [\"\(name.prefix { $0 != "]" })\"] or use plain letters")
                }
                key = start.prefix { $0 != "]" && $0 != "#" }
            } else if let equals = start.firstIndex(of: "=") {
                key = start[..<equals]
            } else {
                continue
            }
            let parts = key.count(where: { $0 == "." }) + 1
            if parts > maxParts {
                return ConfigurationProblem(
                    path: path, line: number, column: column,
                    message: "this key has \(parts) dotted parts, more than the \(maxParts) read; "
                        + "a trobador configuration needs at most three, such as headers.X-Name in a [[channel]]")
            }
        }
        return nil
    }

    /// `A-Z a-z 0-9 _ -`, what TOML allows in a bare key.
    private static func isBareKeyCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x61 && ascii <= 0x7A)
            || ascii == UInt8(ascii: "_") || ascii == UInt8(ascii: "-")
    }
}
