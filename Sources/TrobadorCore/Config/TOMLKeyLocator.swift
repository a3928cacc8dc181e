/// Finds where table headers and keys sit in TOML source text, because TOMLKit's values carry
/// no source positions and errors must name a line.
///
/// It scans text that TOMLKit has already parsed successfully, so it assumes valid TOML and
/// never reports errors itself. What it records:
/// - each `[table]` header, and each `[[array]]` header with its occurrence index (the index of
///   the element in the parsed array);
/// - for each `key = value` line, the key's position and the value's first character, filed
///   under the header above it.
///
/// What it does not handle, by design: a dotted key (`a.b = 1`) is filed under its first segment
/// only; keys inside inline tables (`token = { env = "X" }`) and arrays are not recorded, so
/// callers fall back to the enclosing key. A header is also filed as a key of the table above
/// it, positioned at the header: `[spool]` as key `spool` of the root, `[a.b]` as key `b` of `a`
/// (of its last `[[a]]` element if `a` is an array of tables).
public struct TOMLKeyLocator: Sendable {
    /// A 1-based line and column (Unicode scalars), as TOMLKit reports parse errors.
    public struct Position: Sendable, Equatable {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    public struct KeyPosition: Sendable, Equatable {
        /// The key's first character.
        public var key: Position
        /// The value's first character (the `[` or `{` for arrays and inline tables).
        public var value: Position
    }

    /// A table in the document: the keys before any header, a `[name]` table, or the
    /// `index`th `[[name]]` element. Names are dotted paths with quotes removed.
    public enum TableRef: Sendable, Hashable {
        case root
        case table(String)
        case element(String, Int)
    }

    private(set) var headers: [TableRef: Position] = [:]
    private(set) var keys: [TableRef: [String: KeyPosition]] = [:]

    public init(source: String) {
        var scalars = Array(source.unicodeScalars)
        // toml++ skips a byte order mark without counting it as a column.
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var scanner = Scanner(scalars)
        var current = TableRef.root
        var elementCounts: [String: Int] = [:]

        while true {
            scanner.skipBlankLinesAndComments()
            guard let scalar = scanner.peek() else { break }
            let start = scanner.position
            if scalar == "[" {
                let isArray = scanner.peek(offset: 1) == "["
                scanner.advance(isArray ? 2 : 1)
                let segments = scanner.readKeySegments()
                let name = segments.joined(separator: ".")
                if isArray {
                    let index = elementCounts[name, default: 0]
                    elementCounts[name] = index + 1
                    current = .element(name, index)
                } else {
                    current = .table(name)
                }
                headers[current] = headers[current] ?? start
                // The header also defines a key of the table above it: `[spool]` is key `spool` of
                // the root, `[channel.headers]` key `headers` of the last `[[channel]]`.
                let parentName = segments.dropLast().joined(separator: ".")
                let parent: TableRef = parentName.isEmpty
                    ? .root
                    : elementCounts[parentName].map { .element(parentName, $0 - 1) } ?? .table(parentName)
                record(segments[segments.count - 1], in: parent, at: KeyPosition(key: start, value: start))
                scanner.skipToEndOfLine()
            } else {
                let segments = scanner.readKeySegments()
                scanner.skipSpaces()
                if scanner.peek() == "=" { scanner.advance(1) }
                scanner.skipSpaces()
                let valueStart = scanner.position
                if let first = segments.first, !first.isEmpty {
                    record(first, in: current, at: KeyPosition(key: start, value: valueStart))
                }
                scanner.skipValue()
            }
            // Anything unexpected: move on rather than loop forever.
            if scanner.position == start { scanner.advance(1) }
        }
    }

    /// The header of a table, if it was written as one.
    public func header(_ table: TableRef) -> Position? {
        headers[table]
    }

    /// Where `key` was written directly inside `table`.
    public func key(_ key: String, in table: TableRef) -> KeyPosition? {
        keys[table]?[key]
    }

    private mutating func record(_ key: String, in table: TableRef, at position: KeyPosition) {
        if keys[table]?[key] == nil {
            keys[table, default: [:]][key] = position
        }
    }
}

/// A cursor over Unicode scalars that keeps the line and column.
private struct Scanner {
    let scalars: [Unicode.Scalar]
    var index = 0
    var position = TOMLKeyLocator.Position(line: 1, column: 1)

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    func peek(offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    mutating func advance(_ count: Int) {
        for _ in 0..<count where index < scalars.count {
            if scalars[index] == "\n" {
                position.line += 1
                position.column = 1
            } else {
                position.column += 1
            }
            index += 1
        }
    }

    mutating func skipSpaces() {
        while let scalar = peek(), scalar == " " || scalar == "\t" { advance(1) }
    }

    mutating func skipToEndOfLine() {
        while let scalar = peek(), scalar != "\n" { advance(1) }
    }

    mutating func skipBlankLinesAndComments() {
        while let scalar = peek() {
            switch scalar {
            case " ", "\t", "\r", "\n": advance(1)
            case "#": skipToEndOfLine()
            default: return
            }
        }
    }

    /// Reads `a.b."c d".'e'` up to `=`, `]` or the end of the line, without the quotes.
    mutating func readKeySegments() -> [String] {
        var segments: [String] = []
        var segment = ""
        while let scalar = peek(), scalar != "=", scalar != "]", scalar != "\n", scalar != "#" {
            switch scalar {
            case "\"", "'":
                segment += readQuoted(scalar)
            case ".":
                segments.append(segment)
                segment = ""
                advance(1)
            case " ", "\t":
                advance(1)
            default:
                segment.unicodeScalars.append(scalar)
                advance(1)
            }
        }
        segments.append(segment)
        return segments
    }

    /// A one-line quoted string's content; `\"` is kept as `"`, other escapes as written.
    private mutating func readQuoted(_ quote: Unicode.Scalar) -> String {
        var text = ""
        advance(1)
        while let scalar = peek(), scalar != "\n" {
            if scalar == quote {
                advance(1)
                break
            }
            if quote == "\"", scalar == "\\", let next = peek(offset: 1), next == "\"" || next == "\\" {
                text.unicodeScalars.append(next)
                advance(2)
                continue
            }
            text.unicodeScalars.append(scalar)
            advance(1)
        }
        return text
    }

    /// Skips a value (strings, multi-line arrays, comments) and the end of its line.
    mutating func skipValue() {
        var depth = 0
        while let scalar = peek() {
            switch scalar {
            case "\"", "'":
                skipString(scalar)
                continue
            case "[", "{":
                depth += 1
            case "]", "}":
                depth -= 1
            case "#":
                skipToEndOfLine()
                continue
            case "\n":
                advance(1)
                if depth <= 0 { return }
                continue
            default:
                break
            }
            advance(1)
        }
    }

    private mutating func skipString(_ quote: Unicode.Scalar) {
        let isMultiLine = peek(offset: 1) == quote && peek(offset: 2) == quote
        advance(isMultiLine ? 3 : 1)
        while let scalar = peek() {
            if quote == "\"", scalar == "\\" {
                advance(2)
                continue
            }
            if !isMultiLine, scalar == "\n" { return }
            if scalar == quote {
                if !isMultiLine {
                    advance(1)
                    return
                }
                if peek(offset: 1) == quote, peek(offset: 2) == quote {
                    advance(3)
                    // A multi-line string may end with one or two quotes of its own: `""""`.
                    var extra = 0
                    while extra < 2, peek() == quote {
                        advance(1)
                        extra += 1
                    }
                    return
                }
            }
            advance(1)
        }
    }
}
