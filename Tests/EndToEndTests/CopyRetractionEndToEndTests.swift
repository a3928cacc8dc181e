import Foundation
import Testing
import TrobadorTestSupport

/// A network added as a plugin folder that can delete but not edit, speaking Gotify's API:
/// an update is published as a new message marked as a correction, and a retraction deletes
/// both copies, the correction first, on the ids the server gave; cut short by a 503, it goes
/// on without deleting the correction twice.
@Suite("end to end: a retraction deletes every copy on a plugin that can delete but not edit")
struct CopyRetractionEndToEndTests {
    static let plugin: [String: String] = [
        "plugin.toml": """
            summary = "Push notices: published, deleted on retraction, never edited"

            [settings.url]
            kind = "url"
            required = true
            help = "the server, without a trailing slash"

            [settings.token]
            kind = "string"
            required = true
            secret = true
            help = "the application token, to publish"

            [settings.client_token]
            kind = "string"
            required = true
            secret = true
            help = "a client token, to delete"

            [capabilities]
            format = "plain"
            max_length = 4000

            [create]
            method = "POST"
            url = "{{{settings.url}}}/message"
            body_file = "create.json"

            [create.headers]
            X-Gotify-Key = "{{settings.token}}"

            [create.response]
            remote_id = "/id"
            error = "/errorDescription"

            [delete]
            method = "DELETE"
            url = "{{{settings.url}}}/message/{{remote_id}}"

            [delete.headers]
            X-Gotify-Key = "{{settings.client_token}}"

            [delete.response]
            error = "/errorDescription"
            """,
        "create.json": "{\"title\": \"{{title}}\", \"message\": \"{{text}}\", \"priority\": 5}\n",
        "README.md": "# notices\n",
    ]

    @Test func publish_update_retract_deletes_the_correction_then_the_first_publication() async throws {
        let gotify = try await GotifyStandIn()
        let fixture = try EndToEndFixture("copies-retraction")
        defer { fixture.remove() }
        try PluginEndToEndTests.writePlugin("notices", Self.plugin, into: fixture.root + "/my-plugins")
        try fixture.directory.write("trobador.toml", """
            plugin_dirs = ["my-plugins"]

            [spool]
            dir = "spool"

            [delivery]
            defaults = ["push"]
            first_retry = "1s"

            [[channel]]
            name = "push"
            type = "notices"
            url = "\(gotify.url)"
            token = "\(GotifyStandIn.appToken)"
            client_token = "\(GotifyStandIn.clientToken)"
            """)
        let daemon = try TrobadorDaemon(in: fixture.root)
        #expect(await daemon.waitUntilReady())

        try fixture.directory.write("v1.md", CorrectionEndToEndTests.post("fete-2026", action: "publish", title: "Fête de la musique le 20 juin"))
        #expect(try await fixture.trobador(["submit", "v1.md"]).status == 0)
        #expect(await daemon.waitForLog { $0.contains("event=delivered post=fete-2026 channel=push ") }, "\(daemon.log)")
        try fixture.directory.write("v2.md", CorrectionEndToEndTests.post("fete-2026", action: "update", title: "Fête de la musique le 21 juin"))
        #expect(try await fixture.trobador(["submit", "v2.md"]).status == 0)
        #expect(await daemon.waitForLog { $0.contains("event=updated post=fete-2026 channel=push ") }, "\(daemon.log)")
        let messages = gotify.state.withLock { $0.messages }
        #expect(messages.keys.sorted() == [1, 2], "the correction is a second message")
        #expect(messages[2]?.hasPrefix("Rectificatif") == true, "\(messages)")

        // The first publication's deletion meets a 503 once; the correction is deleted by then.
        gotify.state.withLock { $0.failNextDeletes = [1] }
        #expect(try await fixture.trobador(["retract", "fete-2026"]).status == 0)
        #expect(await daemon.waitForLog { $0.contains("event=retracted post=fete-2026 channel=push ") }, "\(daemon.log)")
        #expect(gotify.calls == ["POST /message", "POST /message", "DELETE /message/2", "DELETE /message/1", "DELETE /message/1"])
        #expect(gotify.requests.filter { $0.method == "DELETE" }.allSatisfy { $0.header("x-gotify-key") == GotifyStandIn.clientToken })
        #expect(gotify.state.withLock { $0.deleted } == [2, 1])
        #expect(gotify.state.withLock { $0.messages }.isEmpty, "nothing of the post stays online")

        let retrying = try #require(daemon.lines(event: "retrying").first)
        #expect(retrying.contains("deleting the first publication (id 1)") && retrying.contains("already deleted: the correction published as a new message (id 2)"), "\(retrying)")
        let retracted = try #require(daemon.lines(event: "retracted").first)
        #expect(retracted.contains("deleted all 2 copies, newest first: the correction published as a new message (id 2), the first publication (id 1)"), "\(retracted)")

        let history = try await fixture.trobador(["history", "fete-2026"]).out
        #expect(history.contains("push (version 3, retract): retracted"), "\(history)")
        #expect(history.contains("deleted all 2 copies, newest first"), "\(history)")
        #expect(history.contains("sent: DELETE \(gotify.url)/message/2 → HTTP 200"), "\(history)")
        #expect(history.contains("sent: DELETE \(gotify.url)/message/1 → HTTP 503"), "\(history)")
        #expect(history.contains("sent: DELETE \(gotify.url)/message/1 → HTTP 200"), "\(history)")
        let status = try await fixture.trobador(["status"]).out
        #expect(!status.contains("to remove by hand"), "\(status)")
        for output in [history, status, daemon.log] {
            #expect(!output.contains(GotifyStandIn.appToken) && !output.contains(GotifyStandIn.clientToken))
        }

        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        await gotify.stop()
    }
}
