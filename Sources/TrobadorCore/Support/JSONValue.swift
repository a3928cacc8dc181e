/// A JSON document built in code, serialized with its keys in the order given: request
/// bodies and log lines read the same way every time, in the order the specification lists.
public indirect enum JSONValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// A string, or null when absent.
    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// An object, leaving out the keys whose value is nil.
    public static func object(dropping pairs: [(String, JSONValue?)]) -> JSONValue {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized == rhs.serialized }

    /// Compact JSON text; `/` is not escaped and non-ASCII characters are written as they are.
    public var serialized: String { String(decoding: bytes, as: UTF8.self) }

    /// The compact JSON text as UTF-8, written byte by byte: request bodies are built this way
    /// for every delivery, so no intermediate strings are made.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .string(let text): Self.appendQuoted(text, to: &out)
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .number(let value): out.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal for `text`.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal. Works on UTF-8 bytes: only ASCII needs
    /// escaping, and every byte of a multi-byte character is 0x80 or above. Eight bytes are
    /// looked at together, and from a word holding one to escape the reading goes straight to
    /// it; the runs between the bytes to escape are copied whole: every request body and audit
    /// record goes through here, and an audit record is JSON holding JSON, with a quote every
    /// few bytes.
    /// `out` grows as arrays do when appended to (reserving the exact size at each string
    /// would copy the whole document again for every string added).
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendQuoted(utf8: $0, to: &out) }
    }

    /// Appends the text whose valid UTF-8 `bytes` are as a JSON string literal (see above).
    static func appendQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let raw = UnsafeRawBufferPointer(bytes)
        var run = 0
        var index = 0
        while index < bytes.count {
            if index + 8 <= bytes.count {
                let flags = escapeFlags(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                if flags == 0 {
                    index += 8
                    continue
                }
                // Straight to the first byte to escape: the lowest flag is always a true one.
                index += flags.trailingZeroBitCount / 8
            }
            let byte = bytes[index]
            // The letter after `\`, or nil for a control character without one (`\u00XX`).
            let letter: UInt8?
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): letter = byte
            case UInt8(ascii: "\n"): letter = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): letter = UInt8(ascii: "r")
            case UInt8(ascii: "\t"): letter = UInt8(ascii: "t")
            case 0..<0x20: letter = nil
            default:
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
            index += 1
            run = index
            out.append(UInt8(ascii: "\\"))
            if let letter {
                out.append(letter)
            } else {
                out.append(contentsOf: "u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        out.append(UInt8(ascii: "\""))
    }

    /// The high bit of each of the eight bytes of `word` (read little-endian: the first byte is
    /// the lowest) that may be below 0x20, `"` or `\`; zero when none is. "Has a byte less
    /// than n" is `(x - n·0x01…) & ~x & 0x80…`, and equality is a zero byte of `x ^ c·0x01…`.
    /// A borrow only runs upwards from a byte that is truly below, so a flag may be false only
    /// above a true one: the lowest flag is exact.
    @inline(__always)
    private static func escapeFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func below(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &- ones &* n) & ~x & highs }
        return below(word, 0x20) | below(word ^ (ones &* 0x22), 1) | below(word ^ (ones &* 0x5C), 1)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
