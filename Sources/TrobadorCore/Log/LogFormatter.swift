/// Turns a `LogEvent` into one line of logfmt or JSON (without the newline).
struct LogFormatter: Sendable {
    var format: LogFormat

    func line(for event: LogEvent) -> String {
        switch format {
        case .logfmt: logfmt(event)
        case .json: json(event)
        }
    }

    private func logfmt(_ event: LogEvent) -> String {
        var line = ""
        line.reserveCapacity(160)
        for (key, value) in event.fields {
            if !line.isEmpty { line.append(" ") }
            line.append(key)
            line.append("=")
            switch value {
            case .number(let number): line.append(String(number))
            case .text(let text): line.append(Self.logfmtValue(text))
            }
        }
        return line
    }

    /// Bare when the value is a plain token, quoted with escapes otherwise (spaces, quotes,
    /// `=`, control characters), so that each line splits back into the same keys.
    static func logfmtValue(_ text: String) -> String {
        // Byte by byte: a byte of a multi-byte character is 0x80 or above, and passes as its character would.
        if !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "\\") && $0 != 0x7F }) {
            return text
        }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

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
