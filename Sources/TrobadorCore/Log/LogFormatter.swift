/// Turns a `LogEvent` into one line of logfmt or JSON (without the newline).
struct LogFormatter: Sendable {
    var format: LogFormat

    func line(for event: LogEvent) -> String {
        switch format {
        case .logfmt: logfmt(event)
        case .json: json(event)
        }
    }

    /// Written into bytes and made a string once: a line is written for every post accepted and
    /// every attempt, and appending to a `String` piece by piece cost several times the bytes.
    private func logfmt(_ event: LogEvent) -> String {
        var line: [UInt8] = []
        line.reserveCapacity(192)
        event.forEachField { key, value in
            if !line.isEmpty { line.append(UInt8(ascii: " ")) }
            line.append(contentsOf: key.utf8)
            line.append(UInt8(ascii: "="))
            switch value {
            case .number(let number): line.append(contentsOf: String(number).utf8)
            case .text(let text): Self.appendLogfmtValue(text, to: &line)
            }
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Bare when the value is a plain token, quoted with escapes otherwise (spaces, quotes,
    /// `=`, control characters), so that each line splits back into the same keys.
    static func logfmtValue(_ text: String) -> String {
        var out: [UInt8] = []
        appendLogfmtValue(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `logfmtValue`, appended. Byte by byte: a byte of a multi-byte character is 0x80 or above,
    /// and passes as its character would, bare or inside the quotes.
    static func appendLogfmtValue(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        if !text.isEmpty, utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "\\") && $0 != 0x7F }) {
            out.append(contentsOf: utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private func json(_ event: LogEvent) -> String {
        JSONValue.object(event.fields.map { key, value in
            switch value {
            case .number(let number): (key, .integer(number))
            case .text(let text): (key, .string(text))
            }
        }).serialized
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
