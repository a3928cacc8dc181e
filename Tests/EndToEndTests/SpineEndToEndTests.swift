import Foundation
import Testing
import TrobadorTestSupport

/// The real binary, a real inbox, a real HTTP receiver on loopback.
@Suite("The spine, end to end", .serialized)
struct SpineEndToEndTests {
    @Test func two_hundred_posts_renamed_in_or_written_in_place_arrive_exactly_once_each() async throws {
        let fixture = try EndToEndFixture("two-hundred")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        for number in 0..<200 {
            let id = "post-\(number)"
            if number % 2 == 0 {
                try fixture.dropRenamed("\(id).md", EndToEndFixture.post(id: id, number: number))
            } else {
                try fixture.dropWithShellRedirection("\(id).md", EndToEndFixture.post(id: id, number: number))
            }
        }

        #expect(await daemon.waitForLog(timeout: .seconds(60)) { log in
            log.components(separatedBy: " event=delivered ").count - 1 >= 200
        })
        // A moment for any stray second delivery to show up before counting.
        try await Task.sleep(for: .milliseconds(500))
        let ids = receiver.requests.compactMap(\.postID)
        #expect(ids.count == 200)
        #expect(Set(ids) == Set((0..<200).map { "post-\($0)" }))
        #expect(daemon.lines(event: "delivered").count == 200)
        for number in 0..<200 {
            #expect(daemon.lines(event: "delivered").contains { $0.contains(" post=post-\(number) channel=hook attempt=1 http=200 ") })
        }
        #expect(fixture.archivedFiles().count == 200)
        #expect(fixture.inboxEntries().isEmpty)
        #expect(daemon.lines(event: "rejected").isEmpty)
        await daemon.killNow()
        await receiver.stop()
    }

    /// 700 entries wait at start, written moments before: they settle first, then are taken
    /// oldest first in batches (eleven of `Intake.batchSize` 64), each read while the one before is stored. Bad posts in
    /// the later batches are rejected, and the correction written last is stored after the
    /// version it corrects (taken in name order, `p0-correction.md` came before `p0.md`).
    @Test func a_backlog_of_several_batches_is_taken_whole_in_order() async throws {
        let fixture = try EndToEndFixture("backlog-batches")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        try FileManager.default.createDirectory(atPath: fixture.inbox, withIntermediateDirectories: true)
        let bad: Set<Int> = [300, 650]
        for number in 0..<700 {
            if bad.contains(number) {
                try fixture.dropRenamed("bad-\(number).md", "---\nid: Bad Id \(number)\n---\nTexte\n")
            } else {
                try fixture.dropRenamed("p\(number).md", EndToEndFixture.post(id: "p\(number)", number: number))
            }
        }
        let correction = EndToEndFixture.post(id: "p0", number: 1000).replacingOccurrences(of: "id: p0\n", with: "id: p0\naction: update\n")
        try fixture.dropRenamed("p0-correction.md", correction)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }

        #expect(await daemon.waitForLog(timeout: .seconds(90)) { $0.contains("event=accepted post=p0 file=archive/") && $0.contains("version=2") })
        #expect(await receiver.wait(timeout: .seconds(60)) { requests in
            Set(requests.compactMap(\.postID)).count == 698 && requests.contains { $0.postID == "p0" && $0.json?["version"] as? Int == 2 }
        })
        try await Task.sleep(for: .milliseconds(500))
        let accepted = daemon.lines(event: "accepted")
        #expect(accepted.count == 699)
        // The correction is accepted after its first version, and sent after it if both went out.
        let p0 = accepted.filter { $0.contains(" post=p0 ") }
        #expect(p0.count == 2 && p0[0].contains("version=1") && p0[1].contains("version=2"))
        let sentP0 = receiver.requests.filter { $0.postID == "p0" }.compactMap { $0.json?["version"] as? Int }
        #expect(sentP0.last == 2 && sentP0.count <= 2)
        #expect(receiver.requests.filter { $0.postID != "p0" }.count == 697)
        #expect(daemon.lines(event: "rejected").count == 2, "\(daemon.lines(event: "rejected"))")
        #expect(Set(bad.map { "bad-\($0).md" }).isSubset(of: Set((try? FileManager.default.contentsOfDirectory(atPath: fixture.rejected)) ?? [])))
        #expect(fixture.archivedFiles().count == 699)
        #expect(fixture.inboxEntries().isEmpty)
        await daemon.killNow()
        await receiver.stop()
    }

    @Test func kill_9_while_delivering_then_restart_delivers_every_post() async throws {
        let fixture = try EndToEndFixture("kill9")
        defer { fixture.remove() }
        // A receiver slow enough that the kill lands while requests are in flight.
        let receiver = try await LoopbackReceiver { _, _ in .init(delay: .milliseconds(15)) }
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        try FileManager.default.createDirectory(atPath: fixture.inbox, withIntermediateDirectories: true)
        for number in 0..<500 {
            try fixture.dropRenamed("p\(number).md", EndToEndFixture.post(id: "p\(number)", number: number))
        }
        let first = try TrobadorDaemon(in: fixture.root)
        #expect(await receiver.wait(timeout: .seconds(60)) { $0.count >= 100 })
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        let beforeRestart = Set(receiver.requests.compactMap(\.postID))
        #expect(beforeRestart.count < 500, "the kill should land before the end")

        let second = try TrobadorDaemon(in: fixture.root, logName: "daemon-2.log")
        defer { Task { await second.killNow() } }
        let all = Set((0..<500).map { "p\($0)" })
        #expect(await receiver.wait(timeout: .seconds(90)) { Set($0.compactMap(\.postID)) == all })
        // Everything settles: nothing pending, inbox empty, archive complete.
        #expect(await eventually(timeout: .seconds(30)) {
            (try? await fixture.trobador(["status", "--json"]).out).map { Self.count($0, state: "delivered") == 500 } ?? false
        })
        #expect(fixture.inboxEntries().isEmpty)
        #expect(fixture.archivedFiles().count == 500)
        // Any post received twice was resent with the same webhook-id: the receiver can drop it.
        var keys: [String: Set<String>] = [:]
        for request in receiver.requests {
            keys[request.postID ?? "", default: []].insert(request.header("webhook-id") ?? "")
        }
        #expect(keys.values.allSatisfy { $0.count == 1 })
        await second.killNow()
        await receiver.stop()
    }

    @Test func sigterm_with_requests_in_flight_exits_zero_within_ten_seconds_and_loses_nothing() async throws {
        let fixture = try EndToEndFixture("sigterm")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver { _, _ in .init(delay: .seconds(2)) }
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitUntilReady())
        for number in 0..<40 {
            try fixture.dropRenamed("t\(number).md", EndToEndFixture.post(id: "t\(number)", number: number))
        }
        #expect(await receiver.wait(timeout: .seconds(20)) { $0.count >= 5 })
        let stopAsked = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: .seconds(12))
        #expect(status == 0)
        #expect(ContinuousClock.now - stopAsked < .seconds(10))
        #expect(daemon.lines(event: "stopping").count >= 1)
        #expect(daemon.lines(event: "stopped").count == 1)

        let again = try TrobadorDaemon(in: fixture.root, logName: "daemon-2.log")
        defer { Task { await again.killNow() } }
        let all = Set((0..<40).map { "t\($0)" })
        #expect(await receiver.wait(timeout: .seconds(60)) { Set($0.compactMap(\.postID)) == all })
        #expect(fixture.archivedFiles().count == 40)
        await again.killNow()
        await receiver.stop()
    }

    @Test func embedded_default_writes_a_dropped_post_to_the_outbox() async throws {
        let fixture = try EndToEndFixture("embedded")
        defer { fixture.remove() }
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("carte-jeune.md", EndToEndFixture.post(id: "carte-jeune-2026-09", number: 1))
        let outbox = fixture.root + "/spool/outbox/carte-jeune-2026-09.json"
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=carte-jeune-2026-09 channel=outbox") })
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outbox))) as? [String: Any]
        #expect(written?["id"] as? String == "carte-jeune-2026-09")
        #expect((written?["title"] as? String)?.contains("fête à Montpellier") == true)
        #expect((written?["html"] as? String)?.contains("<strong>concert gratuit</strong>") == true)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    static func count(_ statusJSON: String, state: String) -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [String: Any],
              let channels = object["channels"] as? [[String: Any]] else { return -1 }
        return channels.reduce(0) { $0 + (($1["counts"] as? [String: Int])?[state] ?? 0) }
    }
}
