import Foundation
import Testing
import TrobadorTestSupport

@Suite("trobador check")
struct CheckEndToEndTests {
    @Test func reports_configuration_and_post_problems_as_path_line_column_and_fails() async throws {
        let fixture = try EndToEndFixture("check")
        defer { fixture.remove() }
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [[channel]]
            name = "intranet"
            type = "webhook"
            url = "http://127.0.0.1:9/hook"
            tagz = ["culture"]
            """)
        let badConfig = try await fixture.trobador(["check"])
        #expect(badConfig.status != 0)
        #expect(badConfig.err.contains("trobador.toml:8:1:"), "\(badConfig.err)")
        #expect(badConfig.err.contains("tags"))

        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["intranet"]

            [[channel]]
            name = "intranet"
            type = "webhook"
            url = "http://127.0.0.1:9/hook"
            """)
        try fixture.directory.write("bon.md", EndToEndFixture.post(id: "bon", number: 1))
        try fixture.directory.write("mauvais.md", "---\ntitle: Fête\npublish_at: demain\n---\nCorps.\n")
        let posts = try await fixture.trobador(["check", "bon.md", "mauvais.md"])
        #expect(posts.status == 1)
        #expect(posts.out.contains("bon.md: ok (publish bon)"))
        #expect(posts.err.contains("mauvais.md:3:"), "\(posts.err)")
        #expect(posts.err.contains("publish_at"))
        // No network, nothing placed anywhere.
        #expect(!FileManager.default.fileExists(atPath: fixture.inbox))

        let good = try await fixture.trobador(["check", "bon.md"])
        #expect(good.status == 0, "\(good.err)")
        #expect(good.out.contains("trobador.toml: ok (1 channel enabled)"))
    }
}
