import Foundation

/// The JSON object of a network's answer, when the answer is one. An answer that cannot be
/// an object (empty, as a webhook receiver's `204 No Content`, or plain text) is not handed to
/// `JSONSerialization`, which reports it with a thrown error: one for every delivery otherwise.
enum ResponseJSON {
    static func object(_ body: [UInt8]) -> [String: Any]? {
        let start = body.first { !Self.isWhitespace($0) }
        guard start == UInt8(ascii: "{") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// JSON's whitespace (RFC 8259, section 2).
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
