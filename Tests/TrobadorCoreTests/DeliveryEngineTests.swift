import CurlHTTP
import Foundation
import Testing
import TrobadorChannels
import TrobadorTestSupport
@testable import TrobadorCore

@Suite("delivery engine, with the SQLite store and a loopback receiver")
struct DeliveryEngineTests {
    struct Harness {
        let directory: TemporaryDirectory
        let store: SQLiteStateStore
        let engine: DeliveryEngine
        let logPipe: LogCapture

        init(receiverURL: String, settings: DeliverySettings, resendIsSafe: Bool = true, concurrency: Int = 4) async throws {
            directory = try TemporaryDirectory("engine")
            store = try SQLiteStateStore(path: directory.file("state.sqlite"))
            logPipe = try LogCapture(directory: directory)
            engine = DeliveryEngine(
                lanes: [DeliveryLane(
                    name: "hook", adapter: try Self.webhook(receiverURL, directory), concurrency: concurrency, resendIsSafe: resendIsSafe)],
                store: store, log: logPipe.log, settings: settings,
                policy: RetryPolicy(settings: settings, jitter: { 1.0 }))
        }

        /// The channel `hook`: a webhook to `url`.
        static func webhook(_ url: String, _ directory: TemporaryDirectory) throws -> any ChannelAdapter {
            let channel = ChannelConfig(name: "hook", type: "webhook", settings: ["url": .string(url)])
            return try BuiltinChannels.all.first { $0.name == "webhook" }!
                .makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: directory.path))
        }

        func submit(_ id: String) async throws {
            let post = Post(id: id, title: "Titre", body: "Corps du message.")
            let source = Array("---\nid: \(id)\n---\nCorps du message.\n".utf8)
            let results = try await store.accept(
                [Submission(post: post, media: [], source: source, format: "markdown", contentHash: ContentHash.sha256Hex(source), fileName: id + ".md", routes: ["hook"])],
                now: Date())
            try #require(results.first.map { if case .accepted = $0 { true } else { false } } == true)
            engine.wake()
        }
    }

    @Test func retries_after_503_with_backoff_then_delivers() async throws {
        let receiver = try await LoopbackReceiver { _, index in index < 2 ? .init(status: 503, body: "busy") : .init(status: 200) }
        let settings = DeliverySettings(firstRetry: .milliseconds(300))
        let harness = try await Harness(receiverURL: receiver.url, settings: settings)
        defer { harness.directory.remove() }
        try await harness.submit("p1")
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }

        #expect(await receiver.wait(timeout: .seconds(10)) { $0.count == 3 })
        let times = receiver.requests.map(\.at)
        // Backoff: 300 ms, then 600 ms (jitter fixed at 1.0 here).
        #expect(times[1].timeIntervalSince(times[0]) >= 0.29)
        #expect(times[2].timeIntervalSince(times[1]) >= 0.59)
        #expect(await harness.logPipe.waitFor("event=delivered post=p1 channel=hook attempt=3 http=200"))
        let retrying = harness.logPipe.lines.filter { $0.contains("event=retrying") }
        #expect(retrying.count == 2)
        #expect(retrying.first?.contains("attempt=1 http=503") == true)
        #expect(retrying.first?.contains("next_in=300ms") == true)
        #expect(retrying.first?.contains("error=\"service unavailable: busy\"") == true)

        let history = try #require(try harness.store.history(postID: "p1"))
        #expect(history.deliveries.first?.state == "delivered")
        #expect(history.deliveries.first?.attempts.map(\.outcome) == ["retry", "retry", "delivered"])
        #expect(history.deliveries.first?.attempts.map(\.http) == [503, 503, 200])
        await receiver.stop()
    }

    @Test func a_400_fails_at_once_after_exactly_one_attempt_with_the_reason() async throws {
        let receiver = try await LoopbackReceiver { _, _ in .init(status: 400, body: #"{"error":"unknown field"}"#) }
        let harness = try await Harness(receiverURL: receiver.url, settings: DeliverySettings(firstRetry: .milliseconds(100)))
        defer { harness.directory.remove() }
        try await harness.submit("p2")
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        #expect(await harness.logPipe.waitFor("event=failed post=p2 channel=hook attempt=1 http=400"))
        try await Task.sleep(for: .milliseconds(400))
        #expect(receiver.count == 1)
        let history = try #require(try harness.store.history(postID: "p2"))
        #expect(history.deliveries.first?.state == "failed")
        #expect(history.deliveries.first?.lastError?.contains("unknown field") == true)
        await receiver.stop()
    }

    @Test func gives_up_after_max_attempts_and_says_why() async throws {
        let receiver = try await LoopbackReceiver { _, _ in .init(status: 502, body: "") }
        let settings = DeliverySettings(maxAttempts: 3, firstRetry: .milliseconds(50))
        let harness = try await Harness(receiverURL: receiver.url, settings: settings)
        defer { harness.directory.remove() }
        try await harness.submit("p3")
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        #expect(await harness.logPipe.waitFor("event=failed post=p3 channel=hook attempt=3 http=502"))
        #expect(harness.logPipe.lines.last { $0.contains("event=failed") }?.contains("gave up after 3 attempts") == true)
        #expect(receiver.count == 3)
        await receiver.stop()
    }

    @Test func an_attempt_interrupted_by_a_crash_is_resent_with_the_same_key_on_an_idempotent_channel() async throws {
        let receiver = try await LoopbackReceiver()
        let harness = try await Harness(receiverURL: receiver.url, settings: DeliverySettings())
        defer { harness.directory.remove() }
        try await harness.submit("p4")
        // A run that claimed the delivery and died before the answer.
        let claimed = try await harness.store.claimDue(channel: "hook", limit: 10, now: Date())
        #expect(claimed.claimed.count == 1)
        let key = claimed.claimed[0].message.idempotencyKey

        try await harness.engine.recover()
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        #expect(await receiver.wait { $0.count == 1 })
        #expect(receiver.requests[0].header("webhook-id") == key)
        #expect(await harness.logPipe.waitFor("event=delivered post=p4 channel=hook attempt=2"))
        let history = try #require(try harness.store.history(postID: "p4"))
        #expect(history.deliveries.first?.attempts.map(\.outcome) == ["interrupted", "delivered"])
        await receiver.stop()
    }

    @Test func an_interrupted_attempt_on_a_channel_without_idempotency_is_held_as_uncertain() async throws {
        let receiver = try await LoopbackReceiver()
        let harness = try await Harness(
            receiverURL: receiver.url, settings: DeliverySettings(onUncertain: .hold), resendIsSafe: false)
        defer { harness.directory.remove() }
        try await harness.submit("p5")
        _ = try await harness.store.claimDue(channel: "hook", limit: 10, now: Date())
        try await harness.engine.recover()
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        #expect(await harness.logPipe.waitFor("event=uncertain post=p5 channel=hook attempt=1"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(receiver.count == 0)
        #expect(try harness.store.history(postID: "p5")?.deliveries.first?.state == "uncertain")
        await receiver.stop()
    }
}

/// An `EventLog` writing to a file the test reads back.
@Suite("delivery engine: deliveries claimed ahead")
struct DeliveryEngineClaimAheadTests {
    /// Each post's delivery state, in `ids` order.
    static func states(_ store: SQLiteStateStore, _ ids: [String]) throws -> [String] {
        try ids.map { try store.history(postID: $0)?.deliveries.first?.state ?? "none" }
    }

    /// `count` posts waiting for a channel that sends two at a time to a receiver answering
    /// each after 0.8 s.
    static func postsForASlowReceiver(_ count: Int, resendIsSafe: Bool) async throws -> (LoopbackReceiver, DeliveryEngineTests.Harness, [String]) {
        let receiver = try await LoopbackReceiver { _, _ in .init(delay: .milliseconds(800)) }
        let harness = try await DeliveryEngineTests.Harness(
            receiverURL: receiver.url, settings: DeliverySettings(), resendIsSafe: resendIsSafe, concurrency: 2)
        let ids = (1...count).map { "p\($0)" }
        for id in ids { try await harness.submit(id) }
        return (receiver, harness, ids)
    }

    @Test func a_channel_that_can_resend_safely_claims_ahead_and_a_clean_stop_puts_back_what_it_did_not_send() async throws {
        // Two sending, `claimAheadFactor` times two claimed ahead, and two more that wait.
        let onDisk = 2 * (1 + LaneState.claimAheadFactor)
        let (receiver, harness, ids) = try await Self.postsForASlowReceiver(onDisk + 2, resendIsSafe: true)
        defer { harness.directory.remove() }
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }

        // Two requests under way, and the ones claimed ahead on disk as in flight, ready to
        // leave as soon as one of the two ends; the receiver has seen only the two.
        #expect(await receiver.wait(timeout: .seconds(10)) { $0.count == 2 })
        #expect(await eventually(timeout: .seconds(5)) {
            (try? Self.states(harness.store, ids).filter { $0 == "in_flight" }.count) == onDisk
        })
        #expect(try Self.states(harness.store, ids).filter { $0 == "pending" }.count == 2)
        #expect(receiver.count == 2)

        // Stopping while the two are under way: they end and are recorded; those claimed
        // ahead are put back as they were, with no attempt recorded and none counted.
        #expect(await harness.engine.drain(timeout: .seconds(10)))
        let afterStop = try Self.states(harness.store, ids)
        #expect(afterStop.filter { $0 == "delivered" }.count == 2, "\(afterStop)")
        #expect(afterStop.filter { $0 == "pending" }.count == ids.count - 2, "\(afterStop)")
        for id in ids {
            let delivery = try #require(try harness.store.history(postID: id)?.deliveries.first)
            if delivery.state == "pending" { #expect(delivery.attempts.isEmpty, "\(id)") }
        }
        #expect(receiver.count == 2)
        run.cancel()
        _ = await run.value

        // The next run sends the others, each at its first attempt, each once.
        let again = DeliveryEngine(
            lanes: [DeliveryLane(
                name: "hook", adapter: try DeliveryEngineTests.Harness.webhook(receiver.url, harness.directory), concurrency: 2, resendIsSafe: true)],
            store: harness.store, log: harness.logPipe.log, settings: DeliverySettings())
        let second = Task { await again.run() }
        defer { second.cancel() }
        #expect(await receiver.wait(timeout: .seconds(20)) { $0.count == ids.count })
        #expect(await eventually(timeout: .seconds(10)) { (try? Self.states(harness.store, ids)) == Array(repeating: "delivered", count: ids.count) })
        for id in ids {
            #expect(harness.logPipe.lines.filter { $0.contains("event=delivered post=\(id) channel=hook attempt=1 ") }.count == 1, "\(id)")
        }
        #expect(Set(receiver.requests.map { $0.header("webhook-id") ?? "" }).count == ids.count)
    }

    @Test func a_channel_that_cannot_resend_safely_claims_only_what_it_sends() async throws {
        let (receiver, harness, ids) = try await Self.postsForASlowReceiver(6, resendIsSafe: false)
        defer { harness.directory.remove() }
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        #expect(await receiver.wait(timeout: .seconds(10)) { $0.count == 2 })
        // A crash now must leave only what may have gone out in flight (then uncertain).
        try await Task.sleep(for: .milliseconds(300))
        #expect(try Self.states(harness.store, ids).filter { $0 == "in_flight" }.count == 2)
        #expect(await receiver.wait(timeout: .seconds(20)) { $0.count == 6 })
    }
}

final class LogCapture: Sendable {
    let log: EventLog
    let path: String

    init(directory: TemporaryDirectory) throws {
        path = directory.file("events.log")
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        log = EventLog(standardError: fd)
    }

    var lines: [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func waitFor(_ text: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if lines.contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

@Suite("delivery engine: what the network says, and sick channels")
struct DeliveryEngineNetworkTests {
    @Test func retry_after_in_seconds_delays_the_next_attempt() async throws {
        try await Self.expectRetryAfter(header: { _ in "2" })
    }

    @Test func retry_after_as_an_http_date_delays_the_next_attempt() async throws {
        try await Self.expectRetryAfter(header: { now in
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            // Whole seconds: two seconds ahead, plus the part of a second the date cannot say.
            return formatter.string(from: now.addingTimeInterval(3))
        }, atLeast: 2)
    }

    static func expectRetryAfter(header: @escaping @Sendable (Date) -> String, atLeast: Double = 2) async throws {
        let receiver = try await LoopbackReceiver { _, index in
            index == 0 ? .init(status: 429, headers: ["Retry-After": header(Date())], body: "slow down") : .init(status: 200)
        }
        let harness = try await DeliveryEngineTests.Harness(receiverURL: receiver.url, settings: DeliverySettings(firstRetry: .milliseconds(100)))
        defer { harness.directory.remove() }
        try await harness.submit("p429")
        let run = Task { await harness.engine.run() }
        defer { run.cancel() }
        #expect(await receiver.wait(timeout: .seconds(10)) { $0.count == 2 })
        let times = receiver.requests.map(\.at)
        #expect(times[1].timeIntervalSince(times[0]) >= atLeast)
        #expect(harness.logPipe.lines.contains { $0.contains("event=retrying post=p429 channel=hook attempt=1 http=429") })
        await receiver.stop()
    }

    @Test func a_channel_that_refuses_connections_is_paused_probed_and_resumed_and_loses_nothing() async throws {
        let port = try SilentServer.closedPort()
        let directory = try TemporaryDirectory("breaker")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let capture = try LogCapture(directory: directory)
        let channel = ChannelConfig(name: "hook", type: "webhook", settings: ["url": .string("http://127.0.0.1:\(port)/hook")])
        let adapter = try BuiltinChannels.all.first { $0.name == "webhook" }!
            .makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: directory.path))
        let settings = DeliverySettings(firstRetry: .milliseconds(50), maxRetryInterval: .milliseconds(100))
        let engine = DeliveryEngine(
            lanes: [DeliveryLane(name: "hook", adapter: adapter, concurrency: 2, resendIsSafe: true)], store: store, log: capture.log,
            settings: settings, policy: RetryPolicy(settings: settings, jitter: { 1.0 }),
            // Paused long enough that a loaded machine still finds it paused when it looks.
            breaker: BreakerSettings(threshold: 5, firstPause: 2, longestPause: 2))
        for number in 0..<10 {
            let post = Post(id: "p\(number)", body: "x")
            let source = Array("p\(number)".utf8)
            _ = try await store.accept([Submission(post: post, media: [], source: source, format: "markdown", contentHash: ContentHash.sha256Hex(source), fileName: "p", routes: ["hook"])], now: Date())
        }
        let run = Task { await engine.run() }
        defer { run.cancel() }
        #expect(await capture.waitFor("event=channel_paused channel=hook"))
        #expect(try store.status(latestProblems: 1).paused.first?.channel == "hook")
        let attemptsWhilePaused = capture.lines.filter { $0.contains("event=retrying") }.count
        // The endpoint comes back on the same port.
        let receiver = try await LoopbackReceiver(port: port)
        #expect(await capture.waitFor("event=channel_resumed channel=hook"))
        #expect(await receiver.wait { Set($0.compactMap { ($0.json?["id"] as? String) }).count == 10 })
        #expect(try store.status(latestProblems: 1).paused.isEmpty)
        // While paused, posts did not burn through their attempts: far fewer than 10 × 20.
        #expect(attemptsWhilePaused < 30)
        await receiver.stop()
    }
}

@Suite("delivery engine: a state database that refuses writes for a while")
struct DeliveryEngineStoreFailureTests {
    /// The SQLite store, refusing its first `failures` attempts to record how attempts ended,
    /// as a full disk would.
    final class RefusingStore: StateStore, @unchecked Sendable {
        let inner: SQLiteStateStore
        let refusals = Locked(0)
        let releases = Locked(0)
        let failures: Int
        init(inner: SQLiteStateStore, failures: Int) { self.inner = inner; self.failures = failures }

        struct DiskFull: Error, CustomStringConvertible { var description: String { "disk I/O error (SQLITE_FULL)" } }

        func complete(_ completions: [AttemptCompletion]) async throws {
            let refuse = refusals.withLock { count -> Bool in
                count += 1
                return count <= failures
            }
            if refuse { throw DiskFull() }
            try await inner.complete(completions)
        }
        func accept(_ submissions: [Submission], now: Date) async throws -> [AcceptResult] { try await inner.accept(submissions, now: now) }
        func releaseMemory() {
            releases.withLock { $0 += 1 }
            inner.releaseMemory()
        }
        func recoverInterrupted(resendSafe: Set<String>, onUncertain: UncertainPolicy, now: Date) async throws -> [RecoveredDelivery] {
            try await inner.recoverInterrupted(resendSafe: resendSafe, onUncertain: onUncertain, now: now)
        }
        func claimDue(channel: String, limit: Int, now: Date) async throws -> ClaimBatch { try await inner.claimDue(channel: channel, limit: limit, now: now) }
        func release(_ claims: [ClaimedDelivery], now: Date) async throws { try await inner.release(claims, now: now) }
        func nextDueDates(channels: [String]) async throws -> [String: Date] { try await inner.nextDueDates(channels: channels) }
        func nextExpiryRetraction() async throws -> Date? { try await inner.nextExpiryRetraction() }
        func retractExpired(now: Date) async throws -> [ExpiryRetraction] { try await inner.retractExpired(now: now) }
        func requeue(postID: String, channel: String?, now: Date) async throws -> [String] { try await inner.requeue(postID: postID, channel: channel, now: now) }
        func setPause(channel: String, since: Date, until: Date?, reason: String) async throws {
            try await inner.setPause(channel: channel, since: since, until: until, reason: reason)
        }
        func media(postID: String, version: Int) async throws -> [StoredMedia] { try await inner.media(postID: postID, version: version) }
        func status(latestProblems: Int) throws -> StatusReport { try inner.status(latestProblems: latestProblems) }
        func history(postID: String) throws -> PostHistory? { try inner.history(postID: postID) }
    }

    @Test func attempt_ends_the_database_refused_are_written_once_it_accepts_them_and_logged_only_then() async throws {
        let receiver = try await LoopbackReceiver()
        let directory = try TemporaryDirectory("refusing")
        defer { directory.remove() }
        let sqlite = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let store = RefusingStore(inner: sqlite, failures: 2)
        let capture = try LogCapture(directory: directory)
        let channel = ChannelConfig(name: "hook", type: "webhook", settings: ["url": .string(receiver.url)])
        let adapter = try BuiltinChannels.all.first { $0.name == "webhook" }!
            .makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: directory.path))
        let engine = DeliveryEngine(
            lanes: [DeliveryLane(name: "hook", adapter: adapter, concurrency: 1, resendIsSafe: true)], store: store, log: capture.log,
            settings: DeliverySettings(), completionRetryDelay: .milliseconds(200))
        let source = Array("plein".utf8)
        _ = try await sqlite.accept([Submission(
            post: Post(id: "plein", body: "x"), media: [], source: source, format: "markdown",
            contentHash: ContentHash.sha256Hex(source), fileName: "plein.md", routes: ["hook"])], now: Date())
        let run = Task { await engine.run() }
        defer { run.cancel() }
        #expect(await capture.waitFor("event=delivered post=plein channel=hook attempt=1 http=200"))
        #expect(store.refusals.withLock { $0 } == 3, "two refusals, then the write that went through")
        // Logged once, not at every try; the delivery is on disk as delivered, sent once.
        #expect(capture.lines.filter { $0.contains("cannot write the state database") }.count == 1)
        let failureLine = try #require(capture.lines.firstIndex { $0.contains("cannot write the state database") })
        let deliveredLine = try #require(capture.lines.firstIndex { $0.contains("event=delivered") })
        #expect(failureLine < deliveredLine)
        #expect(capture.lines[failureLine].contains("event=delivery_paused"), "\(capture.lines[failureLine])")
        #expect(capture.lines.contains { $0.contains("event=delivery_resumed") })
        #expect(try sqlite.history(postID: "plein")?.deliveries.first?.state == "delivered")
        #expect(receiver.count == 1)
        // With nothing left to do, the engine has the store give back its memory, once.
        #expect(await eventually(timeout: .seconds(10)) { store.releases.withLock { $0 } == 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(store.releases.withLock { $0 } == 1)
        #expect(try sqlite.history(postID: "plein")?.deliveries.first?.state == "delivered")
        await receiver.stop()
    }
}
