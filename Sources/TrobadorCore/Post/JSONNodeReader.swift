/// Reads a JSON post (RFC 8259) into a `PostNode` tree with the line and column of every value.
///
/// Hand-written rather than Foundation's `JSONSerialization` plus a YAML pass for positions:
/// on Linux `JSONSerialization` reports only a character offset, and libyaml refuses valid
/// JSON such as emoji written as surrogate pairs (`"\ud83c\udf42"`), which JSON tools emit.
struct JSONNodeReader {
    /// Deeper nesting than this is refused; a post needs four levels at most.
    static let maxDepth = 64

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    private init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// The tree of `text`, which must hold exactly one JSON value.
    static func read(_ text: String) throws(PostRejection) -> PostNode {
        var reader = JSONNodeReader(text)
        reader.skipSpace()
        let root = try reader.readValue(depth: 0)
        reader.skipSpace()
        if let extra = reader.current {
            throw reader.problem(
                "there is more text after the end of the JSON object (\(describe(extra)))",
                hint: "A JSON post is one object from { to its closing }; remove what follows it."
            )
        }
        return root
    }

    // MARK: - Values

    private mutating func readValue(depth: Int) throws(PostRejection) -> PostNode {
        guard depth < Self.maxDepth else {
            throw problem("the JSON is nested too deeply", hint: "A post needs only a few levels of { } and [ ].")
        }
        let position = PostNode.Position(line: line, column: column)
        guard let scalar = current else {
            throw problem(
                "the JSON ends where a value was expected",
                hint: "Check that every { and [ has its closing } or ], and every \" its closing \"."
            )
        }
        switch scalar {
        case "{": return PostNode(.mapping(try readObject(depth: depth)), at: position)
        case "[": return PostNode(.sequence(try readArray(depth: depth)), at: position)
        case "\"": return PostNode(.scalar(try readString(), .text), at: position)
        case "-", "0"..."9": return PostNode(.scalar(try readNumber(), .number), at: position)
        case "t": try readWord("true"); return PostNode(.scalar("true", .boolean), at: position)
        case "f": try readWord("false"); return PostNode(.scalar("false", .boolean), at: position)
        case "n": try readWord("null"); return PostNode(.scalar("null", .null), at: position)
        case "'":
            throw problem("JSON text must be in double quotes (\"), not single quotes (')",
                          hint: "Write \"text\" instead of 'text'.")
        case "/", "#":
            throw problem("JSON does not allow comments", hint: "Remove the comment.")
        default:
            throw problem(
                "a value was expected here but found \(Self.describe(scalar))",
                hint: "Values are text in double quotes (\"...\"), numbers, true, false, null, lists [...] or objects {...}."
            )
        }
    }

    private mutating func readObject(depth: Int) throws(PostRejection) -> [(key: PostNode, value: PostNode)] {
        advance() // {
        var pairs: [(key: PostNode, value: PostNode)] = []
        skipSpace()
        if current == "}" { advance(); return pairs }
        while true {
            skipSpace()
            let keyPosition = PostNode.Position(line: line, column: column)
            switch current {
            case "\"": break
            case "}":
                throw problem("a comma before } is not allowed in JSON", hint: "Remove the comma after the last field.")
            default:
                throw problem(
                    "a field name in double quotes was expected but found \(current.map(Self.describe) ?? "the end of the file")",
                    hint: "Write each field as \"name\": value, for example \"title\": \"Fête de la musique\"."
                )
            }
            let key = PostNode(.scalar(try readString(), .text), at: keyPosition)
            skipSpace()
            guard current == ":" else {
                throw problem("a colon (:) was expected after the field name",
                              hint: "Write each field as \"name\": value.")
            }
            advance()
            skipSpace()
            pairs.append((key, try readValue(depth: depth + 1)))
            skipSpace()
            switch current {
            case ",": advance()
            case "}": advance(); return pairs
            default:
                throw problem(
                    "a comma or a closing } was expected after this value but found \(current.map(Self.describe) ?? "the end of the file")",
                    hint: "Separate fields with commas; a comma may be missing at the end of the line before."
                )
            }
        }
    }

    private mutating func readArray(depth: Int) throws(PostRejection) -> [PostNode] {
        advance() // [
        var items: [PostNode] = []
        skipSpace()
        if current == "]" { advance(); return items }
        while true {
            skipSpace()
            if current == "]" {
                throw problem("a comma before ] is not allowed in JSON", hint: "Remove the comma after the last item.")
            }
            items.append(try readValue(depth: depth + 1))
            skipSpace()
            switch current {
            case ",": advance()
            case "]": advance(); return items
            default:
                throw problem(
                    "a comma or a closing ] was expected in this list but found \(current.map(Self.describe) ?? "the end of the file")",
                    hint: "Separate the items of a list with commas: [\"culture\", \"musique\"]."
                )
            }
        }
    }

    // MARK: - Scalars

    private mutating func readString() throws(PostRejection) -> String {
        advance() // "
        var text = String.UnicodeScalarView()
        while true {
            guard let scalar = current else {
                throw problem("this text is never closed by a double quote (\")",
                              hint: "Add the closing \" at the end of the text.")
            }
            switch scalar {
            case "\"":
                advance()
                return String(text)
            case "\\":
                advance()
                text.append(try readEscape())
            case "\n":
                throw problem("a text in quotes cannot run over several lines in JSON",
                              hint: "Write the line breaks as \\n inside the text, or close the \" on this line.")
            case _ where scalar.value < 0x20:
                throw problem("a control character (code \(scalar.value)) is not allowed inside a JSON text",
                              hint: "Write a tab as \\t and a line break as \\n.")
            default:
                text.append(scalar)
                advance()
            }
        }
    }

    /// The character after a backslash; reads a following `\uDC00` for a surrogate pair.
    private mutating func readEscape() throws(PostRejection) -> Unicode.Scalar {
        let escapes: [Unicode.Scalar: Unicode.Scalar] = [
            "\"": "\"", "\\": "\\", "/": "/", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t",
        ]
        guard let letter = current else { throw problem("the text ends after a backslash (\\)", hint: nil) }
        if let scalar = escapes[letter] {
            advance()
            return scalar
        }
        guard letter == "u" else {
            throw problem("\\\(letter) is not a JSON escape",
                          hint: "Write a backslash as \\\\; the escapes are \\n, \\t, \\\", \\\\, \\/ and \\uXXXX.")
        }
        advance()
        let high = try readHex4()
        if (0xD800..<0xDC00).contains(high), current == "\\", peek(1) == "u" {
            advance(); advance()
            let low = try readHex4()
            if (0xDC00..<0xE000).contains(low), let pair = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                return pair
            }
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw problem("\\u\(String(high, radix: 16)) is half of a character (a lone surrogate)",
                          hint: "Write the character itself, such as 🎶, instead of its code.")
        }
        return scalar
    }

    private mutating func readHex4() throws(PostRejection) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, scalar.isASCII, let digit = UInt32(String(scalar), radix: 16) else {
                throw problem("\\u must be followed by four hexadecimal digits", hint: "For example \\u00e9 for é.")
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private mutating func readNumber() throws(PostRejection) -> String {
        let start = index
        if current == "-" { advance() }
        guard try readDigits() > 0 else { throw problem("a number was expected after -", hint: nil) }
        if current == "." {
            advance()
            guard try readDigits() > 0 else { throw problem("digits were expected after the decimal point", hint: nil) }
        }
        if current == "e" || current == "E" {
            advance()
            if current == "+" || current == "-" { advance() }
            guard try readDigits() > 0 else { throw problem("digits were expected in the exponent", hint: nil) }
        }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    private mutating func readDigits() throws(PostRejection) -> Int {
        var count = 0
        while let scalar = current, ("0"..."9").contains(scalar) {
            advance()
            count += 1
        }
        return count
    }

    private mutating func readWord(_ word: String) throws(PostRejection) {
        for expected in word.unicodeScalars {
            guard current == expected else {
                throw problem("a value was expected here (did you mean \(word)?)",
                              hint: "Text must be in double quotes: \"like this\".")
            }
            advance()
        }
    }

    // MARK: - Position

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func skipSpace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            advance()
        }
    }

    private func problem(_ message: String, hint: String?) -> PostRejection {
        PostRejection(PostProblem(line: line, column: column, message: "the JSON is not valid: " + message, hint: hint))
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        scalar.properties.isWhitespace || scalar.value < 0x20 ? "an invisible character" : "\"\(scalar)\""
    }
}
