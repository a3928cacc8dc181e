import Foundation
import Testing
import TrobadorTestSupport

/// The real binary under a stand-in for systemd: a Unix datagram socket as `NOTIFY_SOCKET`.
@Suite("Under systemd: notify, watchdog, journal", .serialized)
struct SystemdEndToEndTests {
    static let sqlite3 = "/usr/bin/sqlite3"

    @Test func ready_after_the_inbox_is_watched_reloading_then_ready_on_sighup_stopping_on_sigterm() async throws {
        let fixture = try EndToEndFixture("notify")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver { request, _ in request.postID == "refusee" ? .init(status: 400) : .init() }
        defer { Task { await receiver.stop() } }
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let systemd = try NotifyListener(path: fixture.root + "/notify.sock")
        defer { systemd.stop() }
        let daemon = try TrobadorDaemon(in: fixture.root, environment: ["NOTIFY_SOCKET": systemd.address])
        defer { Task { await daemon.killNow() } }

        #expect(await systemd.wait { !$0.filter { $0.variables["READY"] == "1" }.isEmpty })
        // The `ready` line is written before READY=1 is sent, and the inbox is watched by then.
        #expect(daemon.lines(event: "ready").count == 1)
        #expect(await systemd.wait(timeout: .seconds(10)) { messages in
            messages.contains { $0.variables["STATUS"] == "0 pending, 0 in flight, 0 retrying, 0 failed; 1 channel" }
        })
        try fixture.dropRenamed("apres.md", EndToEndFixture.post(id: "apres-ready", number: 1))
        try fixture.dropRenamed("refusee.md", EndToEndFixture.post(id: "refusee", number: 2))
        #expect(await receiver.wait(timeout: .seconds(10)) { $0.contains { $0.postID == "apres-ready" } })
        #expect(await systemd.wait(timeout: .seconds(10)) { messages in
            messages.contains { $0.variables["STATUS"] == "0 pending, 0 in flight, 0 retrying, 1 failed; 1 channel" }
        }, "STATUS= follows the queue: \(systemd.messages.compactMap { $0.variables["STATUS"] })")

        let beforeReload = Self.monotonicMicroseconds()
        let seen = systemd.messages.count
        daemon.signal(SIGHUP)
        #expect(await systemd.wait(timeout: .seconds(10)) { messages in
            messages.dropFirst(seen).contains { $0.variables["READY"] == "1" }
        })
        let reload = Array(systemd.messages.dropFirst(seen))
        let reloading = try #require(reload.firstIndex { $0.variables["RELOADING"] == "1" })
        let readyAgain = try #require(reload.firstIndex { $0.variables["READY"] == "1" })
        #expect(reloading < readyAgain, "RELOADING=1 comes first: \(reload.map(\.text))")
        let stamp = try #require(reload[reloading].variables["MONOTONIC_USEC"].flatMap { UInt64($0) })
        #expect(stamp >= beforeReload && stamp <= Self.monotonicMicroseconds(), "MONOTONIC_USEC is the reload's moment on CLOCK_MONOTONIC")
        #expect(await daemon.waitForLog { $0.contains("event=reloaded") })

        let beforeStop = systemd.messages.count
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        let stopping = systemd.messages.dropFirst(beforeStop).first { $0.variables["STOPPING"] == "1" }
        #expect(stopping?.variables["STATUS"] == "Stopping: 0 requests in flight")
        #expect(systemd.messages.allSatisfy { $0.variables["WATCHDOG"] == nil }, "no watchdog asked for, none fed")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3),
                   "needs the sqlite3 command to hold the state database's write lock (apt-get install sqlite3)"))
    func watchdog_pings_at_half_its_timeout_and_stop_while_the_delivery_loop_is_stuck() async throws {
        let fixture = try EndToEndFixture("watchdog")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        defer { Task { await receiver.stop() } }
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let systemd = try NotifyListener(path: "@trobador-e2e-\(UUID().uuidString)")
        defer { systemd.stop() }
        let daemon = try TrobadorDaemon(in: fixture.root, environment: ["NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "400000"])
        defer { Task { await daemon.killNow() } }
        #expect(await systemd.wait { !$0.filter { $0.variables["READY"] == "1" }.isEmpty })

        // Idle, the loop still wakes every 200 ms to ping: about 10 pings in 2 s.
        let idle = await Self.pings(from: systemd, over: .seconds(2))
        #expect((6...14).contains(idle), "\(idle) pings in 2 s with WATCHDOG_USEC=400000")

        // A post due in a few seconds, accepted now, while the database is free.
        let due = Date().addingTimeInterval(4).rounded().addingTimeInterval(1)
        let post = EndToEndFixture.post(id: "coincee", number: 1)
            .replacingOccurrences(of: "lang: fr\n", with: "lang: fr\npublish_at: \(ISO8601DateFormatter().string(from: due))\n")
        try fixture.dropRenamed("coincee.md", post)
        #expect(await daemon.waitForLog { $0.contains("event=scheduled post=coincee") })

        // Another process (an operator's sqlite3 shell, a backup) holds the write lock: when the
        // post falls due, the loop's claim waits on it. The loop is stuck for real, in the
        // place a hung disk would stop it, with no test hook in the daemon.
        let holder = try DatabaseLockHolder(sqlite3: Self.sqlite3, database: fixture.root + "/spool/state.sqlite")
        defer { holder.release() }
        try await Task.sleep(for: .seconds(max(0, due.timeIntervalSinceNow) + 0.7))
        let stuck = await Self.pings(from: systemd, over: .seconds(2))
        #expect(stuck == 0, "\(stuck) pings while the delivery loop waited on the lock")
        #expect(receiver.count == 0)
        #expect(daemon.isRunning)

        holder.release()
        #expect(await receiver.wait(timeout: .seconds(10)) { $0.contains { $0.postID == "coincee" } })
        let resumed = await Self.pings(from: systemd, over: .seconds(1))
        #expect(resumed >= 2, "pings resume once the loop runs again: \(resumed)")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test func priorities_prefix_the_lines_only_when_stderr_is_the_journal() async throws {
        let fixture = try EndToEndFixture("journal")
        defer { fixture.remove() }
        try fixture.writeConfiguration(webhooks: [("hook", "http://127.0.0.1:9/hook")])
        // The journal stream systemd would give: here, the file the daemon's stderr goes to.
        let journalLog = fixture.root + "/journal.log"
        _ = FileManager.default.createFile(atPath: journalLog, contents: nil)
        var info = stat()
        try #require(stat(journalLog, &info) == 0)
        var other = stat()
        try #require(stat(fixture.configPath, &other) == 0)

        let inJournal = try await Self.runUntilReady(fixture, logName: "journal.log", journalStream: "\(info.st_dev):\(info.st_ino)")
        let elsewhere = try await Self.runUntilReady(fixture, logName: "file.log", journalStream: "\(other.st_dev):\(other.st_ino)")

        #expect(!elsewhere.isEmpty && elsewhere.allSatisfy { $0.hasPrefix("ts=") }, "plain lines: \(elsewhere)")
        if FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") {
            // journald runs here: the entries went to it natively, with fields, not to stderr.
            #expect(!inJournal.contains { $0.contains("event=ready") }, "\(inJournal)")
        } else {
            // No journald to take native entries: stderr carries each line with its priority.
            #expect(inJournal.contains { $0.hasPrefix("<6>ts=") && $0.contains("event=ready") }, "\(inJournal)")
            #expect(inJournal.allSatisfy { $0.range(of: #"^<[3-7]>ts="#, options: .regularExpression) != nil }, "\(inJournal)")
        }
    }

    /// Starts the daemon with `JOURNAL_STREAM`, waits for READY=1, stops it; its stderr lines.
    static func runUntilReady(_ fixture: EndToEndFixture, logName: String, journalStream: String) async throws -> [String] {
        let systemd = try NotifyListener(path: "@trobador-e2e-\(UUID().uuidString)")
        defer { systemd.stop() }
        let daemon = try TrobadorDaemon(
            in: fixture.root, logName: logName, environment: ["NOTIFY_SOCKET": systemd.address, "JOURNAL_STREAM": journalStream])
        #expect(await systemd.wait { !$0.filter { $0.variables["READY"] == "1" }.isEmpty })
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        return daemon.log.split(separator: "\n").map(String.init)
    }

    /// WATCHDOG=1 messages received during the next `duration`.
    static func pings(from listener: NotifyListener, over duration: Duration) async -> Int {
        let start = ContinuousClock.now
        try? await Task.sleep(for: duration)
        let end = start + duration
        return listener.messages.filter { $0.variables["WATCHDOG"] == "1" && $0.at >= start && $0.at < end }.count
    }

    static func monotonicMicroseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1000
    }
}

/// An sqlite3 shell holding the database's write lock (BEGIN IMMEDIATE) until released.
final class DatabaseLockHolder: Sendable {
    private let process: Process
    private let input: Pipe

    init(sqlite3: String, database: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [database]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        self.input = input
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        // The shell answers once the lock is held.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
            seen += chunk
        }
    }

    /// Rolls back and quits; the lock is free when this returns. Safe to call twice.
    func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.write(contentsOf: Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
