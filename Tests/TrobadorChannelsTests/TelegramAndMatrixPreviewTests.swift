import Foundation
import Testing
import TrobadorTestSupport

/// `trobador preview`, the real binary, on the rich French post for a Telegram and a Matrix
/// channel: what each would send, lengths as each network counts, and no secret on screen.
@Suite("telegram and matrix through trobador preview")
struct TelegramAndMatrixPreviewTests {
    static func config(tokenFile: String) -> String {
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
        url = "http://127.0.0.1:8081"
        token = { env = "TELEGRAM_TOKEN" }
        chat_id = "@region_occitanie"

        [[channel]]
        name = "matrix"
        type = "matrix"
        url = "http://127.0.0.1:8008"
        token = { file = "\(tokenFile)" }
        room = "!PatrimoineOc:example.org"
        """
    }

    static let post = """
        ---
        id: jep-2026
        title: "Journées du patrimoine 2026 : l'Occitanie ouvre ses portes"
        tags: [patrimoine, occitanie]
        link: https://www.example.org/agenda/journees-europeennes-du-patrimoine-2026
        lang: fr
        media:
          - file: affiche.png
            alt: "\(ChatRichPost.alt)"
        ---
        \(ChatRichPost.body)
        """

    @Test func shows_every_request_with_its_length_and_never_a_token() async throws {
        let directory = try TemporaryDirectory("chat-preview")
        defer { directory.remove() }
        try directory.write("trobador.toml", Self.config(tokenFile: directory.file("matrix-token")))
        try directory.write("matrix-token", MatrixStandIn.token)
        try directory.write("jep-2026/post.md", Self.post)
        try Data(ChatRichPost.image).write(to: URL(fileURLWithPath: directory.file("jep-2026/affiche.png")))
        setenv("TELEGRAM_TOKEN", TelegramStandIn.token, 1)
        defer { unsetenv("TELEGRAM_TOKEN") }

        let (status, out, err) = try await TrobadorBinary.run(["preview", "jep-2026"], in: directory.path)
        #expect(status == 0, "\(err)")
        for secret in [TelegramStandIn.token, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", MatrixStandIn.token] {
            #expect(!out.contains(secret) && !err.contains(secret))
        }
        #expect(out.contains("== telegram (telegram) =="))
        #expect(out.contains("POST http://127.0.0.1:8081/bot***/sendMessage"))
        #expect(out.contains("POST http://127.0.0.1:8081/bot***/sendPhoto"))
        #expect(out.contains("of 4096 UTF-16 units, tags not counted)"))
        #expect(out.contains("(\(ChatRichPost.alt.utf16.count) of 1024 UTF-16 units of caption)"))
        #expect(out.contains("== matrix (matrix) =="))
        #expect(out.contains("PUT http://127.0.0.1:8008/_matrix/client/v3/rooms/%21PatrimoineOc%3Aexample.org/send/m.room.message/"))
        #expect(out.contains("Authorization: Bearer ***"))
        #expect(out.contains("POST http://127.0.0.1:8008/_matrix/media/v3/upload?filename=affiche.png"))
        #expect(out.contains("of 65536 bytes of event content (UTF-8 JSON))"))
        #expect(out.contains(#""body":"\#(ChatRichPost.alt)""#))
    }
}
