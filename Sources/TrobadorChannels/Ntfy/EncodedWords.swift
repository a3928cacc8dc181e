/// RFC 2047 encoded words, the form ntfy decodes in its `Title`, `Message` and `Tags`
/// headers: HTTP header values are safest in ASCII, and a header cannot hold a line break.
/// Each word is `=?UTF-8?Q?…?=` (readable when the text is mostly ASCII) or
/// `=?UTF-8?B?…?=` (shorter for other scripts and emoji), at most 75 characters, cut
/// between code points; the spaces between words are not part of the text.
enum EncodedWords {
    private static let maxWord = 75
    private static let qPrefix = "=?UTF-8?Q?"
    private static let bPrefix = "=?UTF-8?B?"

    /// `text` as a header value: unchanged when it is plain printable ASCII, else encoded.
    static func header(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
            && text.first != " " && text.last != " "
        guard !plain else { return text }
        let q = words(text, prefix: qPrefix, encode: qEncoded)
        let b = words(text, prefix: bPrefix, encode: bEncoded)
        return q.count <= b.count ? q : b
    }

    private static func words(_ text: String, prefix: String, encode: ([UInt8]) -> String) -> String {
        var words: [String] = []
        var pending: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !pending.isEmpty, prefix.count + encode(pending + bytes).count + 2 > maxWord {
                words.append(prefix + encode(pending) + "?=")
                pending = []
            }
            pending += bytes
        }
        if !pending.isEmpty { words.append(prefix + encode(pending) + "?=") }
        return words.joined(separator: " ")
    }

    /// Q encoding: a space is `_`; printable ASCII stays, except `=`, `?` and `_`; any
    /// other byte is `=XX`.
    static func qEncoded(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes {
            switch byte {
            case 0x20: out += "_"
            case 0x21...0x7E where byte != UInt8(ascii: "=") && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// B encoding: base64 with padding.
    static func bEncoded(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = (Int(chunk[0]) << 16) | (chunk.count > 1 ? Int(chunk[1]) << 8 : 0) | (chunk.count > 2 ? Int(chunk[2]) : 0)
            out.append(alphabet[(value >> 18) & 63])
            out.append(alphabet[(value >> 12) & 63])
            out.append(chunk.count > 1 ? alphabet[(value >> 6) & 63] : "=")
            out.append(chunk.count > 2 ? alphabet[value & 63] : "=")
            index += 3
        }
        return out
    }
}
