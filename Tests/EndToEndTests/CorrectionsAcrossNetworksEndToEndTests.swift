import Foundation
import Testing
import TrobadorTestSupport

/// The real binary against loopback stand-ins of Mastodon, Discord, Telegram and Matrix at
/// once: a post is published, corrected, then retracted; each network receives the creation,
/// the edit of the copy it made, and the deletion of that same copy; `history` tells all
/// three steps for each channel, with what was sent and no secret.
@Suite("end to end: publish, correct, retract on Mastodon, Discord, Telegram and Matrix")
struct CorrectionsAcrossNetworksEndToEndTests {
    static let id = "marche-noel-2026"

    static func post(action: String, date: String) -> String {
        """
        ---
        id: \(id)
        action: \(action)
        title: "Marché de Noël de Carcassonne"
        link: https://www.example.org/agenda/\(id)
        lang: fr
        ---
        Le marché de Noël ouvre le **\(date)** au pied de la Cité 🎄. Entrée libre.

        """
    }

    @Test func each_network_gets_the_create_the_edit_and_the_delete_of_the_same_copy() async throws {
        let mastodon = try await MastodonStandIn.start()
        let discord = try await DiscordStandIn()
        let telegram = try await TelegramStandIn()
        let matrix = try await MatrixStandIn()
        let fixture = try EndToEndFixture("four-networks")
        defer { fixture.remove() }
        let channels = ["mastodon", "discord", "telegram", "matrix"]
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["mastodon", "discord", "telegram", "matrix"]

            [[channel]]
            name = "mastodon"
            type = "mastodon"
            url = "\(mastodon.url)"
            token = { env = "E2E_MASTODON_TOKEN" }

            [[channel]]
            name = "discord"
            type = "discord"
            url = { env = "E2E_DISCORD_WEBHOOK" }

            [[channel]]
            name = "telegram"
            type = "telegram"
            url = "\(telegram.url)"
            token = { env = "E2E_TELEGRAM_TOKEN" }
            chat_id = "\(TelegramStandIn.chatID)"

            [[channel]]
            name = "matrix"
            type = "matrix"
            url = "\(matrix.url)"
            token = { env = "E2E_MATRIX_TOKEN" }
            room = "\(MatrixStandIn.room)"
            """)
        let secrets = [
            "E2E_MASTODON_TOKEN": mastodon.token, "E2E_DISCORD_WEBHOOK": discord.url,
            "E2E_TELEGRAM_TOKEN": TelegramStandIn.token, "E2E_MATRIX_TOKEN": MatrixStandIn.token,
        ]
        let daemon = try TrobadorDaemon(in: fixture.root, environment: secrets)
        #expect(await daemon.waitUntilReady())

        func drop(_ name: String, _ text: String, thenWaitFor event: String) async throws {
            try fixture.directory.write(name, text)
            let submitted = try await TrobadorBinary.run(["submit", name], in: fixture.root, environment: secrets)
            #expect(submitted.status == 0, "\(submitted.err)")
            #expect(await daemon.waitForLog { log in
                channels.allSatisfy { log.contains("event=\(event) post=\(Self.id) channel=\($0) ") }
            }, "\(daemon.log)")
        }

        try await drop("v1.md", Self.post(action: "publish", date: "27 novembre"), thenWaitFor: "delivered")
        let status = try #require(mastodon.statuses.first?.id)
        let message = try #require(discord.state.withLock { Array($0.messages.keys) }.first)
        let chatMessage = try #require(telegram.messages.first?.id)
        let event = try #require(matrix.events.first?.id)

        try await drop("v2.md", Self.post(action: "update", date: "28 novembre"), thenWaitFor: "updated")
        #expect(matrix.shown(event)?.contains("28 novembre") == true, "the room shows the edit in place of the message")
        try await drop("retrait.md", "---\nid: \(Self.id)\naction: retract\n---\n", thenWaitFor: "retracted")

        // Mastodon: POST, then PUT and DELETE on the status it created.
        #expect(mastodon.requests.map { "\($0.method) \($0.path)" } == [
            "POST /api/v1/statuses", "PUT /api/v1/statuses/\(status)", "DELETE /api/v1/statuses/\(status)",
        ])
        #expect(mastodon.deleted == [status])
        // Discord: the webhook's POST, then PATCH and DELETE on the message it answered with.
        let hook = "/api/webhooks/\(DiscordStandIn.webhookID)/\(DiscordStandIn.token)"
        #expect(discord.receiver.requests.map { "\($0.method) \($0.path)" } == [
            "POST \(hook)", "PATCH \(hook)/messages/\(message)", "DELETE \(hook)/messages/\(message)",
        ])
        #expect(discord.state.withLock { $0.messages.isEmpty })
        // Telegram: sendMessage, then editMessageText and deleteMessage of that message id.
        #expect(telegram.calls.map(\.method) == ["sendMessage", "editMessageText", "deleteMessage"])
        #expect(telegram.calls.dropFirst().allSatisfy { $0.parameters["message_id"] == String(chatMessage) })
        #expect(telegram.messages.first?.text.contains("28 novembre") == true)
        #expect(telegram.visible.isEmpty)
        // Matrix: the message, an m.replace of it, then its redaction.
        let edit = try #require(matrix.events.first { $0.relType == "m.replace" })
        #expect(edit.relation?["event_id"] as? String == event)
        #expect(matrix.event(event)?.redacted == true)
        #expect(matrix.receiver.requests.contains {
            $0.method == "PUT" && MatrixStandIn.split($0.target).path.contains("/redact/\(MatrixStandIn.escaped(event))/")
        })

        let history = try await TrobadorBinary.run(["history", Self.id], in: fixture.root, environment: secrets).out
        for channel in channels {
            for step in ["(version 1, publish): delivered", "(version 2, update): delivered", "(version 3, retract): retracted"] {
                #expect(history.contains("\(channel) \(step)"), "\(channel) \(step)\n\(history)")
            }
        }
        for remoteID in [status, message, String(chatMessage), event] { #expect(history.contains("remote id: \(remoteID)"), "\(history)") }
        for request in [
            "sent: PUT \(mastodon.url)/api/v1/statuses/\(status) → HTTP 200",
            "sent: DELETE \(mastodon.url)/api/v1/statuses/\(status) → HTTP 200",
            "sent: PATCH ", "sent: DELETE ", "/editMessageText → HTTP 200", "/deleteMessage → HTTP 200",
        ] {
            #expect(history.contains(request), "\(request)\n\(history)")
        }
        let withBodies = try await TrobadorBinary.run(["history", Self.id, "--sent"], in: fixture.root, environment: secrets).out
        #expect(withBodies.contains("28 novembre") && withBodies.contains("Authorization: Bearer ***"), "\(withBodies)")
        for secret in [mastodon.token, DiscordStandIn.token, TelegramStandIn.token, MatrixStandIn.token] {
            #expect(!withBodies.contains(secret) && !daemon.log.contains(secret))
        }

        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        await mastodon.stop()
        await discord.stop()
        await telegram.stop()
        await matrix.stop()
    }
}
