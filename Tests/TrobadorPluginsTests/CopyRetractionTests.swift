import CurlHTTP
import Foundation
import Testing
import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

/// A retraction on a channel that can delete but not edit (the shipped gotify plugin) removes
/// every copy it published, the correction published anew and the first publication, through
/// the delivery engine and the SQLite store, and goes on from where an attempt stopped.
@Suite("Retraction of every copy on a channel that can delete but not edit", .serialized)
struct CopyRetractionTests {
    struct Harness {
        let directory: TemporaryDirectory
        let store: SQLiteStateStore
        let engine: DeliveryEngine
        let logPath: String

        init(_ gotify: GotifyStandIn) async throws {
            directory = try TemporaryDirectory("copies")
            store = try SQLiteStateStore(path: directory.file("state.sqlite"))
            logPath = directory.file("events.log")
            let log = EventLog(standardError: open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644))
            let channel = ChannelConfig(name: "push", type: "gotify", settings: [
                "url": .string(gotify.url), "token": HookFixtures.secret(GotifyStandIn.appToken),
                "client_token": HookFixtures.secret(GotifyStandIn.clientToken),
            ])
            let type = try shippedType("gotify")
            let settings = DeliverySettings(firstRetry: .milliseconds(200))
            let adapter = try type.makeAdapter(for: channel, context: ChannelContext(http: RecordingHTTPClient(CurlHTTPClient()), spoolDirectory: directory.path))
            engine = DeliveryEngine(
                lanes: [DeliveryLane(
                    name: "push", adapter: adapter, concurrency: 1, resendIsSafe: false,
                    corrections: CorrectionSettings(capabilities: type.capabilities, channel: channel, delivery: settings),
                    secrets: [GotifyStandIn.appToken, GotifyStandIn.clientToken])],
                store: store, log: log, settings: settings, policy: RetryPolicy(settings: settings, jitter: { 1.0 }))
        }

        var lines: [String] {
            ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func line(_ text: String, timeout: Duration = .seconds(30)) async -> String? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let line = lines.first(where: { $0.contains(text) }) { return line }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        func submit(_ action: PostAction, title: String) async throws {
            let post = Post(id: "fete", action: action, title: title, body: "Concert place du Capitole.", lang: "fr")
            let source = Array("\(action) \(title)".utf8)
            let results = try await store.accept([Submission(
                post: post, media: [], source: source, format: "markdown", contentHash: ContentHash.sha256Hex(source),
                fileName: "fete-\(action).md", routes: ["push"])], now: Date())
            try #require(results.first.map { if case .accepted = $0 { true } else { false } } == true)
            engine.wake()
        }

        /// Publishes the post, then an update that Gotify, unable to edit, gets as a new message.
        func publishAndCorrect(_ gotify: GotifyStandIn) async throws {
            try await submit(.publish, title: "Fête le 20 juin")
            #expect(await line("event=delivered post=fete channel=push ") != nil, "\(lines)")
            try await submit(.update, title: "Fête le 21 juin")
            #expect(await line("event=updated post=fete channel=push ") != nil, "\(lines)")
            let messages = gotify.state.withLock { $0.messages }
            #expect(messages.keys.sorted() == [1, 2])
            #expect(messages[2]?.hasPrefix("Rectificatif") == true, "\(messages)")
        }
    }

    @Test func a_retraction_cut_short_deletes_only_what_is_left_at_the_next_attempt() async throws {
        let gotify = try await GotifyStandIn()
        let harness = try await Harness(gotify)
        defer { harness.directory.remove() }
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        try await harness.publishAndCorrect(gotify)

        // The first publication's deletion meets a 503: the correction is gone already.
        gotify.state.withLock { $0.failNextDeletes = [1] }
        try await harness.submit(.retract, title: "")
        let retrying = try #require(await harness.line("event=retrying post=fete channel=push "), "\(harness.lines)")
        #expect(retrying.contains("deleting the first publication (id 1)") && retrying.contains("already deleted: the correction published as a new message (id 2)"), "\(retrying)")
        let retracted = try #require(await harness.line("event=retracted post=fete channel=push "), "\(harness.lines)")
        #expect(retracted.contains("attempt=2"), "\(retracted)")
        #expect(retracted.contains("deleted all 2 copies, newest first: the correction published as a new message (id 2), the first publication (id 1)"), "\(retracted)")

        // The correction was deleted once: the second attempt did not ask for it again.
        #expect(gotify.calls == ["POST /message", "POST /message", "DELETE /message/2", "DELETE /message/1", "DELETE /message/1"])
        #expect(gotify.state.withLock { $0.deleted } == [2, 1])
        #expect(gotify.state.withLock { $0.messages }.isEmpty)

        let delivery = try #require(try harness.store.history(postID: "fete")?.deliveries.first { $0.action == "retract" })
        #expect(delivery.state == "retracted")
        #expect(delivery.attempts.map(\.outcome) == ["retry", "delivered"])
        #expect(delivery.attempts.first?.audit?.sent.map { "\($0.method) \($0.url.replacingOccurrences(of: gotify.url, with: ""))" }
                == ["DELETE /message/2", "DELETE /message/1"])
        let last = try #require(delivery.attempts.last?.audit)
        #expect(last.sent.count == 1 && last.sent.first?.url.hasSuffix("/message/1") == true)
        #expect(last.note?.contains("deleted all 2 copies") == true, "\(String(describing: last.note))")
        #expect(try harness.store.status(latestProblems: 10).removeByHand.isEmpty)
        await gotify.stop()
    }

    @Test func a_copy_that_cannot_be_deleted_is_named_the_others_are_deleted_and_a_retry_sends_only_what_is_left() async throws {
        let gotify = try await GotifyStandIn()
        let harness = try await Harness(gotify)
        defer { harness.directory.remove() }
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        try await harness.publishAndCorrect(gotify)

        // Someone removed the correction by hand: Gotify no longer knows its id. The first
        // publication is deleted all the same.
        gotify.state.withLock { _ = $0.messages.removeValue(forKey: 2) }
        try await harness.submit(.retract, title: "")
        let failed = try #require(await harness.line("event=failed post=fete channel=push "), "\(harness.lines)")
        #expect(failed.contains("http=404"), "\(failed)")
        #expect(failed.contains("could not delete the correction published as a new message (id 2)") && failed.contains("message does not exist"), "\(failed)")
        #expect(failed.contains("already deleted: the first publication (id 1)"), "\(failed)")
        #expect(failed.contains("Remove it by hand") && failed.contains("trobador retry fete"), "\(failed)")
        #expect(gotify.calls.suffix(2) == ["DELETE /message/2", "DELETE /message/1"])
        #expect(gotify.state.withLock { $0.messages }.isEmpty)

        let report = try harness.store.status(latestProblems: 10)
        let removal = try #require(report.removeByHand.first)
        #expect(removal.post == "fete" && removal.channel == "push")
        #expect(removal.urls.isEmpty, "Gotify gives no address; the reason names the id")
        #expect(removal.reason?.contains("id 2") == true)

        // Queued again: the first publication, deleted already, is not asked for again.
        #expect(try await harness.store.requeue(postID: "fete", channel: nil, now: Date()) == ["push"])
        harness.engine.wake()
        #expect(await harness.line("event=failed post=fete channel=push attempt=2 ") != nil, "\(harness.lines)")
        #expect(gotify.calls.suffix(3) == ["DELETE /message/2", "DELETE /message/1", "DELETE /message/2"])
        await gotify.stop()
    }
}
