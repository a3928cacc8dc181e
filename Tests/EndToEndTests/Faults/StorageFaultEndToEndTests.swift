import Foundation
import Testing
import TrobadorTestSupport

/// The state database on a disk that fills up or lies about syncing, with the real binary:
/// nothing is acknowledged (archived) before it is on disk, nothing is rejected for it, and
/// the daemon says so once, then takes the posts when the disk is healthy again.
@Suite("Storage faults on the real binary", .serialized)
struct StorageFaultEndToEndTests {
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
}
