import Foundation
import Testing
import TrobadorTestSupport

/// The state database on a disk that fills up or lies about syncing, with the real binary:
/// nothing is acknowledged (archived) before it is on disk, nothing is rejected for it, and
/// the daemon says so once, then takes the posts when the disk is healthy again.
@Suite("Storage faults on the real binary", .serialized)
struct StorageFaultEndToEndTests {
    /// Starts the daemon with the fault shim loaded but disarmed (`operations` failing on the
    /// paths that contain `path` once armed), and waits until it is ready.
    static func startDaemon(
        in fixture: EndToEndFixture, faulting operations: [String], on path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (FaultShim, TrobadorDaemon) {
        let shim = try FaultShim(operations: operations, path: path, directory: fixture.root)
        shim.disarm()
        let daemon = try TrobadorDaemon(in: fixture.root, environment: shim.environment)
        #expect(await daemon.waitUntilReady(), sourceLocation: sourceLocation)
        return (shim, daemon)
    }

    /// `[state] path` under `state/`, one webhook channel.
    static func configure(_ fixture: EndToEndFixture, receiver: LoopbackReceiver) throws {
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        try fixture.directory.write("trobador.toml", try String(contentsOfFile: fixture.configPath, encoding: .utf8) + """

            [state]
            path = "state/state.sqlite"

            """)
    }

    static func drop(_ fixture: EndToEndFixture, _ ids: [String]) throws -> [String: Data] {
        var written: [String: Data] = [:]
        for (number, id) in ids.enumerated() {
            let text = EndToEndFixture.post(id: id, number: number)
            try fixture.dropRenamed(id + ".md", text)
            written[id + ".md"] = Data(text.utf8)
        }
        return written
    }

    /// The inbox holds exactly these files, byte for byte.
    static func inboxHolds(_ fixture: EndToEndFixture, _ files: [String: Data]) -> Bool {
        Set(fixture.inboxEntries()) == Set(files.keys)
            && files.allSatisfy { FileManager.default.contents(atPath: fixture.inbox + "/" + $0.key) == $0.value }
    }

    static func integrityCheck(_ database: String) -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, "PRAGMA integrity_check;"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: SmallFilesystem.isPermitted, "needs the right to mount a tmpfs"))
    func a_full_state_disk_keeps_posts_in_the_inbox_says_so_once_and_takes_them_when_space_returns() async throws {
        let fixture = try EndToEndFixture("disk-full")
        defer { fixture.remove() }
        let disk = try SmallFilesystem(at: fixture.root + "/state", kilobytes: 1024)
        defer { disk.unmount() }
        let receiver = try await LoopbackReceiver()
        try Self.configure(fixture, receiver: receiver)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        disk.fill()
        #expect(disk.availableBytes == 0)
        let files = try Self.drop(fixture, ["plein-1", "plein-2", "plein-3"])
        #expect(await daemon.waitForLog { $0.contains("event=intake_paused") })
        // The next try (every 5 s) fails in silence: one line, not a loop.
        try await Task.sleep(for: .seconds(6))
        #expect(daemon.lines(event: "intake_paused").count == 1, "\(daemon.log)")
        let paused = try #require(daemon.lines(event: "intake_paused").first)
        #expect(paused.contains("level=error") && paused.contains("full") && paused.contains("free space"), "\(paused)")
        #expect(Self.inboxHolds(fixture, files), "untouched in the inbox: \(fixture.inboxEntries())")
        #expect(daemon.lines(event: "rejected").isEmpty && daemon.lines(event: "accepted").isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: fixture.rejected)) ?? []).isEmpty)
        #expect(fixture.archivedFiles().isEmpty)
        #expect(receiver.count == 0)

        disk.free()
        #expect(await daemon.waitForLog { log in files.keys.allSatisfy { log.contains("event=accepted post=\($0.dropLast(3)) ") } })
        #expect(daemon.lines(event: "intake_resumed").count == 1)
        #expect(await receiver.wait { Set($0.compactMap(\.postID)) == ["plein-1", "plein-2", "plein-3"] })
        #expect(fixture.inboxEntries().isEmpty)
        #expect(fixture.archivedFiles().count == 3)
        await daemon.killNow()
        if let check = Self.integrityCheck(fixture.root + "/state/state.sqlite") { #expect(check == "ok") }
        let status = try await fixture.trobador(["status", "--json"])
        #expect(status.status == 0, "the database reads after the fault: \(status.err)")
        await receiver.stop()
    }

    @Test(.enabled(if: FaultShim.isAvailable, "needs a C compiler (cc) to build the fault shim"))
    func a_failing_fsync_of_the_state_database_acknowledges_nothing_and_the_batch_is_written_again_not_resynced() async throws {
        let fixture = try EndToEndFixture("fsync")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try Self.configure(fixture, receiver: receiver)
        let (shim, daemon) = try await Self.startDaemon(in: fixture, faulting: ["fsync", "fdatasync"], on: "/state/state.sqlite")
        defer { Task { await daemon.killNow() } }

        shim.arm()
        let files = try Self.drop(fixture, ["sync-1", "sync-2"])
        #expect(await daemon.waitForLog { $0.contains("event=intake_paused") })
        // That the line is not repeated at each try is shown on the full disk above; here a
        // retry runs only in the long run (CI time).
        if FaultRun.isFull { try await Task.sleep(for: .seconds(6)) }
        #expect(!shim.notes.isEmpty, "the shim did fail a sync: the test can fail")
        #expect(daemon.lines(event: "intake_paused").count == 1, "\(daemon.log)")
        #expect(Self.inboxHolds(fixture, files), "nothing acknowledged: \(fixture.inboxEntries())")
        #expect(fixture.archivedFiles().isEmpty && receiver.count == 0)
        #expect(daemon.lines(event: "accepted").isEmpty && daemon.lines(event: "rejected").isEmpty)

        shim.disarm()
        #expect(await receiver.wait { Set($0.compactMap(\.postID)) == ["sync-1", "sync-2"] })
        #expect(await daemon.waitForLog { log in files.keys.allSatisfy { log.contains("event=accepted post=\($0.dropLast(3)) ") } })
        #expect(fixture.archivedFiles().count == 2)
        // The receiver has the request before the daemon records it: wait for the record.
        #expect(await daemon.waitForLog { log in files.keys.allSatisfy { log.contains("event=delivered post=\($0.dropLast(3)) ") } })
        await daemon.killNow()
        // After a kill -9, what was acknowledged is there, once.
        let history = try await fixture.trobador(["history", "sync-1", "--json"])
        #expect(history.status == 0 && history.out.contains("delivered"), "\(history.out)\(history.err)")
        if let check = Self.integrityCheck(fixture.root + "/state/state.sqlite") { #expect(check == "ok") }
        await receiver.stop()
    }

    @Test(.enabled(if: FaultShim.isAvailable, "needs a C compiler (cc) to build the fault shim"))
    func submit_whose_sync_fails_says_so_and_leaves_nothing_in_the_inbox() async throws {
        let fixture = try EndToEndFixture("submit-fsync")
        defer { fixture.remove() }
        try fixture.writeConfiguration(webhooks: [("hook", "http://127.0.0.1:9/hook")])
        try FileManager.default.createDirectory(atPath: fixture.inbox, withIntermediateDirectories: true)
        try fixture.directory.write("soumis.md", EndToEndFixture.post(id: "soumis"))
        let shim = try FaultShim(operations: ["fsync", "fdatasync"], path: "/spool/inbox/", directory: fixture.root)
        let result = try await TrobadorBinary.run(["submit", "soumis.md"], in: fixture.root, environment: shim.environment)
        #expect(!shim.notes.isEmpty)
        #expect(result.status != 0)
        #expect(!result.out.contains("soumis"), "no id printed for a post that is not safely in the inbox: \(result.out)")
        #expect(result.err.contains("sync") && result.err.contains("Input/output error"), "\(result.err)")
        #expect(fixture.inboxEntries().isEmpty, "no half-synced post, no temporary file: \(fixture.inboxEntries())")
    }

    @Test(.enabled(if: FaultShim.isAvailable, "needs a C compiler (cc) to build the fault shim"))
    func a_failing_sync_of_the_archive_delivers_and_archives_all_the_same_and_says_what_a_crash_would_bring_back() async throws {
        let fixture = try EndToEndFixture("archive-sync")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let (shim, daemon) = try await Self.startDaemon(in: fixture, faulting: ["fsync"], on: "/spool/archive/")
        defer { Task { await daemon.killNow() } }

        shim.arm()
        _ = try Self.drop(fixture, ["non-synchro"])
        // Stored durably, so delivered; moved, so out of the inbox; the warning says the rest.
        #expect(await receiver.wait { $0.compactMap(\.postID) == ["non-synchro"] })
        #expect(await daemon.waitForLog { $0.contains("could not be synced") })
        #expect(!shim.notes.isEmpty, "the shim did fail a sync: the test can fail")
        let warning = daemon.log.split(separator: "\n").first { $0.contains("could not be synced") }.map(String.init) ?? ""
        #expect(warning.contains("level=warning") && warning.contains("not published twice")
                && warning.contains("moved_to=archive/"), "\(warning)")
        #expect(fixture.inboxEntries().isEmpty && fixture.archivedFiles().count == 1)
        #expect(daemon.lines(event: "rejected").isEmpty)
        await receiver.stop()
    }

    @Test(.enabled(if: FaultShim.isAvailable, "needs a C compiler (cc) to build the fault shim"),
          .enabled(if: FaultRun.isFull, "slow: Tests/faults/run"))
    func a_failing_move_to_the_archive_after_storing_loses_nothing_and_archives_once_it_works() async throws {
        let fixture = try EndToEndFixture("rename")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let (shim, daemon) = try await Self.startDaemon(in: fixture, faulting: ["rename"], on: "/spool/archive/")
        defer { Task { await daemon.killNow() } }

        shim.arm()
        _ = try Self.drop(fixture, ["bloque"])
        // Stored durably, so delivered; the file waits in the inbox, and the error says so once.
        #expect(await receiver.wait { $0.compactMap(\.postID) == ["bloque"] })
        #expect(await daemon.waitForLog { $0.contains("could not archive") })
        try await Task.sleep(for: .seconds(6))
        #expect(!shim.notes.isEmpty)
        #expect(daemon.log.components(separatedBy: "could not archive").count == 2, "\(daemon.log)")
        #expect(fixture.inboxEntries() == ["bloque.md"])
        #expect(daemon.lines(event: "rejected").isEmpty)

        shim.disarm()
        #expect(await eventually { fixture.inboxEntries().isEmpty && fixture.archivedFiles().count == 1 })
        #expect(await daemon.waitForLog { $0.contains("archived now that the spool can be written") })
        _ = try Self.drop(fixture, ["suivant"])
        #expect(await eventually { fixture.archivedFiles().count == 2 })
        #expect(await receiver.wait { $0.compactMap(\.postID) == ["bloque", "suivant"] }, "archived late, not sent again")
        await receiver.stop()
    }
}
