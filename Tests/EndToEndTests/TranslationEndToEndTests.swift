import Foundation
import Testing
import TrobadorTestSupport

@Suite("Translations and overrides, end to end")
struct TranslationEndToEndTests {
    @Test func the_occitan_channel_receives_occitan_and_the_others_french() async throws {
        let fixture = try EndToEndFixture("translations")
        defer { fixture.remove() }
        let french = try await LoopbackReceiver()
        let occitan = try await LoopbackReceiver()
        try fixture.writeConfiguration(webhooks: [("fr", french.url + "/hook"), ("oc", occitan.url + "/hook")])
        let text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            .replacingOccurrences(of: "name = \"oc\"", with: "name = \"oc\"\nlang = \"oc\"")
        try fixture.directory.write("trobador.toml", text)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        try fixture.dropRenamed("fete.md", """
            ---
            id: fete-musique-2026
            title: "Fête de la musique 2026 : l'Occitanie en fête"
            lang: fr
            translations:
              oc:
                title: "Fèsta de la musica 2026 : Occitània en fèsta"
                body: "Lo 21 de junh, mai de 300 concèrts gratuits dins tota la region 🎶."
            overrides:
              fr: { summary: "Concerts gratuits le 21 juin." }
            ---
            Le 21 juin, **plus de 300 concerts gratuits** dans toute la région 🎶.
            """)
        #expect(await french.wait { $0.count == 1 })
        #expect(await occitan.wait { $0.count == 1 })
        let fr = try #require(french.requests.first?.json)
        let oc = try #require(occitan.requests.first?.json)
        #expect(fr["lang"] as? String == "fr")
        #expect((fr["title"] as? String)?.hasPrefix("Fête de la musique") == true)
        #expect(fr["summary"] as? String == "Concerts gratuits le 21 juin.")
        #expect(oc["lang"] as? String == "oc")
        #expect(oc["title"] as? String == "Fèsta de la musica 2026 : Occitània en fèsta")
        #expect((oc["body"] as? String)?.hasPrefix("Lo 21 de junh") == true)
        // Same post, same id, on both.
        #expect(fr["id"] as? String == oc["id"] as? String)
        await daemon.killNow()
        await french.stop()
        await occitan.stop()
    }
}
