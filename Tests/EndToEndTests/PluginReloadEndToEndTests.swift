import Foundation
import Testing
import TrobadorTestSupport

/// Plugins are read again on SIGHUP with the configuration, as `systemctl reload` does.
@Suite("Plugins reloaded on SIGHUP, end to end", .serialized)
struct PluginReloadEndToEndTests {
    static func manifest(extraLine: String = "") -> String {
        """
        summary = "The intranet's news feed"

        [settings.url]
        kind = "url"
        required = true
        help = "the feed's URL"

        [create]
        method = "POST"
        url = "{{{settings.url}}}"
        body = '{"id": "{{id}}", "text": "{{text}}"}'
        \(extraLine)
        """
    }

    static func channel(_ name: String, _ url: String) -> String {
        "\n[[channel]]\nname = \"\(name)\"\ntype = \"\(name)\"\nurl = \"\(url)/\(name)\"\n"
    }

    @Test func a_plugin_fixed_or_added_while_running_serves_after_sighup_and_one_broken_then_stops_only_its_channels() async throws {
        let fixture = try EndToEndFixture("plugin-reload")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver()
        defer { Task { await receiver.stop() } }
        let directory = fixture.root + "/plugins.d"
        let plugins = (fixture.root as NSString).standardizingPath + "/plugins.d"
        // Broken at start: a quote left open on line 9.
        try PluginEndToEndTests.writePlugin("intranet", [
            "plugin.toml": Self.manifest().replacingOccurrences(of: "method = \"POST\"", with: "method = \"POST"), "README.md": "#\n",
        ], into: directory)
        let base = """
            plugin_dirs = ["plugins.d"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["hook", "intranet", "partner"]

            [[channel]]
            name = "hook"
            type = "webhook"
            url = "\(receiver.url)/hook"

            """ + Self.channel("intranet", receiver.url)
        try fixture.directory.write("trobador.toml", base.replacingOccurrences(of: ", \"partner\"", with: ""))

        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        #expect(daemon.log.contains("level=error event=started error=\"plugin: \(plugins)/intranet/plugin.toml:9:"), "\(daemon.log)")
        #expect(daemon.log.contains("channel=intranet error=\"channel intranet: its type `intranet` is a broken plugin"))

        // Fixed, and a new network added with its channel: both serve after SIGHUP.
        try PluginEndToEndTests.writePlugin("intranet", ["plugin.toml": Self.manifest()], into: directory)
        try PluginEndToEndTests.writePlugin("partner", ["plugin.toml": Self.manifest(), "README.md": "#\n"], into: directory)
        try fixture.directory.write("trobador.toml", base + Self.channel("partner", receiver.url))
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog { $0.contains("event=reloaded channels=hook,intranet,partner") }, "\(daemon.log)")
        try fixture.dropRenamed("a.md", EndToEndFixture.post(id: "apres-correction", number: 1))
        #expect(await receiver.wait { requests in
            Set(requests.filter { $0.postID == "apres-correction" }.map(\.path)) == ["/hook", "/intranet", "/partner"]
        }, "\(receiver.requests.map(\.path)) \(daemon.log)")

        // Broken while running: said with its path and line; only its channel stops.
        try PluginEndToEndTests.writePlugin("partner", ["plugin.toml": Self.manifest(extraLine: "timeout_ms = 5")], into: directory)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog {
            $0.contains("level=error event=reloaded error=\"plugin: \(plugins)/partner/plugin.toml:12:1: unknown key `timeout_ms` in [create]")
        }, "\(daemon.log)")
        #expect(await daemon.waitForLog { _ in daemon.lines(event: "reloaded").contains { $0.hasSuffix("channels=hook,intranet") } })
        #expect(daemon.log.contains("level=error event=reloaded channel=partner error=\"channel partner: its type `partner` is a broken plugin"), "\(daemon.log)")
        try fixture.dropRenamed("b.md", EndToEndFixture.post(id: "apres-casse", number: 2))
        #expect(await receiver.wait { requests in
            Set(requests.filter { $0.postID == "apres-casse" }.map(\.path)) == ["/hook", "/intranet"]
        })
        try await Task.sleep(for: .milliseconds(500))
        #expect(!receiver.requests.contains { $0.postID == "apres-casse" && $0.path == "/partner" })
        #expect(daemon.isRunning)

        let check = try await fixture.trobador(["check"])
        #expect(check.status == 1 && check.err.contains("\(plugins)/partner/plugin.toml:12:1"))
        await daemon.killNow()
    }
}
