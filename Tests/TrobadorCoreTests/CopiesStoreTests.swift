import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

/// Which copies of a post a channel still shows, as the SQLite store reads them for a
/// retraction and for `status`: corrections published anew add a copy, edits take the place
/// of the copy they edited, and what a retraction deleted is gone even when it stopped part way.
@Suite("SQLite state store: the copies a retraction must delete")
struct CopiesStoreTests {
    static func done(_ claimed: ClaimedDelivery, performed: String, id: String, state: DeliveryState = .delivered) -> AttemptCompletion {
        AttemptCompletion(
            claimed: claimed, finishedAt: Date(), milliseconds: 5, result: .delivered,
            httpStatus: 200, error: nil, receipt: Receipt(remoteID: id, url: "https://example.org/m/\(id)"), newState: state, nextAt: nil,
            audit: AuditEntry(performed: performed, sent: []))
    }

    func claim(_ store: SQLiteStateStore, _ channel: String, at seconds: Double) async throws -> ClaimedDelivery {
        try #require(try await store.claimDue(channel: channel, limit: 1, now: Date().addingTimeInterval(seconds)).claimed.first)
    }

    @Test func a_retraction_gets_every_copy_newest_first_and_status_names_only_those_left() async throws {
        let directory = try TemporaryDirectory("copies")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        _ = try await store.accept([StoreTests.submission(Post(id: "fete", body: "v1"), routes: ["panneau", "bsky"])], now: Date())
        try await store.complete([Self.done(try await claim(store, "panneau", at: 0), performed: "publish", id: "n-0")])
        try await store.complete([Self.done(try await claim(store, "bsky", at: 0), performed: "publish", id: "b-0")])

        // The noticeboard cannot edit: the update is a new message. Bluesky replaces its copy.
        _ = try await store.accept([StoreTests.submission(Post(id: "fete", action: .update, body: "v2"), routes: [])], now: Date())
        try await store.complete([Self.done(try await claim(store, "panneau", at: 1), performed: AuditEntry.updateAsNewMessage, id: "n-1")])
        try await store.complete([Self.done(try await claim(store, "bsky", at: 1), performed: "update", id: "b-1")])

        _ = try await store.accept([StoreTests.submission(Post(id: "fete", action: .retract), routes: [])], now: Date())
        let board = try await claim(store, "panneau", at: 2)
        #expect(board.message.copies.map(\.remoteID) == ["n-1", "n-0"])
        #expect(board.message.previousReceipt?.remoteID == "n-1")
        #expect(board.message.progress == nil)
        let bluesky = try await claim(store, "bsky", at: 2)
        #expect(bluesky.message.copies.map(\.remoteID) == ["b-1"], "the replaced copy is no longer online")

        // The correction deleted, then the first publication refused: the progress is kept.
        try await store.complete([AttemptCompletion(
            claimed: board, finishedAt: Date(), milliseconds: 9, result: .failed,
            httpStatus: 403, error: "could not delete the first publication (id n-0)",
            receipt: Receipt(remoteID: "n-1", url: "https://example.org/m/n-1", parts: ["n-1"]), newState: .failed, nextAt: nil,
            audit: AuditEntry(performed: "retract", sent: []))])
        let removal = try #require(try store.status(latestProblems: 10).removeByHand.first)
        #expect(removal.channel == "panneau" && removal.urls == ["https://example.org/m/n-0"])

        _ = try await store.requeue(postID: "fete", channel: "panneau", now: Date().addingTimeInterval(3))
        let again = try await claim(store, "panneau", at: 3)
        #expect(again.message.copies.map(\.remoteID) == ["n-1", "n-0"])
        #expect(again.message.progress?.parts == ["n-1"], "the next attempt knows what is deleted already")

        // Once a retraction ended `retracted`, a later one finds nothing left.
        try await store.complete([Self.done(again, performed: "retract", id: "n-0", state: .retracted)])
        _ = try await store.accept([StoreTests.submission(Post(id: "fete", action: .retract, body: "again"), routes: [])], now: Date())
        let later = try await claim(store, "panneau", at: 4)
        #expect(later.message.copies.isEmpty)
    }
}
