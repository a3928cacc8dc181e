import Foundation
import Testing
import TrobadorTestSupport

@Suite("The metrics file, beside the state", .serialized)
struct MetricsEndToEndTests {
    @Test func parses_as_prometheus_text_and_its_counters_match_status() async throws {
        let fixture = try EndToEndFixture("metrics")
        defer { fixture.remove() }
        // One post refused for good (400), one refused once (503) then taken, the rest taken.
        let refusedOnce = Locked(Set<String>())
        let receiver = try await LoopbackReceiver { request, _ in
            switch request.postID {
            case "refuse": return .init(status: 400, body: "schema mismatch")
            case "later" where refusedOnce.withLock { $0.insert("later").inserted }: return .init(status: 503, body: "busy")
            default: return .init()
            }
        }
        defer { Task { await receiver.stop() } }
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["hook", "copies"]
            first_retry = "1s"

            [[channel]]
            name = "hook"
            type = "webhook"
            url = "\(receiver.url)/hook"

            [[channel]]
            name = "copies"
            type = "file"
            """)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        let ids = ["ok-1", "ok-2", "ok-3", "refuse", "later"]
        for (number, id) in ids.enumerated() {
            try fixture.dropRenamed(id + ".md", EndToEndFixture.post(id: id, number: number))
        }
        #expect(await daemon.waitForLog(timeout: .seconds(20)) { log in
            log.components(separatedBy: "event=delivered post=").count - 1 == 9 && log.contains("event=failed post=refuse channel=hook")
        })

        let metricsPath = fixture.root + "/spool/trobador.prom"
        var metrics: PrometheusTextParser?
        // Rewritten at most every 2 s: wait for the figures after the last attempt.
        for _ in 0..<100 where metrics?.value("trobador_attempts_total", ["channel": "hook", "outcome": "delivered"]) != 4 {
            try await Task.sleep(for: .milliseconds(100))
            metrics = try? PrometheusTextParser(String(contentsOfFile: metricsPath, encoding: .utf8))
        }
        let parsed = try PrometheusTextParser(String(contentsOfFile: metricsPath, encoding: .utf8))
        let status = try await fixture.trobador(["status", "--json"])
        #expect(status.status == 0, "\(status.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as? [String: Any])
        let lines = try #require(report["channels"] as? [[String: Any]])
        #expect(Set(lines.compactMap { $0["channel"] as? String }) == ["copies", "hook"])

        for line in lines {
            let channel = try #require(line["channel"] as? String)
            let counts = line["counts"] as? [String: Int] ?? [:]
            for state in ["pending", "scheduled", "in_flight", "retrying", "delivered", "failed", "uncertain", "cancelled", "retracted"] {
                #expect(parsed.value("trobador_deliveries", ["channel": channel, "state": state]) == Double(counts[state] ?? 0), "\(channel) \(state)")
            }
            // A fresh state: what was counted since start is all there is.
            for outcome in ["delivered", "failed"] {
                #expect(parsed.value("trobador_attempts_total", ["channel": channel, "outcome": outcome]) == Double(counts[outcome] ?? 0), "\(channel) \(outcome)")
            }
            let last = try #require(parsed.value("trobador_last_delivery_timestamp_seconds", ["channel": channel]))
            #expect(abs(last - Date().timeIntervalSince1970) < 60)
            #expect(parsed.value("trobador_channel_paused", ["channel": channel]) == 0)
        }
        #expect(parsed.value("trobador_attempts_total", ["channel": "hook", "outcome": "retrying"]) == 1)
        #expect(parsed.value("trobador_attempt_duration_seconds_count", ["channel": "hook"]) == 6, "3 + refuse + later twice")
        #expect(parsed.value("trobador_attempt_duration_seconds_count", ["channel": "copies"]) == 5)

        // Idle: once the last changes are written (at most one more rewrite, 2 s on), nothing
        // changes and nothing is rewritten.
        try await Task.sleep(for: .milliseconds(2500))
        let before = try FileManager.default.attributesOfItem(atPath: metricsPath)[.modificationDate] as? Date
        try await Task.sleep(for: .seconds(3))
        let after = try FileManager.default.attributesOfItem(atPath: metricsPath)[.modificationDate] as? Date
        #expect(before != nil && before == after, "an idle daemon leaves the file alone")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        #expect((try? PrometheusTextParser(String(contentsOfFile: metricsPath, encoding: .utf8))) != nil)
    }
}
