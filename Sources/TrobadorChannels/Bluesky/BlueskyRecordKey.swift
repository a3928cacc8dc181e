import Crypto
import Foundation
import TrobadorCore

/// The record key of each part of a message: a valid TID (`3l2k4j5h6g7f2`, the key type the
/// `app.bsky.feed.post` lexicon declares and the AppView indexes), derived from the message's
/// idempotency key rather than the clock. Every attempt of the same message, before or
/// after a crash, asks the PDS for the same keys, and the PDS refuses to create a record
/// whose key exists: the same part cannot be posted twice.
///
/// A TID is 64 bits: a zero bit, 53 bits of microseconds since 1970, 10 bits of "clock id",
/// written as 13 characters of base32-sortable (`234567a-z`). Readers that sort a repository
/// by key (`listRecords`, repository browsers) read the time from it, so the time is a real
/// one where the post has it: its `publish_at`, else 2024-01-01. To it are added an offset
/// taken from the key's hash (below one second with `publish_at`, up to 12 days without,
/// so that posts do not meet) and the part's index, so a thread's parts sort in order; the
/// clock id is 10 more bits of the hash.
enum BlueskyRecordKey {
    static let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")
    /// 2024-01-01T00:00:00Z.
    static let fallbackAnchor = Date(timeIntervalSince1970: 1_704_067_200)

    /// The key of part `index` (from 0) of the message whose idempotency key is `key`.
    static func make(key: String, part index: Int, publishAt: Date?) -> String {
        let digest = Array(SHA256.hash(data: Array(key.utf8)))
        let spread = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let anchor = publishAt ?? fallbackAnchor
        let window: UInt64 = publishAt == nil ? 1 << 40 : 999_000
        let micros = UInt64(max(0, anchor.timeIntervalSince1970.rounded(.down))) * 1_000_000 + spread % window + UInt64(index)
        let partDigest = Array(SHA256.hash(data: Array((key + "/" + String(index)).utf8)))
        let clockID = (UInt64(partDigest[0]) << 8 | UInt64(partDigest[1])) & 0x3FF
        return encode((micros & ((1 << 53) - 1)) << 10 | clockID)
    }

    /// The 13-character base32-sortable form of a 64-bit value whose top bit is zero.
    static func encode(_ value: UInt64) -> String {
        var characters = [Character](repeating: "2", count: 13)
        var rest = value
        for position in stride(from: 12, through: 0, by: -1) {
            characters[position] = alphabet[Int(rest & 31)]
            rest >>= 5
        }
        return String(characters)
    }

    /// Whether `text` is TID syntax: 13 base32-sortable characters, the first one of
    /// `234567abcdefghij`.
    static func isTID(_ text: String) -> Bool {
        let characters = Array(text)
        guard characters.count == 13, let first = alphabet.firstIndex(of: characters[0]), first < 16 else { return false }
        return characters.allSatisfy { alphabet.contains($0) }
    }
}
