import Foundation
import Testing
import TrobadorTestSupport

/// The real daemon publishing, correcting and retracting the rich French post on the Telegram
/// and Matrix stand-ins: the receipts reach `history`, edits and deletions reach the
/// recorded messages, and no token reaches the log.
@Suite("telegram and matrix through the daemon")
struct TelegramAndMatrixDaemonTests {
    static func config(telegram: String, matrix: String) -> String {
        """
        [spool]
        dir = "spool"

        [state]
        path = "spool/state.sqlite"

        [delivery]
        defaults = ["telegram", "matrix"]

        [[channel]]
        name = "telegram"
        type = "telegram"
        url = "\(telegram)"
        token = { env = "CHAT_DAEMON_TELEGRAM_TOKEN" }
        chat_id = "\(TelegramStandIn.chatID)"

        [[channel]]
        name = "matrix"
        type = "matrix"
        url = "\(matrix)"
        token = { env = "CHAT_DAEMON_MATRIX_TOKEN" }
        room = "\(MatrixStandIn.room)"
        """
    }

    static func post(action: String, body: String) -> String {
        """
        ---
        id: jep-2026
        action: \(action)
        title: "Journées du patrimoine 2026 : l'Occitanie ouvre ses portes"
        link: https://www.example.org/agenda/journees-europeennes-du-patrimoine-2026
        lang: fr
        media:
          - file: affiche.png
            alt: "\(ChatRichPost.alt)"
        ---
        \(body)
        """
    }

    @Test func publishes_corrects_and_retracts_the_rich_post_on_both() async throws {
        let telegram = try await TelegramStandIn()
        let matrix = try await MatrixStandIn()
        let directory = try TemporaryDirectory("chat-daemon")
        defer { directory.remove() }
        try directory.write("trobador.toml", Self.config(telegram: telegram.url, matrix: matrix.url))
        setenv("CHAT_DAEMON_TELEGRAM_TOKEN", TelegramStandIn.token, 1)
        setenv("CHAT_DAEMON_MATRIX_TOKEN", MatrixStandIn.token, 1)
        let daemon = try TrobadorDaemon(in: directory.path)
        #expect(await daemon.waitUntilReady())

        func submit(_ action: String, _ body: String, as name: String) async throws {
            try directory.write("\(name)/post.md", Self.post(action: action, body: body))
            try Data(ChatRichPost.image).write(to: URL(fileURLWithPath: directory.file("\(name)/affiche.png")))
            let submitted = try await TrobadorBinary.run(["submit", name], in: directory.path)
            #expect(submitted.status == 0, "\(submitted.err)")
        }

        try await submit("publish", ChatRichPost.body, as: "jep-2026")
        #expect(await daemon.waitForLog { log in
            ["telegram", "matrix"].allSatisfy { log.contains("event=delivered post=jep-2026 channel=\($0) ") }
        }, "\(daemon.log)")
        #expect(telegram.visible.map(\.kind) == [.text, .photo])
        #expect(matrix.timeline.map { $0.content["msgtype"] as? String } == ["m.text", "m.image"])

        let history = try await TrobadorBinary.run(["history", "jep-2026"], in: directory.path).out
        #expect(history.contains("https://t.me/region_occitanie/100"), "\(history)")
        #expect(history.contains("https://matrix.to/#/\(MatrixStandIn.room)/\(matrix.events[0].id)"), "\(history)")

        try await submit("update", ChatRichPost.body.replacingOccurrences(of: "1 200", with: "1 300"), as: "jep-2026-v2")
        #expect(await daemon.waitForLog { log in
            ["telegram", "matrix"].allSatisfy { log.contains("event=updated post=jep-2026 channel=\($0) ") }
        }, "\(daemon.log)")
        #expect(daemon.log.contains("event=updated post=jep-2026 channel=telegram attempt=1 http=200 "), "an unchanged caption is no error")
        #expect(telegram.messages[0].text.contains("plus de 1 300 monuments"))
        #expect(matrix.shown(matrix.events[0].id)?.contains("plus de 1 300 monuments") == true)

        try directory.write("retrait.md", "---\nid: jep-2026\naction: retract\n---\n")
        #expect(try await TrobadorBinary.run(["submit", "retrait.md"], in: directory.path).status == 0)
        #expect(await daemon.waitForLog { log in
            ["telegram", "matrix"].allSatisfy { log.contains("event=retracted post=jep-2026 channel=\($0) ") }
        }, "\(daemon.log)")
        #expect(telegram.visible.isEmpty)
        #expect(matrix.timeline.isEmpty)

        for secret in [TelegramStandIn.token, MatrixStandIn.token] { #expect(!daemon.log.contains(secret)) }
        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
        await daemon.killNow()
        unsetenv("CHAT_DAEMON_TELEGRAM_TOKEN")
        unsetenv("CHAT_DAEMON_MATRIX_TOKEN")
        await telegram.stop()
        await matrix.stop()
    }
}
