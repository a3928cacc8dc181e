import Crypto

/// SHA-256 in lowercase hexadecimal, as stored and shown.
public enum ContentHash {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        // Through the digest's bytes: iterating the digest as a sequence cost more than the hash.
        SHA256.hash(data: bytes).withUnsafeBytes { $0.hexString }
    }
}

extension Sequence where Element == UInt8 {
    /// Written as ASCII bytes, then made a string once (appending `Character`s one by one
    /// cost more than hashing, for every idempotency key).
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
