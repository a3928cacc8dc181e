import Foundation
import Testing
import TrobadorTestSupport

@Suite("Secrets stay secret")
struct SecretsEndToEndTests {
    @Test func no_configured_secret_appears_in_logs_error_files_preview_status_history_or_crash_messages() async throws {
        let fixture = try EndToEndFixture("secrets")
        defer { fixture.remove() }
        // A receiver that echoes the request line back in its error, as some do.
        let echo = try await LoopbackReceiver { request, _ in
            .init(status: 400, body: #"{"error": "unknown token in \#(request.path)"}"#)
        }
        let signing = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LTEyMzQ1Ng=="
        let urlToken = "URLTOKEN-7f3a9c"
        let discordToken = "DISCORDTOKEN-b41e"
        let slackToken = "SLACKTOKEN0a1b2c3d"
        let teamsSig = "TEAMSSIG-9d8c7b6a5f"
        let mastodonToken = "MASTODONTOKEN-4e5f6a"
        let blueskyPassword = "bsky-pass-wxyz-1234"
        let telegramToken = "123456789:TELEGRAMtoken-abcdef"
        let matrixToken = "syt_MATRIXTOKEN_xyz"
        let ntfyTopic = "ntfytopicsecret42"
        let ntfyToken = "tk_NTFYTOKEN0987"
        let pluginToken = "PLUGINTOKEN-5c6d7e8f"
        try fixture.directory.write("signing.secret", signing + "\n")
        // A plugin program that crashes, and says the token it was given on its way down,
        // as a traceback would.
        try PluginEndToEndTests.writePlugin("crashy", [
            "plugin.toml": "summary = \"x\"\nexec = \"./send\"\ntimeout = \"5s\"\n\n[settings.token]\nkind = \"string\"\nrequired = true\nsecret = true\nhelp = \"the API token\"\n",
            "README.md": "#\n",
            "send": "#!/bin/sh\necho \"KeyError: refused token $(grep -o 'PLUGINTOKEN-[0-9a-f]*' | head -1)\" >&2\nkill -SEGV $$\n",
        ], into: fixture.root + "/plugins.d", executable: ["send"])
        try fixture.directory.write("trobador.toml", """
            plugin_dirs = ["plugins.d"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["intranet", "discord", "slack", "teams", "mastodon", "bluesky", "telegram", "matrix", "ntfy", "crashy"]
            max_attempts = 1

            [[channel]]
            name = "crashy"
            type = "crashy"
            token = "\(pluginToken)"

            [[channel]]
            name = "intranet"
            type = "webhook"
            url = "\(echo.url)/hook?token=\(urlToken)"
            secret = { file = "signing.secret" }

            [[channel]]
            name = "discord"
            type = "discord"
            url = "\(echo.url)/api/webhooks/1/\(discordToken)"

            [[channel]]
            name = "slack"
            type = "slack"
            url = "\(echo.url)/services/T0/B0/\(slackToken)"

            [[channel]]
            name = "teams"
            type = "teams"
            url = "\(echo.url)/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=\(teamsSig)"

            [[channel]]
            name = "mastodon"
            type = "mastodon"
            url = "\(echo.url)"
            token = "\(mastodonToken)"

            [[channel]]
            name = "bluesky"
            type = "bluesky"
            url = "\(echo.url)"
            handle = "region.bsky.social"
            password = "\(blueskyPassword)"

            [[channel]]
            name = "telegram"
            type = "telegram"
            url = "\(echo.url)"
            token = "\(telegramToken)"
            chat_id = "@region"

            [[channel]]
            name = "matrix"
            type = "matrix"
            url = "\(echo.url)"
            token = "\(matrixToken)"
            room = "!salle:example.org"

            [[channel]]
            name = "ntfy"
            type = "ntfy"
            url = "\(echo.url)"
            topic = "\(ntfyTopic)"
            token = "\(ntfyToken)"
            """)
        chmod(fixture.configPath, 0o600)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("fuite.md", EndToEndFixture.post(id: "fuite", number: 1))
        try fixture.dropRenamed("casse.md", "---\ntitle: [\n---\nx\n")
        let channels = ["intranet", "discord", "slack", "teams", "mastodon", "bluesky", "telegram", "matrix", "ntfy", "crashy"]
        #expect(await daemon.waitForLog(timeout: .seconds(60)) { log in
            channels.allSatisfy { log.contains("event=failed post=fuite channel=\($0)") }
        })
        #expect(echo.requests.contains { $0.path.contains(discordToken) }, "the receiver did see the token: the test can fail")

        var outputs = [daemon.log]
        for arguments in [["status"], ["status", "--json"], ["history", "fuite"], ["history", "fuite", "--json"],
                          ["preview", fixture.archivedFiles().map { fixture.archive + "/" + $0 }.first { $0.hasSuffix("fuite.md") } ?? ""]] {
            let result = try await fixture.trobador(arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            outputs.append(result.out + result.err)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: fixture.rejected)) ?? [] where name.hasSuffix(".error") {
            outputs.append(try String(contentsOfFile: fixture.rejected + "/" + name, encoding: .utf8))
        }
        // The daemon's own crash report (the Swift runtime's backtrace on stderr, which the
        // journal keeps) holds none either.
        daemon.signal(SIGABRT)
        _ = await daemon.waitForExit()
        #expect(daemon.log.contains("crashed"), "the crash report was written: the test can fail")
        outputs[0] = daemon.log
        #expect(outputs.count == 7)
        #expect(outputs[0].contains("it said on stderr: KeyError: refused token ***"), "the plugin's crash message is shown, redacted")
        #expect(outputs[1].contains("unknown token in"), "the echoed error is shown, redacted")
        for secret in [signing, urlToken, discordToken, slackToken, teamsSig, mastodonToken, blueskyPassword, telegramToken,
                       matrixToken, ntfyTopic, ntfyToken, pluginToken] {
            for output in outputs {
                #expect(!output.contains(secret), "a secret leaked into: \(output.prefix(300))")
            }
        }
        #expect(outputs.contains { $0.contains("***") })
        await daemon.killNow()
        await echo.stop()
    }
}
