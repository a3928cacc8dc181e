import Foundation
import Testing
import TrobadorTestSupport

@Suite("Bad input is rejected with a reason, and nothing stops", .serialized)
struct RejectionEndToEndTests {
    @Test func every_bad_file_lands_in_rejected_with_an_error_a_person_can_act_on() async throws {
        let fixture = try EndToEndFixture("rejections")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        // name in the inbox → words the .error file must contain
        var expectations: [(name: String, says: [String])] = []

        try fixture.dropRenamed("broken-yaml.md", "---\ntitle: \"Fête\ntags: [culture\n---\nCorps.\n")
        expectations.append(("broken-yaml.md", ["line"]))

        try fixture.dropRenamed("unknown-field.md", "---\ntitle: Fête\ntag: [culture]\n---\nCorps du texte.\n")
        expectations.append(("unknown-field.md", ["tag", "tags"]))

        let bundle = fixture.root + "/affiche-bundle"
        try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 32)).write(to: URL(fileURLWithPath: bundle + "/affiche.png"))
        try Data("---\ntitle: Fête\ntags: [culture]\nmedia:\n  - file: affiche.png\n---\nCorps.\n".utf8).write(to: URL(fileURLWithPath: bundle + "/post.md"))
        #expect(rename(bundle, fixture.inbox + "/sans-alt") == 0)
        expectations.append(("sans-alt", ["alt"]))

        try Data("---\ntitle: cible\n---\nCorps.\n".utf8).write(to: URL(fileURLWithPath: fixture.root + "/target.md"))
        #expect(symlink(fixture.root + "/target.md", fixture.inbox + "/lien.md") == 0)
        expectations.append(("lien.md", ["link"]))

        let big = "---\ntitle: Énorme\n---\n" + String(repeating: "Texte trop long. ", count: 10 * 1024 * 1024 / 17 + 1)
        try fixture.dropRenamed("enorme.md", big)
        expectations.append(("enorme.md", ["too large"]))

        let invalidUTF8 = Data("---\ntitle: Fête\n---\nCorps ".utf8) + Data([0xC3, 0x28, 0xFF]) + Data(" fin.\n".utf8)
        try invalidUTF8.write(to: URL(fileURLWithPath: fixture.inbox + "/.latin1.md.tmp"))
        #expect(rename(fixture.inbox + "/.latin1.md.tmp", fixture.inbox + "/latin1.md") == 0)
        expectations.append(("latin1.md", ["UTF-8"]))

        try fixture.dropRenamed("canal-inconnu.md", "---\ntitle: Fête\nchannels: [instagram]\n---\nCorps.\n")
        expectations.append(("canal-inconnu.md", ["instagram"]))

        try fixture.dropRenamed("id-slash.md", "---\nid: agenda/fete\ntitle: Fête\n---\nCorps.\n")
        expectations.append(("id-slash.md", ["id"]))

        // The .error file is written first, the log line once the entry has moved.
        #expect(await daemon.waitForLog { log in
            expectations.allSatisfy {
                FileManager.default.fileExists(atPath: fixture.rejected + "/" + $0.name + ".error") && log.contains("file=inbox/\($0.name) ")
            }
        })
        for expectation in expectations {
            let errorText = (try? String(contentsOfFile: fixture.rejected + "/" + expectation.name + ".error", encoding: .utf8)) ?? ""
            #expect(FileManager.default.fileExists(atPath: fixture.rejected + "/" + expectation.name), "\(expectation.name) moved to rejected/")
            for word in expectation.says {
                #expect(errorText.contains(word), "\(expectation.name).error mentions \(word): \(errorText)")
            }
            #expect(errorText.contains("not published"), "\(expectation.name).error says the post was not published")
            #expect(daemon.lines(event: "rejected").contains { $0.contains("file=inbox/\(expectation.name)") })
        }
        #expect(receiver.count == 0)
        #expect(daemon.isRunning)

        // The next good post still goes out.
        try fixture.dropRenamed("bonne.md", EndToEndFixture.post(id: "bonne-nouvelle", number: 3))
        #expect(await receiver.wait { $0.contains { $0.postID == "bonne-nouvelle" } })
        #expect(fixture.inboxEntries().isEmpty)
        await daemon.killNow()
        await receiver.stop()
    }

    @Test func the_same_post_dropped_twice_is_a_duplicate_archived_and_not_sent_again() async throws {
        let fixture = try EndToEndFixture("duplicate")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        let text = EndToEndFixture.post(id: "pont-du-gard", number: 5)
        try fixture.dropRenamed("pont-du-gard.md", text)
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=pont-du-gard") })
        try fixture.dropRenamed("pont-du-gard.md", text)
        #expect(await daemon.waitForLog { $0.contains("event=duplicate post=pont-du-gard") })
        // A changed post under the same id without `action: update` is refused, not published.
        try fixture.dropRenamed("pont-du-gard.md", text + "\nUne phrase de plus.\n")
        #expect(await daemon.waitForLog { $0.contains("event=rejected") })
        try await Task.sleep(for: .milliseconds(300))
        #expect(receiver.requests.filter { $0.postID == "pont-du-gard" }.count == 1)
        #expect(fixture.archivedFiles().count == 2)
        let errorText = try String(contentsOfFile: fixture.rejected + "/pont-du-gard.md.error", encoding: .utf8)
        #expect(errorText.contains("action: update"))
        await daemon.killNow()
        await receiver.stop()
    }
}
