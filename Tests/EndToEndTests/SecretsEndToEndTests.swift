import Foundation
import Testing
import TrobadorTestSupport

@Suite("Secrets stay secret")
struct SecretsEndToEndTests {
    @Test func no_configured_secret_appears_in_logs_error_files_preview_status_or_history() async throws {
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
        try fixture.directory.write("signing.secret", signing + "\n")
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["intranet", "discord", "slack", "teams", "mastodon", "bluesky", "telegram", "matrix", "ntfy"]
            max_attempts = 1

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
        let channels = ["intranet", "discord", "slack", "teams", "mastodon", "bluesky", "telegram", "matrix", "ntfy"]
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
        #expect(outputs.count == 7)
        #expect(outputs[1].contains("unknown token in"), "the echoed error is shown, redacted")
        for secret in [signing, urlToken, discordToken, slackToken, teamsSig, mastodonToken, blueskyPassword, telegramToken,
                       matrixToken, ntfyTopic, ntfyToken] {
            for output in outputs {
                #expect(!output.contains(secret), "a secret leaked into: \(output.prefix(300))")
            }
        }
        #expect(outputs.contains { $0.contains("***") })
        await daemon.killNow()
        await echo.stop()
    }
}
