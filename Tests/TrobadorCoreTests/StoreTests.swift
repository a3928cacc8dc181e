import Foundation
import GRDB
import GRDBSQLite
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

@Suite("SQLite state store")
struct StoreTests {
    static func submission(_ post: Post, body: String? = nil, routes: [String] = ["a", "b"]) -> Submission {
        let source = Array((body ?? "\(post.id) \(post.action) \(post.body)").utf8)
        return Submission(post: post, media: [], source: source, format: "markdown", contentHash: ContentHash.sha256Hex(source), fileName: post.id + ".md", routes: routes)
    }

    @Test func accepts_then_sees_a_duplicate_then_refuses_a_different_post_under_the_same_id() async throws {
        let directory = try TemporaryDirectory("store")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let post = Post(id: "carte-jeune", body: "Un")
        let now = Date()
        let first = try await store.accept([Self.submission(post)], now: now)
        guard case .accepted(1, let deliveries)? = first.first else {
            Issue.record("first drop is accepted as version 1: \(first)")
            return
        }
        #expect(deliveries.map(\.channel) == ["a", "b"])
        #expect(deliveries.allSatisfy { $0.state == .pending })
        #expect(try await store.accept([Self.submission(post)], now: now) == [.duplicate(version: 1)])
        guard case .refused(let problem) = try await store.accept([Self.submission(Post(id: "carte-jeune", body: "Deux"))], now: now).first else {
            Issue.record("a different post under a known id needs action: update")
            return
        }
        #expect(problem.hint?.contains("action: update") == true)
    }

    @Test func commits_are_synced_to_disk_before_they_return_in_wal_mode() async throws {
        let directory = try TemporaryDirectory("store")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        // 2 is FULL: the WAL is synced at every commit. NORMAL (1) would lose acknowledged posts in a power cut.
        #expect(try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        #expect(try await store.pool.write { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test func an_update_goes_to_the_channels_of_the_first_version_and_a_retraction_after_it() async throws {
        let directory = try TemporaryDirectory("store")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let now = Date()
        _ = try await store.accept([Self.submission(Post(id: "fete", body: "v1"), routes: ["mastodon", "discord"])], now: now)
        let update = try await store.accept([Self.submission(Post(id: "fete", action: .update, body: "v2"), routes: [])], now: now)
        guard case .accepted(2, let deliveries)? = update.first else {
            Issue.record("update stored as version 2: \(update)")
            return
        }
        #expect(deliveries.map(\.channel) == ["mastodon", "discord"])
        let retract = try await store.accept([Self.submission(Post(id: "fete", action: .retract), routes: [])], now: now)
        guard case .accepted(3, _)? = retract.first else {
            Issue.record("retraction stored as version 3: \(retract)")
            return
        }
        guard case .refused? = try await store.accept([Self.submission(Post(id: "fete", action: .update, body: "v4"), routes: [])], now: now).first else {
            Issue.record("a retracted post cannot be updated")
            return
        }
        guard case .refused? = try await store.accept([Self.submission(Post(id: "inconnu", action: .update, body: "x"), routes: [])], now: now).first else {
            Issue.record("an update to an unknown id is refused")
            return
        }
    }

    @Test func scheduled_posts_wait_and_expired_ones_are_cancelled() async throws {
        let directory = try TemporaryDirectory("store")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let now = Date()
        let later = Post(id: "later", body: "x", publishAt: now.addingTimeInterval(60))
        let gone = Post(id: "gone", body: "x", expiresAt: now.addingTimeInterval(-60))
        _ = try await store.accept([Self.submission(later, routes: ["a"]), Self.submission(gone, routes: ["a"])], now: now)
        #expect(try await store.claimDue(channel: "a", limit: 10, now: now).claimed.isEmpty)
        let due = try #require(try await store.nextDueDates(channels: ["a"])["a"])
        #expect(abs(due.timeIntervalSince(now.addingTimeInterval(60))) < 0.01)
        #expect(try await store.claimDue(channel: "a", limit: 10, now: now.addingTimeInterval(61)).claimed.map(\.message.post.id) == ["later"])
        #expect(try store.status(latestProblems: 5).channels.first?.counts["cancelled"] == 1)
    }

    @Test func claiming_puts_the_delivery_in_flight_before_the_request_and_idempotency_keys_are_stable() async throws {
        let directory = try TemporaryDirectory("store")
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let store = try SQLiteStateStore(path: path)
        _ = try await store.accept([Self.submission(Post(id: "p", body: "x"), routes: ["a"])], now: Date())
        let batch = try await store.claimDue(channel: "a", limit: 10, now: Date())
        #expect(batch.claimed.count == 1)
        #expect(batch.claimed[0].message.idempotencyKey == AcceptancePolicy.idempotencyKey(postID: "p", channel: "a", action: .publish, version: 1))
        // Another connection (another process) sees the attempt under way.
        let reader = try SQLiteStateStore(path: path, readOnly: true)
        let history = try #require(try reader.history(postID: "p"))
        #expect(history.deliveries[0].state == "in_flight")
        #expect(history.deliveries[0].attempts.count == 1)
        #expect(history.deliveries[0].attempts[0].outcome == nil)
    }
}

@Suite("SQLite state store: the engine's step")
struct StoreStepTests {
    @Test func one_step_records_ends_claims_for_every_channel_and_reads_the_next_due_moments() async throws {
        let directory = try TemporaryDirectory("step")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let now = Date()
        let later = now.addingTimeInterval(600)
        _ = try await store.accept([
            StoreTests.submission(Post(id: "agenda", body: "Concert à Albi 🎻"), routes: ["a", "b"]),
            StoreTests.submission(Post(id: "plus-tard", body: "Demain", publishAt: later), routes: ["a", "b"]),
        ], now: now)

        let first = try await store.step(EngineStep(claims: [("a", 10), ("b", 10)], channels: ["a", "b", "c"]), now: now)
        let claimedA = try #require(first.claimed["a"]?.claimed.first)
        #expect(first.claimed["a"]?.claimed.map(\.message.post.id) == ["agenda"])
        #expect(first.claimed["b"]?.claimed.map(\.message.post.body) == ["Concert à Albi 🎻"])
        #expect(first.nextDue == ["a": Date(millis: later.millis), "b": Date(millis: later.millis)])

        let done = AttemptCompletion(
            claimed: claimedA, finishedAt: now, milliseconds: 3, result: .delivered,
            httpStatus: 204, error: nil, receipt: nil, newState: .delivered, nextAt: nil)
        let second = try await store.step(EngineStep(completions: [done], claims: [("a", 10)], channels: ["a"]), now: now)
        #expect(second.claimed["a"]?.claimed.isEmpty == true)
        let history = try #require(try store.history(postID: "agenda"))
        #expect(history.deliveries.first { $0.channel == "a" }?.state == "delivered")
        #expect(history.deliveries.first { $0.channel == "b" }?.state == "in_flight")
    }
}

@Suite("SQLite state store: versions of a post on one channel")
struct StoreVersionOrderTests {
    @Test func a_retraction_waits_while_the_publication_is_in_flight_or_to_be_sent_again_then_has_its_id() async throws {
        let directory = try TemporaryDirectory("order")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let now = Date()
        _ = try await store.accept([StoreTests.submission(Post(id: "erreur", body: "Mauvaise date"), routes: ["a"])], now: now)
        let first = try await store.step(EngineStep(claims: [("a", 10)], channels: ["a"]), now: now)
        #expect(first.claimed["a"]?.claimed.map(\.message.action) == [.publish])

        // The operator pulls the post while its publication is under way.
        _ = try await store.accept([StoreTests.submission(Post(id: "erreur", action: .retract), routes: [])], now: now)
        let blocked = try await store.step(EngineStep(claims: [("a", 10)], channels: ["a"]), now: now)
        #expect(blocked.claimed["a"]?.claimed.isEmpty == true, "claimed before the publication's id is known")
        #expect(blocked.nextDue["a"] == nil, "due now would wake the engine at once, again and again")

        // The daemon stops in the middle: the publication is to be sent again, and goes first.
        _ = try await store.recoverInterrupted(resendSafe: ["a"], onUncertain: .retry, now: now)
        let resent = try await store.step(EngineStep(claims: [("a", 10)], channels: ["a"]), now: now)
        let publication = try #require(resent.claimed["a"]?.claimed.first)
        #expect(resent.claimed["a"]?.claimed.map(\.message.action) == [.publish])

        // Its end records the network's id; the retraction is claimed in the same step, with it.
        let done = AttemptCompletion(
            claimed: publication, finishedAt: now, milliseconds: 40, result: .delivered,
            httpStatus: 200, error: nil, receipt: Receipt(remoteID: "110", url: "https://example.org/@region/110"), newState: .delivered, nextAt: nil)
        let last = try await store.step(EngineStep(completions: [done], claims: [("a", 10)], channels: ["a"]), now: now)
        let retraction = try #require(last.claimed["a"]?.claimed.first)
        #expect(retraction.message.action == .retract)
        #expect(retraction.message.previousReceipt?.remoteID == "110")
    }
}

@Suite("SQLite state store: attempts and indexes")
struct StoreAttemptRowTests {
    @Test func an_attempt_is_one_row_written_at_its_end_and_an_interrupted_one_is_written_at_the_next_start() async throws {
        let directory = try TemporaryDirectory("attempt-rows")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let start = Date(millis: 1_790_000_000_000)
        _ = try await store.accept([StoreTests.submission(Post(id: "bourse", body: "Bourse Jeunes 🎓"), routes: ["a", "b"])], now: start)
        let claimed = try await store.step(EngineStep(claims: [("a", 10), ("b", 10)], channels: ["a", "b"]), now: start)
        let onA = try #require(claimed.claimed["a"]?.claimed.first)
        try await store.complete([AttemptCompletion(
            claimed: onA, finishedAt: start.addingTimeInterval(0.25), milliseconds: 250, result: .delivered,
            httpStatus: 204, error: nil, receipt: nil, newState: .delivered, nextAt: nil)])

        let rows = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT d.channel, a.number, a.started_at, a.finished_at, a.outcome FROM attempts a JOIN deliveries d ON d.id = a.delivery_id")
        }
        #expect(rows.map { $0["channel"] as String } == ["a"])
        #expect(rows.first.map { [$0["number"], $0["started_at"], $0["finished_at"]] as [Int64] } == [1, start.millis, start.millis + 250])

        // b was in flight when the daemon stopped: the next start writes its attempt, interrupted.
        let restart = start.addingTimeInterval(60)
        let recovered = try await store.recoverInterrupted(resendSafe: ["b"], onUncertain: .hold, now: restart)
        #expect(recovered.map(\.channel) == ["b"])
        let onB = try #require(try store.history(postID: "bourse")?.deliveries.first { $0.channel == "b" })
        #expect(onB.state == "retrying")
        #expect(onB.attempts.map(\.outcome) == ["interrupted"])
        #expect(onB.attempts.first?.startedAt == start)
        #expect(onB.attempts.first?.finishedAt == restart)
    }

    @Test func an_unfinished_attempt_row_left_by_an_earlier_version_is_finished_not_doubled() async throws {
        let directory = try TemporaryDirectory("attempt-legacy")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let start = Date(millis: 1_790_000_000_000)
        _ = try await store.accept([StoreTests.submission(Post(id: "agenda", body: "Fèsta"), routes: ["a"])], now: start)
        let claimed = try #require(try await store.claimDue(channel: "a", limit: 1, now: start).claimed.first)
        // Earlier versions wrote the attempt's row at the claim and finished it at its end.
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO attempts (delivery_id, number, started_at) VALUES (?, 1, ?)",
                           arguments: [claimed.deliveryID, start.millis])
        }
        _ = try await store.recoverInterrupted(resendSafe: [], onUncertain: .hold, now: start.addingTimeInterval(5))
        let delivery = try #require(try store.history(postID: "agenda")?.deliveries.first)
        #expect(delivery.state == "uncertain")
        #expect(delivery.attempts.map(\.outcome) == ["interrupted"])
    }

    @Test func status_and_recovery_read_an_index_not_every_delivery() async throws {
        let directory = try TemporaryDirectory("plans")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        func plan(_ sql: String) async throws -> String {
            try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
            }
        }
        let problems = try await plan("""
            SELECT post_id FROM deliveries WHERE \(SQLiteStateStore.problemCondition) ORDER BY updated_at DESC, id DESC LIMIT 5
            """)
        #expect(problems.contains("USING INDEX deliveries_problems"), "\(problems)")
        let removals = try await plan("""
            SELECT post_id FROM deliveries
            WHERE \(SQLiteStateStore.problemCondition) AND state = 'failed' AND action = 'retract'
            ORDER BY updated_at DESC, id DESC LIMIT 5
            """)
        #expect(removals.contains("USING INDEX deliveries_problems"), "\(removals)")
        let inFlight = try await plan("""
            WITH RECURSIVE channels(name) AS (
                SELECT MIN(channel) FROM deliveries
                UNION ALL
                SELECT (SELECT MIN(channel) FROM deliveries WHERE channel > name) FROM channels WHERE name IS NOT NULL
            )
            SELECT d.id FROM channels JOIN deliveries d ON d.channel = channels.name AND d.state = 'in_flight'
            """)
        #expect(!inFlight.contains("SCAN d"), "\(inFlight)")
        #expect(inFlight.contains("deliveries_due"), "\(inFlight)")
        let indexes = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'") }
        #expect(!indexes.contains("deliveries_state"))
    }

    /// A claim reads each waiting state in turn: the statements are prepared once, not again
    /// at every execution because a value bound in them changed (as SQLite does when that value
    /// decides whether a partial index may serve the query).
    @Test func claims_and_due_dates_are_not_prepared_again_at_each_state() async throws {
        let directory = try TemporaryDirectory("reprepare")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let now = Date()
        for index in 0..<6 {
            _ = try await store.accept([StoreTests.submission(Post(id: "post-\(index)", body: "Texte \(index)"), routes: ["a"])], now: now)
        }
        _ = try await store.pool.write { db in
            try db.execute(sql: "UPDATE deliveries SET state = 'retrying' WHERE id % 2 = 0")
        }
        for turn in 0..<3 {
            _ = try await store.step(EngineStep(claims: [("a", 1)], channels: ["a"]), now: now.addingTimeInterval(Double(turn + 1)))
        }
        // (runs, re-preparations) of each statement the steps used, from the writer's cache.
        let counts = try await store.pool.write { db in
            try (SQLiteStateStore.claimQueries + SQLiteStateStore.dueQueries)
                .map { sql in
                    let statement = try db.cachedStatement(sql: sql).sqliteStatement
                    return (sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_RUN, 0), sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0))
                }
        }
        // The very statements the steps ran (a statement prepared afresh here would say 0 either way).
        #expect(counts.allSatisfy { $0.0 == 3 }, "\(counts)")
        let reprepared = counts.map(\.1)
        #expect(reprepared.allSatisfy { $0 == 0 }, "\(reprepared)")
    }

    /// Every delivery is inserted, claimed and ended once at least: none of these writes may
    /// build a temporary B-tree (`OpenEphemeral`), as the partial index's condition did when it
    /// was an `IN` list of three states (SQLite builds one for such a list at every execution).
    @Test func writing_a_delivery_builds_no_temporary_btree() async throws {
        let directory = try TemporaryDirectory("ephemeral")
        defer { directory.remove() }
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let writes = [
            """
            INSERT INTO deliveries (post_id, version, channel, action, state, next_at, created_at, updated_at, idempotency_key)
            VALUES ('p', 1, 'c', 'publish', 'pending', 0, 0, 0, 'k')
            """,
            "UPDATE deliveries SET state = 'in_flight', attempts = 1, updated_at = 1 WHERE id = 1",
            "UPDATE deliveries SET state = 'retrying', next_at = 2, updated_at = 2, last_error = 'x' WHERE id = 1",
            "UPDATE deliveries SET state = 'delivered', updated_at = 3 WHERE id = 1",
        ]
        for sql in writes {
            let opcodes = try await store.pool.read { db in try Row.fetchAll(db, sql: "EXPLAIN " + sql).map { $0["opcode"] as String } }
            #expect(opcodes.contains("IdxInsert") || opcodes.contains("Insert"), "\(sql)")
            #expect(!opcodes.contains("OpenEphemeral"), "\(sql): \(opcodes)")
        }
    }
}

@Suite("SQLite state store: memory")
struct StoreMemoryTests {
    @Test func readers_keep_a_small_page_cache_and_the_writer_keeps_sqlites_default() async throws {
        let directory = try TemporaryDirectory("cache")
        defer { directory.remove() }
        let path = directory.file("state.sqlite")
        let store = try SQLiteStateStore(path: path)
        let writer = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        let reader = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(writer == -2000)
        #expect(reader == SQLiteStateStore.readerCacheKiB)
        // `status` and `history`, in another process, open the database read-only.
        let command = try SQLiteStateStore(path: path, readOnly: true)
        #expect(try await command.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == SQLiteStateStore.readerCacheKiB)
    }
}
