import Foundation
import Testing
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Bluesky record keys: TIDs derived from the message")
struct BlueskyRecordKeyTests {
    /// The microseconds a TID carries, decoded apart from the encoder.
    func micros(_ tid: String) -> UInt64 {
        let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")
        let value = tid.reduce(UInt64(0)) { $0 << 5 | UInt64(alphabet.firstIndex(of: $1)!) }
        return value >> 10
    }

    @Test func keys_are_valid_tids_the_same_on_every_attempt_and_distinct_per_part_and_version() {
        let v1 = AcceptancePolicy.idempotencyKey(postID: "fete-musique-2026", channel: "bluesky", action: .publish, version: 1)
        let v2 = AcceptancePolicy.idempotencyKey(postID: "fete-musique-2026", channel: "bluesky", action: .update, version: 2)
        let first = (0..<8).map { BlueskyRecordKey.make(key: v1, part: $0, publishAt: nil) }
        let again = (0..<8).map { BlueskyRecordKey.make(key: v1, part: $0, publishAt: nil) }
        let second = (0..<8).map { BlueskyRecordKey.make(key: v2, part: $0, publishAt: nil) }
        #expect(first == again)
        #expect(Set(first + second).count == 16)
        #expect((first + second).allSatisfy { BlueskyPDSStandIn.isTID($0) && BlueskyRecordKey.isTID($0) })
        #expect(first == first.sorted(), "a thread's parts sort in order")
    }

    @Test func the_time_in_the_key_is_the_posts_publish_at_or_early_2024() {
        let key = AcceptancePolicy.idempotencyKey(postID: "fete-musique-2026", channel: "bluesky", action: .publish, version: 1)
        let publishAt = Date(timeIntervalSince1970: 1_781_852_400)  // 2026-06-19T07:00:00Z
        #expect(micros(BlueskyRecordKey.make(key: key, part: 0, publishAt: publishAt)) / 1_000_000 == 1_781_852_400)
        let fallback = micros(BlueskyRecordKey.make(key: key, part: 0, publishAt: nil)) / 1_000_000
        #expect((1_704_067_200..<(1_704_067_200 + 13 * 86_400)).contains(fallback))
    }

    @Test func tid_syntax_is_checked_as_the_specification_says() {
        #expect(BlueskyRecordKey.isTID("3jzfcijpj2z2a"))
        #expect(!BlueskyRecordKey.isTID("3jzfcijpj2z2"))
        #expect(!BlueskyRecordKey.isTID("kjzfcijpj2z2a"), "the top bit is zero")
        #expect(!BlueskyRecordKey.isTID("3jzfcijpj2z21"), "1 is not in base32-sortable")
        #expect(BlueskyRecordKey.encode(0) == "2222222222222")
    }
}
