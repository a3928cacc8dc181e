import Foundation
import Testing
import TrobadorTestSupport

@Suite("Delivery that holds up, end to end", .serialized)
struct ReliabilityEndToEndTests {
    @Test func a_channel_that_never_answers_times_out_while_another_channels_hundred_posts_arrive() async throws {
        let fixture = try EndToEndFixture("hang")
        defer { fixture.remove() }
        let silent = try SilentServer()
        defer { silent.stop() }
        let healthy = try await LoopbackReceiver()
        try fixture.writeConfiguration(
            webhooks: [("healthy", healthy.url + "/hook"), ("stuck", silent.url + "/hook")])
        // A short whole-request timeout for the stuck channel, so the test sees it expire.
        let text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            .replacingOccurrences(of: "name = \"stuck\"", with: "name = \"stuck\"\ntimeout = \"1s\"")
        try fixture.directory.write("trobador.toml", text)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        let start = ContinuousClock.now
        for number in 0..<100 {
            try fixture.dropRenamed("h\(number).md", EndToEndFixture.post(id: "h\(number)", number: number))
        }
        #expect(await healthy.wait(timeout: .seconds(20)) { Set($0.compactMap(\.postID)).count == 100 })
        #expect(ContinuousClock.now - start < .seconds(10), "the healthy channel does not wait for the stuck one")
        #expect(await daemon.waitForLog(timeout: .seconds(10)) { $0.contains("event=retrying post=") && $0.contains("channel=stuck attempt=1") })
        let retrying = daemon.lines(event: "retrying").first { $0.contains("channel=stuck") } ?? ""
        #expect(retrying.contains("timed out") || retrying.contains("Timeout"), "\(retrying)")
        #expect(silent.connections > 0)
        await daemon.killNow()
        await healthy.stop()
    }

    @Test func a_post_with_publish_at_goes_out_within_a_second_of_it_even_across_a_restart() async throws {
        let fixture = try EndToEndFixture("schedule")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let first = try TrobadorDaemon(in: fixture.root)
        #expect(await first.waitUntilReady())
        let publishAt = Date().addingTimeInterval(4)
        let stamp = ISO8601DateFormatter().string(from: publishAt.addingTimeInterval(1).rounded())
        let due = ISO8601DateFormatter().date(from: stamp)!
        let post = EndToEndFixture.post(id: "plus-tard", number: 2).replacingOccurrences(of: "lang: fr\n", with: "lang: fr\npublish_at: \(stamp)\n")
        let expired = EndToEndFixture.post(id: "trop-tard", number: 3).replacingOccurrences(of: "lang: fr\n", with: "lang: fr\nexpires_at: 2020-01-01T00:00:00+01:00\n")
        try fixture.dropRenamed("plus-tard.md", post)
        try fixture.dropRenamed("trop-tard.md", expired)
        #expect(await first.waitForLog { $0.contains("event=scheduled post=plus-tard channel=hook") })
        #expect(await first.waitForLog { $0.contains("event=expired post=trop-tard channel=hook") })
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)

        let second = try TrobadorDaemon(in: fixture.root, logName: "daemon-2.log")
        defer { Task { await second.killNow() } }
        #expect(await receiver.wait(timeout: .seconds(15)) { $0.contains { $0.postID == "plus-tard" } })
        let arrived = try #require(receiver.requests.first { $0.postID == "plus-tard" }?.at)
        #expect(arrived >= due.addingTimeInterval(-0.05), "not before its time")
        #expect(arrived.timeIntervalSince(due) < 1, "within a second of its time: \(arrived.timeIntervalSince(due))")
        try await Task.sleep(for: .milliseconds(300))
        #expect(!receiver.requests.contains { $0.postID == "trop-tard" })
        await second.killNow()
        await receiver.stop()
    }

    @Test func sighup_keeps_the_old_configuration_when_the_new_one_is_broken_and_adds_a_new_channel_when_it_is_good() async throws {
        let fixture = try EndToEndFixture("reload")
        defer { fixture.remove() }
        let first = try await LoopbackReceiver()
        let second = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("one", first.url + "/hook")])
        let good = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        try fixture.directory.write("trobador.toml", good + "\n[[channel]]\nname = \"two\"\ntype = \"webhook\"\nurll = \"x\"\n")
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog { $0.contains("event=reloaded") && $0.contains("not reloaded") })
        #expect(daemon.lines(event: "reloaded").first?.contains("urll") == true)
        try fixture.dropRenamed("a.md", EndToEndFixture.post(id: "apres-erreur", number: 1))
        #expect(await first.wait { $0.contains { $0.postID == "apres-erreur" } })
        #expect(daemon.isRunning)

        let withTwo = good.replacingOccurrences(of: "defaults = [\"one\"]", with: "defaults = [\"one\", \"two\"]")
            + "\n[[channel]]\nname = \"two\"\ntype = \"webhook\"\nurl = \"\(second.url)/hook\"\n"
        try fixture.directory.write("trobador.toml", withTwo)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog { $0.contains("event=reloaded channels=one,two") || $0.contains("event=reloaded channels=two,one") })
        try fixture.dropRenamed("b.md", EndToEndFixture.post(id: "apres-ajout", number: 2))
        #expect(await second.wait { $0.contains { $0.postID == "apres-ajout" } })
        #expect(await first.wait { $0.contains { $0.postID == "apres-ajout" } })
        await daemon.killNow()
        await first.stop()
        await second.stop()
    }

    @Test func trobador_retry_requeues_a_failed_delivery_within_a_second() async throws {
        let fixture = try EndToEndFixture("retry")
        defer { fixture.remove() }
        // Refuses the first request for good (400), accepts afterwards, as after a fix on the receiver's side.
        let receiver = try await LoopbackReceiver { _, index in index == 0 ? .init(status: 400, body: "schema mismatch") : .init() }
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("r.md", EndToEndFixture.post(id: "a-refaire", number: 1))
        #expect(await daemon.waitForLog { $0.contains("event=failed post=a-refaire channel=hook attempt=1 http=400") })
        let asked = Date()
        let retry = try await fixture.trobador(["retry", "a-refaire"])
        #expect(retry.status == 0, "\(retry.err)")
        #expect(retry.out.contains("Queued again: hook"))
        #expect(await receiver.wait(timeout: .seconds(5)) { $0.count == 2 })
        #expect(receiver.requests[1].at.timeIntervalSince(asked) < 1.5)
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=a-refaire channel=hook attempt=2 http=200") })
        let nothing = try await fixture.trobador(["retry", "a-refaire"])
        #expect(nothing.status == 1)
        #expect(nothing.err.contains("Nothing to retry"))
        await daemon.killNow()
        await receiver.stop()
    }

    @Test func trobador_retract_sends_the_retraction_and_history_shows_both() async throws {
        let fixture = try EndToEndFixture("retract")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("hook", receiver.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("x.md", EndToEndFixture.post(id: "erreur", number: 1))
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=erreur") })
        let retract = try await fixture.trobador(["retract", "erreur"])
        #expect(retract.status == 0, "\(retract.err)")
        #expect(await daemon.waitForLog { $0.contains("event=retracted post=erreur channel=hook") })
        #expect(receiver.requests.last?.json?["action"] as? String == "retract")
        #expect(receiver.requests.last?.header("webhook-id") != receiver.requests.first?.header("webhook-id"))
        let history = try await fixture.trobador(["history", "erreur"])
        #expect(history.out.contains("version 2: retract"))
        #expect(history.out.contains("hook (version 2, retract): retracted"))
        await daemon.killNow()
        await receiver.stop()
    }
}

extension Date {
    /// To the second, as a date written in a post file is.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
