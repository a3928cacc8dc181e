import Foundation
import Testing
import TrobadorTestSupport

/// A broken or misbehaving plugin takes down its own channels, never the daemon or the others.
@Suite("Broken and misbehaving plugins, end to end", .serialized)
struct BrokenPluginEndToEndTests {
    static let goodTOML = """
        summary = "x"

        [settings.url]
        kind = "url"
        required = true
        help = "h"

        [create]
        method = "POST"
        url = "{{{settings.url}}}"
        body_file = "create.json"
        """

    /// Three plugins, each broken one way, into `directory`.
    static func writeBrokenPlugins(into directory: String) throws {
        try PluginEndToEndTests.writePlugin("syntax-broken", [
            "plugin.toml": "summary = \"x\"\n[create]\nmethod = \"POST\nurl = \"x\"\n", "README.md": "#\n",
        ], into: directory)
        try PluginEndToEndTests.writePlugin("unknown-key", [
            "plugin.toml": goodTOML.replacingOccurrences(of: "method = \"POST\"", with: "method = \"POST\"\ntimeout_ms = 5"),
            "create.json": "{\"text\": \"{{text}}\"}\n", "README.md": "#\n",
        ], into: directory)
        try PluginEndToEndTests.writePlugin("missing-value", [
            "plugin.toml": goodTOML, "create.json": "{\n  \"text\": \"{{text}}\",\n  \"room\": \"{{settings.room}}\"\n}\n", "README.md": "#\n",
        ], into: directory)
    }

    @Test func check_reports_each_broken_plugin_with_file_and_line_and_the_daemon_still_delivers_elsewhere() async throws {
        let fixture = try EndToEndFixture("broken-plugins")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        defer { Task { await receiver.stop() } }
        try Self.writeBrokenPlugins(into: fixture.root + "/plugins.d")
        try fixture.directory.write("trobador.toml", """
            plugin_dirs = ["plugins.d"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["hook", "a", "b", "c"]

            [[channel]]
            name = "hook"
            type = "webhook"
            url = "\(receiver.url)/hook"

            [[channel]]
            name = "a"
            type = "syntax-broken"
            url = "\(receiver.url)/a"

            [[channel]]
            name = "b"
            type = "unknown-key"
            url = "\(receiver.url)/b"

            [[channel]]
            name = "c"
            type = "missing-value"
            url = "\(receiver.url)/c"
            """)
        let plugins = (fixture.root as NSString).standardizingPath + "/plugins.d"
        let check = try await fixture.trobador(["check"])
        #expect(check.status == 1)
        #expect(check.err.contains("\(plugins)/syntax-broken/plugin.toml:3:"), "\(check.err)")
        #expect(check.err.contains("\(plugins)/unknown-key/plugin.toml:10:1: unknown key `timeout_ms` in [create]"))
        #expect(check.err.contains("\(plugins)/missing-value/create.json:3:12: `settings.room`: `settings` has no `room`"))
        #expect(check.err.contains("channel a: its type `syntax-broken` is a broken plugin"))

        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        #expect(daemon.log.contains("level=error event=started error=\"plugin: \(plugins)/unknown-key/plugin.toml:10:1: unknown key"))
        for channel in ["a", "b", "c"] {
            #expect(daemon.log.contains("channel=\(channel) error=\"channel \(channel): its type"), "\(daemon.log)")
        }
        try fixture.dropRenamed("p.md", EndToEndFixture.post(id: "still-flowing", number: 1))
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=still-flowing channel=hook") })
        #expect(receiver.requests.map(\.path) == ["/hook"])
        await daemon.killNow()
    }

    @Test func crashing_hanging_and_babbling_programs_are_retried_or_failed_and_leave_nothing_running() async throws {
        let fixture = try EndToEndFixture("exec-plugins")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        defer { Task { await receiver.stop() } }
        let directory = fixture.root + "/plugins.d"
        let manifest = { (timeout: String) in "summary = \"x\"\nexec = \"./send\"\ntimeout = \"\(timeout)\"\n" }
        try PluginEndToEndTests.writePlugin("hangs", [
            "plugin.toml": manifest("1s"), "README.md": "#\n",
            "send": "#!/bin/sh\nsleep 300 &\necho $! >> pids\necho $$ >> pids\nsleep 300\n",
        ], into: directory, executable: ["send"])
        try PluginEndToEndTests.writePlugin("crashes", [
            "plugin.toml": manifest("5s"), "README.md": "#\n", "send": "#!/bin/sh\necho 'segfault ahead' >&2\nkill -SEGV $$\n",
        ], into: directory, executable: ["send"])
        try PluginEndToEndTests.writePlugin("babbles", [
            "plugin.toml": manifest("5s"), "README.md": "#\n", "send": "#!/bin/sh\necho 'Sent, I think?'\n",
        ], into: directory, executable: ["send"])
        try PluginEndToEndTests.writePlugin("exits", [
            "plugin.toml": manifest("5s"), "README.md": "#\n", "send": "#!/bin/sh\necho 'no route to host' >&2\nexit 4\n",
        ], into: directory, executable: ["send"])
        try fixture.directory.write("trobador.toml", """
            plugin_dirs = ["plugins.d"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["hook", "hangs", "crashes", "babbles", "exits"]
            first_retry = "1s"
            max_attempts = 2

            [[channel]]
            name = "hook"
            type = "webhook"
            url = "\(receiver.url)/hook"

            [[channel]]
            name = "hangs"
            type = "hangs"

            [[channel]]
            name = "crashes"
            type = "crashes"

            [[channel]]
            name = "babbles"
            type = "babbles"

            [[channel]]
            name = "exits"
            type = "exits"
            """)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("p.md", EndToEndFixture.post(id: "exec-post", number: 2))
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=exec-post channel=hook") })
        #expect(await daemon.waitForLog(timeout: .seconds(40)) { log in
            ["hangs", "crashes", "exits", "babbles"].allSatisfy { log.contains("event=failed post=exec-post channel=\($0)") }
        }, "\(daemon.log)")
        let log = daemon.log
        #expect(log.contains("event=retrying post=exec-post channel=hangs attempt=1"))
        #expect(log.contains("gave no answer within 1s and was killed with everything it started"))
        #expect(log.contains("event=retrying post=exec-post channel=crashes attempt=1"))
        #expect(log.contains("was killed by signal 11 (SIGSEGV, a crash) before answering; it said on stderr: segfault ahead"))
        #expect(log.contains("event=retrying post=exec-post channel=exits attempt=1"))
        #expect(log.contains("exited with status 4 without an answer; it said on stderr: no route to host"))
        #expect(log.contains("event=failed post=exec-post channel=babbles attempt=1"), "garbage is not worth a retry")
        #expect(log.contains("answered something that is not one JSON object with a status: Sent, I think?"))
        #expect(daemon.isRunning)

        // Both attempts of the hanging program, and what each forked, are gone.
        let pids = try String(contentsOfFile: directory + "/hangs/pids", encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 4)
        for pid in pids {
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let state = stat?.split(separator: ")").last?.split(separator: " ").first
            #expect(stat == nil || state == "Z", "process \(pid) still runs")
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
