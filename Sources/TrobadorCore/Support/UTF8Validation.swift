/// Whether bytes are well-formed UTF-8 (The Unicode Standard, table 3-7: no overlong forms, no
/// surrogates, nothing above U+10FFFF), read eight at a time while they are ASCII. A request
/// body is checked this way before the audit trail keeps it as text, for every attempt, and
/// most of it is ASCII JSON; the standard library's check (`UTF8Span(validating:)`) took
/// about seven instructions a byte for the same answer.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        while index < bytes.count {
            if index + 8 <= bytes.count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The length of the sequence, and the range its second byte must be in.
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xED: (length, high) = (3, 0x9F)
            case 0xE1...0xEF: length = 3
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF4: (length, high) = (4, 0x8F)
            case 0xF1...0xF3: length = 4
            default: return false
            }
            guard index + length <= bytes.count, (low...high).contains(bytes[index + 1]) else { return false }
            for next in index + 2 ..< index + length where bytes[next] & 0xC0 != 0x80 {
                return false
            }
            index += length
        }
        return true
    }
}
