import Foundation
import Testing
import TrobadorTestSupport

@Suite("What the operator sees", .serialized)
struct OperatorEndToEndTests {
    @Test func status_and_history_read_the_state_while_the_daemon_runs() async throws {
        let fixture = try EndToEndFixture("operator")
        defer { fixture.remove() }
        // `ok` accepts; `broken` refuses with 400 and a reason, as a receiver that dislikes the body.
        let ok = try await LoopbackReceiver { _, _ in .init(body: "{\"id\": \"rcv-1\"}") }
        let broken = try await LoopbackReceiver { _, _ in .init(status: 400, body: "{\"error\": \"missing field: title\"}") }
        try fixture.writeConfiguration(webhooks: [("ok", ok.url + "/hook"), ("broken", broken.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())

        let submitted = try await fixture.trobador(["submit", "--config", fixture.configPath, "/dev/null"])
        #expect(submitted.status != 0, "an empty file is refused before it reaches the inbox")

        try fixture.directory.write("fete.md", EndToEndFixture.post(id: "fete-musique-2026", number: 21))
        let submit = try await fixture.trobador(["submit", fixture.directory.file("fete.md")])
        #expect(submit.status == 0, "\(submit.err)")
        #expect(submit.out == "fete-musique-2026\n")
        #expect(await daemon.waitForLog { $0.contains("event=failed post=fete-musique-2026 channel=broken") })
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=fete-musique-2026 channel=ok") })
        let failedLine = daemon.lines(event: "failed").first ?? ""
        #expect(failedLine.contains("attempt=1 http=400"))
        #expect(failedLine.contains("missing field: title"))
        #expect(daemon.lines(event: "delivered").first?.contains("remote_id=rcv-1") == true)

        let status = try await fixture.trobador(["status"])
        #expect(status.status == 0, "\(status.err)")
        #expect(status.out.contains("broken"))
        #expect(status.out.contains("missing field: title"))
        let json = try await fixture.trobador(["status", "--json"])
        #expect(SpineEndToEndTests.count(json.out, state: "delivered") == 1)
        #expect(SpineEndToEndTests.count(json.out, state: "failed") == 1)

        let history = try await fixture.trobador(["history", "fete-musique-2026"])
        #expect(history.status == 0, "\(history.err)")
        #expect(history.out.contains("ok (version 1, publish): delivered"))
        #expect(history.out.contains("remote id: rcv-1"))
        #expect(history.out.contains("broken (version 1, publish): failed"))
        #expect(history.out.contains("HTTP 400"))
        #expect(broken.count == 1, "a 400 is not retried")

        let unknown = try await fixture.trobador(["history", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("No post"))
        await daemon.killNow()
        await ok.stop()
        await broken.stop()
    }

    @Test func an_idle_daemon_does_not_wake_up() async throws {
        let fixture = try EndToEndFixture("idle")
        defer { fixture.remove() }
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("un.md", EndToEndFixture.post(id: "un", number: 1))
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=un") })
        try await Task.sleep(for: .seconds(1))
        let before = Self.contextSwitches(pid: daemon.pid)
        try await Task.sleep(for: .seconds(5))
        let after = Self.contextSwitches(pid: daemon.pid)
        // Five idle seconds: a timer firing once a second would already show 5 wake-ups.
        #expect(after - before < 5, "\(after - before) context switches in 5 idle seconds")
        await daemon.killNow()
    }

    /// Voluntary and involuntary context switches of every thread of `pid`.
    static func contextSwitches(pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.reduce(0) { total, task in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
            return total + status.split(separator: "\n").reduce(0) { sum, line in
                line.hasSuffix("ctxt_switches:") ? sum : sum + (line.contains("ctxt_switches:") ? Int(line.split(separator: "\t").last ?? "0") ?? 0 : 0)
            }
        }
    }
}
