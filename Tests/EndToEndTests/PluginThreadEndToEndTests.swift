import Foundation
import Testing
import TrobadorTestSupport

/// A shipped declarative plugin with `threads = true`, run by the real binary.
@Suite("Plugin threads, end to end", .serialized)
struct PluginThreadEndToEndTests {
    @Test func a_long_post_becomes_a_thread_resumed_after_a_503_and_a_retraction_deletes_every_part() async throws {
        let fixture = try EndToEndFixture("plugin-thread")
        defer { fixture.remove() }
        // Mattermost's posts API as the bot sees it; the second creation is refused once (503).
        let creations = Locked(0)
        let receiver = try await LoopbackReceiver { request, _ in
            switch request.method {
            case "POST":
                let number = creations.withLock { $0 += 1; return $0 }
                if number == 2 { return .init(status: 503, headers: ["Retry-After": "1"], body: "") }
                let id = "post\(number)" + String(repeating: "x", count: 26 - "post\(number)".count)
                return .init(status: 201, headers: ["Content-Type": "application/json"], body: #"{"id": "\#(id)", "message": "..."}"#)
            case "DELETE":
                return .init(headers: ["Content-Type": "application/json"], body: #"{"status": "OK"}"#)
            default:
                return .init(status: 404, body: #"{"id": "api.context.404.app_error", "message": "Sorry, we could not find the page."}"#)
            }
        }
        defer { Task { await receiver.stop() } }
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["mm"]
            first_retry = "1s"

            [[channel]]
            name = "mm"
            type = "mattermost-bot"
            url = "\(receiver.url)"
            token = "bot-token-123"
            channel_id = "4xp9fdt77pncbef59f4k1qe83o"
            """)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        let paragraphs = (1...40).map { "Paragraphe \($0) : " + String(repeating: "la saison culturelle continue en Occitanie. ", count: 25) }
        try fixture.dropRenamed("saison.md", "---\nid: saison-2026\ntitle: \"La saison 2026\"\ntags: [culture]\n---\n"
            + paragraphs.joined(separator: "\n\n") + "\n")
        #expect(await daemon.waitForLog(timeout: .seconds(60)) { $0.contains("event=delivered post=saison-2026 channel=mm") }, "\(daemon.log)")
        #expect(daemon.log.contains("event=retrying post=saison-2026 channel=mm"), "the 503 on part 2 is retried")

        let posts = receiver.requests.filter { $0.method == "POST" }
        let accepted = posts.enumerated().filter { $0.offset != 1 }.map(\.element)
        #expect(accepted.count >= 3)
        #expect(accepted[0].json?["root_id"] == nil)
        let firstID = "post1" + String(repeating: "x", count: 21)
        #expect(accepted.dropFirst().allSatisfy { $0.json?["root_id"] as? String == firstID }, "the parts reply to the first")
        #expect(posts[1].json?["message"] as? String == posts[2].json?["message"] as? String, "part 2 is sent again, part 1 is not")
        #expect(posts.filter { ($0.json?["message"] as? String)?.hasPrefix("**La saison 2026**") == true }.count == 1)

        let history = try await fixture.trobador(["history", "saison-2026"])
        #expect(history.out.contains("remote id: \(firstID)"), "\(history.out)")

        let retract = try await fixture.trobador(["retract", "saison-2026"])
        #expect(retract.status == 0, "\(retract.err)")
        #expect(await daemon.waitForLog { $0.contains("event=retracted post=saison-2026 channel=mm") }, "\(daemon.log)")
        let ids = (1...posts.count).filter { $0 != 2 }.map { "post\($0)" + String(repeating: "x", count: 26 - "post\($0)".count) }
        #expect(receiver.requests.filter { $0.method == "DELETE" }.map(\.path) == ids.reversed().map { "/api/v4/posts/\($0)" })
        #expect(!daemon.log.contains("bot-token-123"))
        await daemon.killNow()
    }
}
