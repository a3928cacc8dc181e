import CurlHTTP
import Foundation
import GRDB
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

/// The audit trail in the SQLite store: one record per attempt, with the requests as sent,
/// never rewritten; and the retractions `retract_on_expiry` schedules, kept on disk.
@Suite("SQLite state store: audit trail and retractions on expiry")
struct AuditTrailStoreTests {
    static func sent(_ body: String, status: Int?) -> SentRequest {
        SentRequest(
            HTTPRequest(method: "POST", url: "http://127.0.0.1:9/api/v1/statuses?access_token=SECRET-TOKEN",
                        headers: [("Content-Type", "application/json"), ("Authorization", "Bearer SESSION-JWT")], body: Array(body.utf8)),
            status: status, error: status == nil ? "connection refused" : nil, secrets: ["SECRET-TOKEN"])
    }

    func completion(_ claimed: ClaimedDelivery, _ result: AttemptCompletion.Result, state: DeliveryState, sent: SentRequest, remoteID: String?) -> AttemptCompletion {
        AttemptCompletion(
            claimed: claimed, finishedAt: Date(), milliseconds: 12, result: result,
            httpStatus: sent.status, error: result == .delivered ? nil : "service unavailable",
            receipt: remoteID.map { Receipt(remoteID: $0, url: "https://example.org/@region/\($0)") }, newState: state,
            nextAt: result == .retry ? Date() : nil, audit: AuditEntry(performed: "publish", sent: [sent]))
    }

    @Test func a_later_attempt_adds_a_record_and_never_alters_an_earlier_one() async throws {
        let directory = try TemporaryDirectory("audit")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        _ = try await store.accept([StoreTests.submission(Post(id: "fete", body: "v1"), routes: ["mastodon"])], now: Date())

        let first = try #require(try await store.claimDue(channel: "mastodon", limit: 1, now: Date()).claimed.first)
        try await store.complete([completion(first, .retry, state: .retrying, sent: Self.sent("{\"status\":\"un\"}", status: 503), remoteID: nil)])
        let before = try #require(try store.history(postID: "fete")?.deliveries.first?.attempts.first?.audit)

        let second = try #require(try await store.claimDue(channel: "mastodon", limit: 1, now: Date().addingTimeInterval(1)).claimed.first)
        try await store.complete([completion(second, .delivered, state: .delivered, sent: Self.sent("{\"status\":\"deux\"}", status: 200), remoteID: "42")])

        let attempts = try #require(try store.history(postID: "fete")?.deliveries.first?.attempts)
        #expect(attempts.count == 2)
        let after = try #require(attempts[0].audit)
        #expect(after.at == before.at && after.outcome == "retry" && after.remoteID == nil)
        #expect(after.sent == before.sent)
        #expect(after.sent.first?.body == "{\"status\":\"un\"}")
        #expect(attempts[1].audit?.remoteID == "42")
        #expect(attempts[1].audit?.sent.first?.status == 200)

        // Secrets as preview hides them; the session credential too.
        let request = try #require(after.sent.first)
        #expect(request.url == "http://127.0.0.1:9/api/v1/statuses?access_token=***")
        #expect(request.headers.first { $0.name == "Authorization" }?.value == "Bearer ***")

        // Neither SQL nor a later write can rewrite or remove a record.
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in try db.execute(sql: "UPDATE audit SET outcome = 'delivered', remote_id = 'x'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in try db.execute(sql: "DELETE FROM audit") }
        }
        let again = try #require(try store.history(postID: "fete")?.deliveries.first?.attempts.first?.audit)
        #expect(again.outcome == "retry" && again.remoteID == nil)
    }

    @Test func uploads_are_summarised_not_kept() {
        let image = [UInt8](repeating: 0xFF, count: 200_000)
        let sent = SentRequest(
            HTTPRequest(method: "POST", url: "http://127.0.0.1:9/upload", headers: [("Content-Type", "multipart/form-data; boundary=x")], body: image),
            status: 200, error: nil, secrets: [])
        #expect(sent.body == nil)
        #expect(sent.bodySummary == "200000 bytes of multipart/form-data; boundary=x, sha256 \(ContentHash.sha256Hex(image))")
    }

    @Test func a_record_is_stored_as_JSONEncoder_writes_it_and_reads_back_the_same() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let records = [
            Self.sent("{\"text\":\"Fête \\\"en\\\" ville\\n\\u0001 🎉 / é\"}", status: 201),
            Self.sent("", status: nil),
            SentRequest(
                HTTPRequest(method: "POST", url: "http://127.0.0.1:9/upload", headers: [("content-type", "image/png")], body: [0x89, 0x50]),
                status: 413, error: nil, secrets: []),
            SentRequest(HTTPRequest(method: "DELETE", url: "http://127.0.0.1:9/api/v1/statuses/1", headers: [], body: []),
                        status: 204, error: nil, secrets: []),
        ]
        #expect(SentRequests([]).json == Array(try encoder.encode([SentRequest]())))
        let written = SentRequests(records).json
        #expect(written == Array(try encoder.encode(records)))
        #expect(try JSONDecoder().decode([SentRequest].self, from: Data(written)) == records)
    }

    @Test func a_request_recorded_from_its_bytes_is_written_as_the_SentRequest_it_stands_for() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let redactions = SentRequest.redactions(for: ["SECRET-TOKEN"])
        let requests = [
            // A text body holding the secret, accents, an emoji, quotes and a control character.
            HTTPRequest(method: "POST", url: "http://127.0.0.1:9/hook?token=SECRET-TOKEN", headers: [("Content-Type", "application/json")],
                        body: Array("{\"text\":\"Fête \\\"SECRET-TOKEN\\\" 🎉\u{1}\"}".utf8)),
            // Bytes that are not UTF-8 under a textual type: summarised, not kept.
            HTTPRequest(method: "POST", url: "http://127.0.0.1:9/hook", headers: [("Content-Type", "text/plain")], body: [0x46, 0xC3, 0x28]),
            HTTPRequest(method: "DELETE", url: "http://127.0.0.1:9/hook/1"),
        ]
        let recorded = requests.map { RecordedRequest($0, status: 200, error: nil, redactions: redactions) }
        let sent = recorded.map(\.sent)
        #expect(sent[0].body == "{\"text\":\"Fête \\\"***\\\" 🎉\u{1}\"}")
        #expect(sent[0].url == "http://127.0.0.1:9/hook?token=***")
        #expect(sent[1].body == nil && sent[1].bodySummary?.hasPrefix("3 bytes of text/plain, sha256 ") == true)
        #expect(sent == requests.map { SentRequest($0, status: 200, error: nil, secrets: ["SECRET-TOKEN"]) })
        #expect(SentRequests(recorded: recorded).json == Array(try encoder.encode(sent)))
    }

    @Test func a_scheduled_retraction_becomes_a_retraction_version_once_due_and_not_before() async throws {
        let directory = try TemporaryDirectory("expiry")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let now = Date()
        let expiry = now.addingTimeInterval(60)
        _ = try await store.accept([StoreTests.submission(Post(id: "concert", body: "v1", expiresAt: expiry), routes: ["a", "b"])], now: now)
        for channel in ["a", "b"] {
            let claimed = try #require(try await store.claimDue(channel: channel, limit: 1, now: now).claimed.first)
            var done = completion(claimed, .delivered, state: .delivered, sent: Self.sent("{}", status: 200), remoteID: "1")
            done.expirySchedule = .retract(at: expiry)
            try await store.complete([done])
        }
        #expect(try await store.nextExpiryRetraction() == Date(millis: expiry.millis))
        #expect(try await store.retractExpired(now: now).isEmpty)

        // The store is opened again, as after a restart: the schedule was on disk.
        let reopened = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let retractions = try await reopened.retractExpired(now: expiry.addingTimeInterval(1))
        #expect(retractions.map(\.postID) == ["concert"])
        #expect(retractions.first?.channels == ["a", "b"])
        #expect(retractions.first?.version == 2)
        #expect(try await reopened.nextExpiryRetraction() == nil)
        let retract = try #require(try await reopened.claimDue(channel: "a", limit: 1, now: expiry.addingTimeInterval(1)).claimed.first)
        #expect(retract.message.action == .retract)
        #expect(retract.message.previousReceipt?.remoteID == "1")
        #expect(try reopened.history(postID: "concert")?.versions.last?.file == "(expires_at passed; retract_on_expiry)")
    }

    @Test func status_names_the_url_of_a_copy_a_failed_retraction_left() async throws {
        let directory = try TemporaryDirectory("by-hand")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        _ = try await store.accept([StoreTests.submission(Post(id: "fete", body: "v1"), routes: ["teams"])], now: Date())
        let published = try #require(try await store.claimDue(channel: "teams", limit: 1, now: Date()).claimed.first)
        try await store.complete([completion(published, .delivered, state: .delivered, sent: Self.sent("{}", status: 200), remoteID: "77")])
        _ = try await store.accept([StoreTests.submission(Post(id: "fete", action: .retract), routes: [])], now: Date())
        let retraction = try #require(try await store.claimDue(channel: "teams", limit: 1, now: Date().addingTimeInterval(1)).claimed.first)
        try await store.complete([AttemptCompletion(
            claimed: retraction, finishedAt: Date(), milliseconds: 0, result: .skipped,
            httpStatus: nil, error: "not deleted: remove it by hand", receipt: nil, newState: .failed, nextAt: nil,
            audit: AuditEntry(performed: AuditEntry.retractionLeftToOperator, note: "not deleted: remove it by hand", sent: []))])

        let removal = try #require(try store.status(latestProblems: 10).removeByHand.first)
        #expect(removal.post == "fete" && removal.channel == "teams")
        #expect(removal.urls == ["https://example.org/@region/77"])
        #expect(removal.reason == "not deleted: remove it by hand")
    }
}
