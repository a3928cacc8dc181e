/// Refuses, before the TOML parser (toml++ through TOMLKit) sees them, the few lines that
/// crash it instead of being reported, so that `check` prints a problem and a reload
/// (SIGHUP) keeps the running configuration:
/// - a section header whose name starts with a character a bare key cannot start with, such
///   as `[émissions]`, `[&a]` or `[[[channel]]`: toml++ stops on an assertion;
/// - a key or section with tens of thousands of dotted parts (`a.a.a…`): parsing goes one
///   level deeper per part and overflows the stack;
/// - a `}` where a list (`[`) expects a value, such as `defaults = [}`: another assertion.
enum TOMLPreflight {
    /// Far more than any configuration needs (the deepest is `channel.headers.NAME`).
    static let maxParts = 64

    static func problem(in text: String, path: String) -> ConfigurationProblem? {
        if let brace = braceClosingAList(in: text) {
            return ConfigurationProblem(
                path: path, line: brace.line, column: brace.column,
                message: "`}` where the list opened on line \(brace.opened) needs a value or `]`: "
                    + "close a list with ] and a table written inline, { … }, with }")
        }
        var number = 0
        var insideMultilineString = false
        // Unicode scalars, not characters: toml++ reads bytes, and a combining mark after
        // `[` or `}` would make one character of both and hide them.
        for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let lineText = String(String.UnicodeScalarView(line))
            // A line inside a """ or ''' string is text, not a key: count the delimiters.
            let delimiters = lineText.ranges(of: "\"\"\"").count + lineText.ranges(of: "'''").count
            defer { if delimiters % 2 == 1 { insideMultilineString.toggle() } }
            if insideMultilineString { continue }
            let start = line.drop { $0 == " " || $0 == "\t" }
            let column = line.count - start.count + 1
            let key: Substring.UnicodeScalarView
            if start.first == "[" {
                // `[name]` or `[[name]]`: a third bracket, like any other symbol, starts the name.
                let opening = start.dropFirst().first == "[" ? 2 : 1
                let name = start.dropFirst(opening).drop { $0 == " " || $0 == "\t" }
                let first = name.first
                if first != "]", first != "\"", first != "'", !(first.map(isBareKeyCharacter) ?? false) {
                    let found = first.map { $0 == "\r" || $0 == "#" ? "the end of the line" : String($0) } ?? "the end of the line"
                    let shown = String(String.UnicodeScalarView(name.prefix { $0 != "]" && $0 != "\r" }))
                    return ConfigurationProblem(
                        path: path, line: number, column: column + (start.count - name.count),
                        message: "a section name starts with a letter, a digit, _ or -, or is in quotes, not \(found); "
                            + "write it as [spool] or [[channel]], or in quotes: [\"\(shown)\"]")
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

    /// The first `}` whose innermost open bracket is a `[`, outside strings and comments,
    /// with the line of that `[`. Columns count Unicode scalars, from 1.
    static func braceClosingAList(in text: String) -> (line: Int, column: Int, opened: Int)? {
        var open: [(bracket: Unicode.Scalar, line: Int)] = []
        var line = 1
        var column = 0
        var characters = Array(text.unicodeScalars)[...]
        func advance() {
            let character = characters.removeFirst()
            if character == "\n" {
                line += 1
                column = 0
            } else {
                column += 1
            }
        }
        func take(_ prefix: String) -> Bool {
            guard characters.starts(with: prefix.unicodeScalars) else { return false }
            for _ in prefix.unicodeScalars { advance() }
            return true
        }
        func isLineEnd(_ character: Unicode.Scalar) -> Bool { character == "\n" }
        while let character = characters.first {
            if take("\"\"\"") {
                while !characters.isEmpty, !take("\"\"\"") {
                    if !take("\\\\"), !take("\\\"") { advance() }
                }
                continue
            }
            if take("'''") {
                while !characters.isEmpty, !take("'''") { advance() }
                continue
            }
            advance()
            switch character {
            case "\"":
                while let next = characters.first, next != "\"", !isLineEnd(next) {
                    if !take("\\\\"), !take("\\\"") { advance() }
                }
                if characters.first == "\"" { advance() }
            case "'":
                while let next = characters.first, next != "'", !isLineEnd(next) { advance() }
                if characters.first == "'" { advance() }
            case "#":
                while let next = characters.first, !isLineEnd(next) { advance() }
            case "[", "{":
                open.append((character, line))
            case "]":
                if open.last?.bracket == "[" { open.removeLast() }
            case "}":
                if let innermost = open.last, innermost.bracket == "[" { return (line, column, innermost.line) }
                if open.last?.bracket == "{" { open.removeLast() }
            default:
                break
            }
        }
        return nil
    }

    /// `A-Z a-z 0-9 _ -`, what TOML allows in a bare key.
    private static func isBareKeyCharacter(_ character: Unicode.Scalar) -> Bool {
        guard character.isASCII else { return false }
        let ascii = UInt8(character.value)
        return (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x61 && ascii <= 0x7A)
            || ascii == UInt8(ascii: "_") || ascii == UInt8(ascii: "-")
    }
}
