import Foundation
import Testing
import TrobadorTestSupport

/// Updates and retractions on channels that cannot edit or delete, through the real binary:
/// `on_update` decides per channel, the log, `status` and `history` say what was done; and
/// `retract_on_expiry` retracts a published post once its `expires_at` has passed, across a
/// restart. The channels are declared by type only (`type = "slack"`), so the same holds
/// whether Slack is a built-in adapter or a plugin of that name.
@Suite("end to end: corrections on channels that cannot edit, retraction on expiry")
struct CorrectionEndToEndTests {
    static let slackToken = "xoxSlackWebhookSecret2026"

    /// An incoming webhook answers `200 ok` in plain text, as Slack does.
    static func slackWebhook() async throws -> LoopbackReceiver {
        try await LoopbackReceiver { _, _ in .init(status: 200, headers: ["Content-Type": "text/plain"], body: "ok") }
    }

    static func post(_ id: String, action: String, title: String, extra: String = "") -> String {
        """
        ---
        id: \(id)
        action: \(action)
        title: "\(title)"
        link: https://www.example.org/agenda/\(id)
        lang: fr
        \(extra)---
        Le concert de la **Fête de la musique** a lieu place du Capitole 🎶.

        """
    }

    @Test func a_slack_update_follows_each_channels_choice_and_a_retraction_names_the_copy_to_remove() async throws {
        let corrected = try await Self.slackWebhook()
        let skipped = try await Self.slackWebhook()
        let fixture = try EndToEndFixture("slack-corrections")
        defer { fixture.remove() }
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["slack-rectifie", "slack-muet"]
            on_update = "skip"

            [[channel]]
            name = "slack-rectifie"
            type = "slack"
            url = "\(corrected.url)/services/T0001/B0001/\(Self.slackToken)"
            on_update = "new"

            [[channel]]
            name = "slack-muet"
            type = "slack"
            url = "\(skipped.url)/services/T0002/B0002/\(Self.slackToken)"
            """)
        let daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitUntilReady())

        try fixture.directory.write("v1.md", Self.post("fete-2026", action: "publish", title: "Fête de la musique le 20 juin"))
        #expect(try await fixture.trobador(["submit", "v1.md"]).status == 0)
        #expect(await daemon.waitForLog { log in
            ["slack-rectifie", "slack-muet"].allSatisfy { log.contains("event=delivered post=fete-2026 channel=\($0) ") }
        }, "\(daemon.log)")

        try fixture.directory.write("v2.md", Self.post("fete-2026", action: "update", title: "Fête de la musique le 21 juin"))
        #expect(try await fixture.trobador(["submit", "v2.md"]).status == 0)
        #expect(await daemon.waitForLog { log in
            log.contains("event=updated post=fete-2026 channel=slack-rectifie ") && log.contains("event=skipped post=fete-2026 channel=slack-muet ")
        }, "\(daemon.log)")
        let updated = try #require(daemon.lines(event: "updated").first)
        #expect(updated.contains("cannot edit a published message") && updated.contains("published as a new message"), "\(updated)")
        let skip = try #require(daemon.lines(event: "skipped").first)
        #expect(skip.contains("level=warning") && skip.contains("not sent") && skip.contains("on_update"), "\(skip)")

        // "new": a second message, visibly a correction; "skip": nothing more.
        #expect(corrected.count == 2)
        let correction = try #require(corrected.requests.last?.json?["text"] as? String)
        #expect(correction.contains("Rectificatif") && correction.contains("21 juin"), "\(correction)")
        #expect(skipped.count == 1)

        try fixture.directory.write("retrait.md", "---\nid: fete-2026\naction: retract\n---\n")
        #expect(try await fixture.trobador(["submit", "retrait.md"]).status == 0)
        #expect(await daemon.waitForLog { log in
            ["slack-rectifie", "slack-muet"].allSatisfy { log.contains("event=failed post=fete-2026 channel=\($0) ") }
        }, "\(daemon.log)")
        #expect(daemon.lines(event: "failed").allSatisfy { $0.contains("cannot delete a published message") && $0.contains("remove it by hand") })
        #expect(corrected.count == 2 && skipped.count == 1, "nothing is sent for a retraction Slack cannot perform")

        let status = try await fixture.trobador(["status"]).out
        #expect(status.contains("Published copies to remove by hand"), "\(status)")
        #expect(status.contains("fete-2026 → slack-rectifie: update as a new message"), "\(status)")
        #expect(status.contains("fete-2026 → slack-muet: update skipped"), "\(status)")
        #expect(status.contains("fete-2026 → slack-rectifie") && status.contains("fete-2026 → slack-muet"), "\(status)")

        let history = try await fixture.trobador(["history", "fete-2026", "--sent"]).out
        #expect(history.contains("update as a new message"), "\(history)")
        #expect(history.contains("update skipped") && history.contains("nothing sent"), "\(history)")
        #expect(history.contains("retraction left to an operator"), "\(history)")
        #expect(history.contains("sent: POST \(corrected.url)/services/T0001/B0001/*** → HTTP 200"), "\(history)")
        #expect(history.contains("Rectificatif"), "the body as sent, with --sent: \(history)")
        for output in [history, status, daemon.log] { #expect(!output.contains(Self.slackToken)) }

        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        await corrected.stop()
        await skipped.stop()
    }

    @Test func a_published_post_is_retracted_once_its_expires_at_passes_even_across_a_restart() async throws {
        let receiver = try await LoopbackReceiver()
        let fixture = try EndToEndFixture("retract-on-expiry")
        defer { fixture.remove() }
        try fixture.writeConfiguration(webhooks: [("agenda", receiver.url + "/hook")], extra: "retract_on_expiry = true")
        var daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitUntilReady())

        let expiry = Date().addingTimeInterval(6)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let stamp = formatter.string(from: expiry).replacingOccurrences(of: "Z", with: "+00:00")
        try fixture.dropRenamed("concert.md", Self.post("concert-ephemere", action: "publish", title: "Concert ce soir", extra: "expires_at: \(stamp)\n"))
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=concert-ephemere channel=agenda ") }, "\(daemon.log)")
        #expect(!daemon.log.contains("event=expired"), "not before its expires_at")

        // Stopped before the expiry, started again after it: the retraction was on disk.
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        let wait = expiry.timeIntervalSinceNow + 1
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitForLog { log in
            log.contains("event=expired post=concert-ephemere channel=agenda ") && log.contains("event=retracted post=concert-ephemere channel=agenda ")
        }, "\(daemon.log)")
        #expect(daemon.lines(event: "expired").first?.contains("retract_on_expiry") == true)
        #expect(receiver.requests.map { $0.json?["action"] as? String } == ["publish", "retract"])

        let history = try await fixture.trobador(["history", "concert-ephemere"]).out
        #expect(history.contains("version 2: retract") && history.contains("(expires_at passed; retract_on_expiry)"), "\(history)")
        #expect(history.contains("agenda (version 2, retract): retracted"), "\(history)")

        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        await receiver.stop()
    }
}

/// A retraction that arrives while the post waits for its `publish_at`.
@Suite("end to end: a retraction before publish_at")
struct RetractionBeforePublicationEndToEndTests {
    @Test func a_retraction_dropped_before_publish_at_cancels_it_and_nothing_is_sent_anywhere() async throws {
        let agenda = try await LoopbackReceiver()
        let presse = try await LoopbackReceiver()
        let fixture = try EndToEndFixture("retract-before-publish-at")
        defer { fixture.remove() }
        try fixture.writeConfiguration(webhooks: [("agenda", agenda.url + "/hook"), ("presse", presse.url + "/hook")])
        let daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitUntilReady())

        let publishAt = Date().addingTimeInterval(3)
        let formatter = ISO8601DateFormatter()
        let stamp = formatter.string(from: publishAt).replacingOccurrences(of: "Z", with: "+00:00")
        try fixture.dropRenamed("annonce.md", EndToEndFixture.post(id: "annonce-prematuree", number: 5)
            .replacingOccurrences(of: "lang: fr\n", with: "lang: fr\npublish_at: \(stamp)\n"))
        #expect(await daemon.waitForLog { $0.contains("event=scheduled post=annonce-prematuree") || $0.contains("event=accepted post=annonce-prematuree") }, "\(daemon.log)")

        let retract = try await fixture.trobador(["retract", "annonce-prematuree"])
        #expect(retract.status == 0, "\(retract.err)")
        #expect(await daemon.waitForLog { log in
            ["agenda", "presse"].allSatisfy { log.contains("event=retracted post=annonce-prematuree channel=\($0) ") }
        }, "\(daemon.log)")

        // Past publish_at, and a moment more: nothing went out, on either channel.
        let wait = publishAt.timeIntervalSinceNow + 1.5
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        #expect(agenda.count == 0 && presse.count == 0)
        #expect(!daemon.log.contains("event=delivered"), "\(daemon.log)")
        let history = try await fixture.trobador(["history", "annonce-prematuree"]).out
        #expect(history.contains("agenda (version 1, publish): cancelled") && history.contains("presse (version 1, publish): cancelled"), "\(history)")
        #expect(history.contains("agenda (version 2, retract): cancelled"), "\(history)")
        #expect(history.contains("not sent: withdrawn before it was published"), "\(history)")
        #expect(!history.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("sent: ") },
                "no request in the audit trail: \(history)")

        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        await agenda.stop()
        await presse.stop()
    }
}

/// A network added as a plugin that declares only how to publish: no update, no delete.
@Suite("end to end: a plugin that can neither edit nor delete")
struct PublishOnlyPluginEndToEndTests {
    static let plugin: [String: String] = [
        "plugin.toml": """
            summary = "Town noticeboard: publishes, cannot edit or remove"

            [settings.url]
            kind = "url"
            required = true
            help = "the API base"

            [capabilities]
            format = "plain"
            max_length = 1000

            [create]
            method = "POST"
            url = "{{{settings.url}}}/notices"
            body_file = "notice.json"

            [create.response]
            remote_id = "/id"
            url = "/link"
            """,
        "notice.json": "{\"text\": \"{{text}}\"}\n",
        "README.md": "# noticeboard\n",
    ]

    @Test func a_correction_is_published_anew_and_every_copy_is_named_for_removal_by_hand() async throws {
        let board = try await LoopbackReceiver { _, index in
            .init(status: 201, body: #"{"id": "n-\#(index)", "link": "https://panneau.example.org/n-\#(index)"}"#)
        }
        let fixture = try EndToEndFixture("publish-only-plugin")
        defer { fixture.remove() }
        try PluginEndToEndTests.writePlugin("noticeboard", Self.plugin, into: fixture.root + "/my-plugins")
        try fixture.directory.write("trobador.toml", """
            plugin_dirs = ["my-plugins"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["panneau"]

            [[channel]]
            name = "panneau"
            type = "noticeboard"
            url = "\(board.url)/api"
            """)
        let daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitUntilReady())
        try fixture.directory.write("v1.md", CorrectionEndToEndTests.post("vide-grenier", action: "publish", title: "Vide-grenier samedi"))
        #expect(try await fixture.trobador(["submit", "v1.md"]).status == 0)
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=vide-grenier channel=panneau ") }, "\(daemon.log)")
        try fixture.directory.write("v2.md", CorrectionEndToEndTests.post("vide-grenier", action: "update", title: "Vide-grenier dimanche"))
        #expect(try await fixture.trobador(["submit", "v2.md"]).status == 0)
        #expect(await daemon.waitForLog { $0.contains("event=updated post=vide-grenier channel=panneau ") }, "\(daemon.log)")
        #expect(board.count == 2)
        #expect((board.requests.last?.json?["text"] as? String)?.contains("Rectificatif") == true)

        #expect(try await fixture.trobador(["retract", "vide-grenier"]).status == 0)
        #expect(await daemon.waitForLog { $0.contains("event=failed post=vide-grenier channel=panneau ") }, "\(daemon.log)")
        let failed = try #require(daemon.lines(event: "failed").first)
        #expect(failed.contains("url=https://panneau.example.org/n-1") && failed.contains("remove it by hand"), "\(failed)")
        #expect(board.count == 2)
        let status = try await fixture.trobador(["status"]).out
        #expect(status.contains("vide-grenier → panneau: https://panneau.example.org/n-0 https://panneau.example.org/n-1"), "\(status)")

        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        await board.stop()
    }
}
