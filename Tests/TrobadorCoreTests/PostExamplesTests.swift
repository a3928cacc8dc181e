import Foundation
import Testing
@testable import TrobadorCore

/// The realistic posts of /work/shared/examples: every one is accepted and reads as meant.
@Suite struct PostExamplesTests {
    @Test func french_post_with_emoji_and_quoted_colon_title_parses() throws {
        let post = try parsePost(PostExamples.carteJeune, id: "carte-jeune")
        #expect(post.id == "carte-jeune-2026-09")
        #expect(post.action == .publish)
        #expect(post.title == "Carte Jeune Région : transports à 1 € pour les 15-26 ans")
        #expect(post.tags == ["jeunesse", "transports"])
        #expect(post.link == "https://www.example.org/aides/carte-jeune")
        #expect(post.lang == "fr")
        #expect(post.summary?.hasPrefix("Trains liO à 1 €") == true)
        #expect(post.body.hasPrefix("Tu as entre 15 et 26 ans ?"))
        #expect(post.body.contains("le sport 🎟️."))
        #expect(post.body.hasSuffix("#Jeunesse #Occitanie\n"))
        #expect(post.media.isEmpty && post.publishAt == nil && post.channels == nil)
    }

    @Test func update_example_parses_as_an_update() throws {
        let post = try parsePost(PostExamples.correctionFeteMusique, id: "correction-fete-musique")
        #expect(post.id == "fete-musique-2026")
        #expect(post.action == .update)
        #expect(post.tags == ["culture", "musique", "agenda"])
        #expect(post.body.hasPrefix("Le 21 juin, **plus de 350 concerts gratuits**"))
    }

    @Test func retraction_example_needs_only_the_id() throws {
        let post = try parsePost(PostExamples.retrait, id: "retrait")
        #expect(post.id == "carte-jeune-2026-09")
        #expect(post.action == .retract)
        #expect(post.body.isEmpty)
    }

    @Test func json_example_parses_with_escaped_newlines_and_emoji() throws {
        let post = try parsePost(PostExamples.pontDuGard, format: .json, id: "pont-du-gard")
        #expect(post.id == "tourisme-pont-du-gard-automne")
        #expect(post.title == "L'automne au pont du Gard")
        #expect(post.tags == ["tourisme", "patrimoine"])
        #expect(post.body.contains("**pont du Gard** 🍂 :"))
        #expect(post.body.contains("week-end.\n\nIdées de balades"))
    }

    @Test func bundle_post_parses_every_field() throws {
        let post = try parsePost(PostExamples.feteMusiqueBundle, id: "fete-musique-2026")
        #expect(post.id == "fete-musique-2026")
        #expect(post.publishAt == (try referenceDate("2026-06-19T09:00:00+02:00")))
        #expect(post.expiresAt == (try referenceDate("2026-06-22T02:00:00+02:00")))
        #expect(post.event == PostEvent(
            start: try referenceDate("2026-06-21T18:00:00+02:00"),
            end: try referenceDate("2026-06-22T01:00:00+02:00"),
            location: "Place du Capitole, Toulouse, et dans les 13 départements"
        ))
        #expect(post.media.count == 1)
        #expect(post.media.first?.file == "affiche.png")
        #expect(post.media.first?.alt?.hasPrefix("Affiche de la Fête de la musique") == true)
        #expect(post.translations["oc"]?.title == "Fèsta de la musica 2026 : Occitània en fèsta")
        #expect(post.translations["oc"]?.body.contains("🎶") == true)
        #expect(post.body.hasPrefix("Le 21 juin, **plus de 300 concerts gratuits**"))
        #expect(post.body.contains("?utm_source=reseaux&utm_medium=social"))
    }

    @Test func bundle_folder_loads_with_its_png() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete-musique-2026/post.md", PostExamples.feteMusiqueBundle)
        try inbox.write("fete-musique-2026/affiche.png", PostExamples.affichePNG)
        let loaded = try PostParser(rules: PostRules()).load(entry: inbox.path + "/fete-musique-2026")
        #expect(loaded.format == .markdown)
        #expect(loaded.source == Array(PostExamples.feteMusiqueBundle.utf8))
        #expect(loaded.post.id == "fete-musique-2026")
        let media = try #require(loaded.media.first)
        #expect(loaded.media.count == 1)
        #expect(media.name == "affiche.png")
        #expect(media.contentType == "image/png")
        #expect(media.size == 223)
        #expect(media.alt == loaded.post.media.first?.alt)
        #expect(media.sha256.count == 64)
        #expect(loaded.contentHash.count == 64)
    }

    @Test func every_single_file_example_loads_from_an_inbox() throws {
        let inbox = try PostTemporaryDirectory()
        let files = [
            "carte-jeune.md": PostExamples.carteJeune,
            "correction-fete-musique.md": PostExamples.correctionFeteMusique,
            "pont-du-gard.json": PostExamples.pontDuGard,
            "retrait.md": PostExamples.retrait,
        ]
        for (name, text) in files {
            let path = try inbox.write(name, text)
            let loaded = try PostParser(rules: PostRules()).load(entry: path)
            #expect(loaded.format == (name.hasSuffix(".json") ? .json : .markdown))
            #expect(loaded.media.isEmpty)
        }
    }

    /// Guards the embedded copies against drift when the shared examples are beside the repository.
    @Test func embedded_examples_match_the_shared_folder_when_present() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = repository.deletingLastPathComponent().appendingPathComponent("shared/examples").path
        guard FileManager.default.fileExists(atPath: folder) else { return }
        let expected: [String: [UInt8]] = [
            "carte-jeune.md": Array(PostExamples.carteJeune.utf8),
            "correction-fete-musique.md": Array(PostExamples.correctionFeteMusique.utf8),
            "pont-du-gard.json": Array(PostExamples.pontDuGard.utf8),
            "retrait.md": Array(PostExamples.retrait.utf8),
            "fete-musique-2026/post.md": Array(PostExamples.feteMusiqueBundle.utf8),
            "fete-musique-2026/affiche.png": PostExamples.affichePNG,
        ]
        for (name, bytes) in expected {
            let data = try #require(FileManager.default.contents(atPath: folder + "/" + name))
            #expect(Array(data) == bytes, "\(name) differs from the shared example")
        }
    }
}
