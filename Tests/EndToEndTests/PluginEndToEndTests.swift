import Foundation
import Testing
import TrobadorTestSupport

/// A network added by writing a folder, and the real binary using it.
@Suite("Channel plugins, end to end", .serialized)
struct PluginEndToEndTests {
    /// A regional intranet's news API, as its documentation would describe it: JSON in,
    /// `{"data": {"id", "link"}}` out, Bearer token, PUT to edit, DELETE to remove.
    static let intranetPlugin: [String: String] = [
        "plugin.toml": """
            summary = "Intranet news API"

            [settings.url]
            kind = "url"
            required = true
            help = "the API base"

            [settings.token]
            kind = "string"
            required = true
            secret = true
            help = "the API token"

            [settings.section]
            kind = "string"
            help = "where the news goes"

            [capabilities]
            format = "plain"
            max_length = 2000
            contents = ["event", "link", "tags"]
            idempotency_key = "X-Request-Id"

            [create]
            method = "POST"
            url = "{{{settings.url}}}/news"
            body_file = "news.json"

            [create.headers]
            Authorization = "Bearer {{settings.token}}"
            X-Request-Id = "{{idempotency_key}}"

            [create.response]
            remote_id = "/data/id"
            url = "/data/link"
            error = "/error/message"

            [update]
            method = "PUT"
            url = "{{{settings.url}}}/news/{{remote_id}}"
            body_file = "news.json"

            [update.headers]
            Authorization = "Bearer {{settings.token}}"

            [delete]
            method = "DELETE"
            url = "{{{settings.url}}}/news/{{remote_id}}"

            [delete.headers]
            Authorization = "Bearer {{settings.token}}"
            """,
        "news.json": """
            {
              "headline": "{{title}}",
              "content": "{{text}}",
              "section": "{{settings.section}}",
              "tags": [{{#tags}}"{{.}}"{{^last()}}, {{/last()}}{{/tags}}]
            }

            """,
        "README.md": "# intranet-news\n",
    ]

    static func writePlugin(_ name: String, _ files: [String: String], into directory: String, executable: [String] = []) throws {
        for (file, text) in files {
            let path = directory + "/" + name + "/" + file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            if executable.contains(file) { chmod(path, 0o755) }
        }
    }

    @Test func a_new_network_added_as_a_folder_publishes_edits_and_deletes_as_declared() async throws {
        let fixture = try EndToEndFixture("plugin-network")
        defer { fixture.remove() }
        let receiver = try await LoopbackReceiver { received, _ in
            received.method == "POST"
                ? .init(status: 201, body: #"{"data": {"id": "n-981", "link": "https://intranet.example.org/news/n-981"}}"#)
                : .init(status: 204, body: "")
        }
        defer { Task { await receiver.stop() } }
        try Self.writePlugin("intranet-news", Self.intranetPlugin, into: fixture.root + "/my-plugins")
        try fixture.directory.write("trobador.toml", """
            plugin_dirs = ["my-plugins"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["intranet"]
            first_retry = "1s"

            [[channel]]
            name = "intranet"
            type = "intranet-news"
            url = "\(receiver.url)/api"
            token = "tok-123"
            section = "Culture & loisirs"
            """)
        let check = try await fixture.trobador(["check"])
        #expect(check.status == 0, "\(check.err)")
        let channels = try await fixture.trobador(["channels"])
        #expect(channels.out.contains("intranet-news: Intranet news API"))
        #expect(channels.out.contains("from: plugin \((fixture.root as NSString).standardizingPath)/my-plugins/intranet-news"), "\(channels.out)")
        #expect(channels.out.contains("can: plain, max 2000, edit, delete, idempotent (X-Request-Id)"))

        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("fete.md", """
            ---
            id: fete-2026
            title: "Fête \\"de la musique\\" & concerts"
            tags: [culture, musique]
            link: https://www.example.org/agenda/fete?x=1&y=2
            ---
            Le 21 juin, **concerts gratuits** 🎶 partout.

            """)
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=fete-2026 channel=intranet") })
        let created = try #require(receiver.requests.first)
        #expect(created.method == "POST")
        #expect(created.path == "/api/news")
        #expect(created.header("authorization") == "Bearer tok-123")
        #expect(created.header("x-request-id")?.hasPrefix("msg_") == true)
        #expect(created.header("content-type") == "application/json")
        let body = try #require(created.json)
        #expect(body["headline"] as? String == "Fête \"de la musique\" & concerts")
        #expect(body["section"] as? String == "Culture & loisirs")
        #expect(body["tags"] as? [String] == ["culture", "musique"])
        let content = try #require(body["content"] as? String)
        #expect(content.contains("Le 21 juin, concerts gratuits 🎶 partout."))
        #expect(content.contains("https://www.example.org/agenda/fete?x=1&y=2"))
        #expect(!content.contains("Fête"), "the title goes in its own field")

        let history = try await fixture.trobador(["history", "fete-2026"])
        #expect(history.out.contains("remote id: n-981"), "\(history.out)")
        #expect(history.out.contains("url: https://intranet.example.org/news/n-981"))

        try fixture.dropRenamed("fete-v2.md", """
            ---
            id: fete-2026
            action: update
            title: "Fête de la musique : programme corrigé"
            tags: [culture]
            ---
            Le 21 juin, **concerts gratuits** dès 18 h.

            """)
        #expect(await receiver.wait { $0.contains { $0.method == "PUT" } })
        let edited = try #require(receiver.requests.first { $0.method == "PUT" })
        #expect(edited.path == "/api/news/n-981")
        #expect(edited.json?["headline"] as? String == "Fête de la musique : programme corrigé")

        let retract = try await fixture.trobador(["retract", "fete-2026"])
        #expect(retract.status == 0, "\(retract.err)")
        #expect(await receiver.wait { $0.contains { $0.method == "DELETE" } })
        #expect(receiver.requests.first { $0.method == "DELETE" }?.path == "/api/news/n-981")
        #expect(receiver.requests.first { $0.method == "DELETE" }?.header("authorization") == "Bearer tok-123")
        #expect(await daemon.waitForLog { $0.contains("event=retracted post=fete-2026 channel=intranet") })
        #expect(!daemon.log.contains("tok-123"), "the token never reaches the log")
        await daemon.killNow()
    }
}
