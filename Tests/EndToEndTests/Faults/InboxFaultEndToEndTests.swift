import Foundation
import Testing
import TrobadorTestSupport

/// What a busy, careless or hostile inbox does to the real binary: more entries than inotify
/// queues, entries taken back at once, folders renamed in half-filled, files it may not read.
@Suite("Inbox faults on the real binary", .serialized)
struct InboxFaultEndToEndTests {
    @Test(.enabled(if: FaultRun.isFull, "slow: Tests/faults/run"))
    func twenty_thousand_posts_renamed_in_at_once_overflow_the_watcher_and_every_one_is_accepted() async throws {
        let fixture = try EndToEndFixture("twenty-thousand")
        defer { fixture.remove() }
        // Held until 2099: the test is about intake, not 20,000 deliveries.
        try fixture.writeConfiguration(webhooks: [("hook", "http://127.0.0.1:9/hook")])
        let staging = fixture.root + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let count = 20_000
        for number in 0..<count {
            let text = EndToEndFixture.post(id: "masse-\(number)", number: number)
                .replacingOccurrences(of: "lang: fr\n", with: "lang: fr\npublish_at: 2099-01-01T00:00:00Z\n")
            try Data(text.utf8).write(to: URL(fileURLWithPath: staging + "/masse-\(number).md"))
        }
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        // Stopped, the daemon reads no event: the kernel's queue (16384 by default) overflows for sure.
        let queue = (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 16384
        #expect(queue < count, "the inbox gets more events than inotify keeps")
        daemon.signal(SIGSTOP)
        for number in 0..<count {
            #expect(rename(staging + "/masse-\(number).md", fixture.inbox + "/masse-\(number).md") == 0)
        }
        daemon.signal(SIGCONT)
        #expect(await eventually(timeout: .seconds(900)) { fixture.archivedFiles().count >= count })
        #expect(fixture.archivedFiles().count == count)
        #expect(fixture.inboxEntries().isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: fixture.rejected)) ?? []).isEmpty)
        let accepted = Set(daemon.lines(event: "accepted").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("post=") }.map { String($0.dropFirst(5)) }
        })
        #expect(accepted.count == count, "each post accepted once")
        #expect(daemon.lines(event: "rejected").isEmpty && daemon.lines(event: "duplicate").isEmpty)
    }

    @Test func entries_taken_back_right_after_they_arrive_are_neither_rejected_nor_an_error() async throws {
        let fixture = try EndToEndFixture("vanishing")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        let staging = fixture.root + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var random = SystemRandomNumberGenerator()
        for number in 0..<300 {
            let name = "fugace-\(number).md"
            try Data(EndToEndFixture.post(id: "fugace-\(number)", number: number).utf8).write(to: URL(fileURLWithPath: staging + "/" + name))
            #expect(rename(staging + "/" + name, fixture.inbox + "/" + name) == 0)
            usleep(UInt32.random(in: 0...3000, using: &random))
            // Gone before the daemon read it, or after it took it (then it is in archive/).
            unlink(fixture.inbox + "/" + name)
        }
        try fixture.dropRenamed("temoin.md", EndToEndFixture.post(id: "temoin"))
        #expect(await daemon.waitForLog { $0.contains("event=accepted post=temoin ") })
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: fixture.rejected)) ?? []).isEmpty)
        #expect(!daemon.log.contains("level=error"), "\(daemon.lines(event: "rejected").prefix(3))\(daemon.log.suffix(600))")
        // Every post the daemon did take is delivered, once.
        let taken = daemon.lines(event: "accepted").count
        #expect(await receiver.wait { $0.count == taken })
        await receiver.stop()
    }

    @Test func a_post_folder_renamed_in_while_its_image_is_still_being_copied_is_read_once_the_copy_is_done() async throws {
        let fixture = try EndToEndFixture("half-copied")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        let image = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let folder = fixture.root + "/affiche"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("""
            ---
            title: Fête de la musique
            media:
              - file: affiche.png
                alt: "Affiche : une guitare sur fond orange"
            ---
            Le 21 juin, concerts gratuits partout en Occitanie.

            """.utf8).write(to: URL(fileURLWithPath: folder + "/post.md"))
        let chunk = image.count / 6
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: {
            _ = FileManager.default.createFile(atPath: folder + "/affiche.png", contents: nil)
            return folder + "/affiche.png"
        }()))
        try handle.write(contentsOf: image[0..<chunk])
        // Renamed in too early, as a careless script would; the copy goes on for 1.5 s.
        #expect(rename(folder, fixture.inbox + "/affiche") == 0)
        for part in 1..<6 {
            try await Task.sleep(for: .milliseconds(300))
            try handle.write(contentsOf: image[(part * chunk)..<(part == 5 ? image.count : (part + 1) * chunk)])
            // A post dropped while the folder is still being filled does not wait for it.
            if part == 1 { try fixture.dropRenamed("apres.md", EndToEndFixture.post(id: "apres")) }
            if part == 5 { #expect(receiver.requests.map(\.postID) == ["apres"], "\(daemon.log)") }
        }
        try handle.close()

        #expect(await receiver.wait { $0.count == 2 })
        let folderPost = receiver.requests.first { $0.postID == "affiche" }
        let media = (folderPost?.json?["media"] as? [[String: Any]])?.first
        #expect(media?["size"] as? Int == image.count, "the whole image, not the part copied when the folder arrived: \(String(describing: media))")
        #expect(daemon.lines(event: "rejected").isEmpty, "\(daemon.log)")
        #expect(fixture.inboxEntries().isEmpty)
        await receiver.stop()
    }

    static let canDropPrivileges = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test(.enabled(if: canDropPrivileges, "needs root and setpriv to run the daemon as an unprivileged user (root reads everything)"))
    func a_file_or_folder_the_daemon_may_not_read_is_rejected_with_the_reason_once_and_the_inbox_keeps_flowing() async throws {
        let fixture = try EndToEndFixture("unreadable")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        try FileManager.default.createDirectory(atPath: fixture.inbox, withIntermediateDirectories: true)
        // The daemon runs as nobody and owns its spool, as the trobador user does.
        let chown = Process()
        chown.executableURL = URL(fileURLWithPath: "/bin/chown")
        chown.arguments = ["-R", "65534:65534", fixture.root]
        try chown.run()
        await chown.exited()
        let daemon = try TrobadorDaemon(
            in: fixture.root, launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        // Root's own files, mode 0600: the service may move them but not read them.
        let staging = fixture.root + "/.prive.tmp"
        try Data(EndToEndFixture.post(id: "prive").utf8).write(to: URL(fileURLWithPath: staging))
        chmod(staging, 0o600)
        #expect(rename(staging, fixture.inbox + "/prive.md") == 0)
        let folder = fixture.root + "/dossier-ferme"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(EndToEndFixture.post(id: "dossier-ferme").utf8).write(to: URL(fileURLWithPath: folder + "/post.md"))
        chmod(folder, 0o700)
        #expect(rename(folder, fixture.inbox + "/dossier-ferme") == 0)

        #expect(await daemon.waitForLog { $0.contains("file=inbox/prive.md") && $0.contains("file=inbox/dossier-ferme") })
        try fixture.dropRenamed("lisible.md", EndToEndFixture.post(id: "lisible"))
        #expect(await receiver.wait { $0.compactMap(\.postID) == ["lisible"] })
        try await Task.sleep(for: .seconds(2))
        let rejections = daemon.lines(event: "rejected")
        #expect(rejections.count == 2, "once each, not looped on: \(rejections)")
        let fileError = try String(contentsOfFile: fixture.rejected + "/prive.md.error", encoding: .utf8)
        #expect(fileError.contains("could not be read (Permission denied)") && fileError.contains("permission"), "\(fileError)")
        // A folder of root's with mode 0700 cannot even be moved (rename needs to write its `..`):
        // it stays in the inbox, and the log line says why, once.
        let folderLine = try #require(rejections.first { $0.contains("file=inbox/dossier-ferme") })
        #expect(folderLine.contains("could not be read (Permission denied)") && folderLine.contains("chmod")
                && folderLine.contains("stays in the inbox, since it could not be moved to rejected/"), "\(folderLine)")
        #expect(FileManager.default.fileExists(atPath: fixture.rejected + "/prive.md"), "kept, not deleted")
        #expect(fixture.inboxEntries() == ["dossier-ferme"])
        #expect(!FileManager.default.fileExists(atPath: fixture.rejected + "/dossier-ferme.error"), "no reason without its file")
        await receiver.stop()
    }
}
