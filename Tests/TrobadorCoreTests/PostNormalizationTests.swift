import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

/// The same accented post saved in each Unicode normalisation form: NFC (most editors),
/// NFD (macOS), NFKC, NFKD. Canonical forms are the same post, rendered and counted the
/// same way; compatibility forms are different text and stay different.
@Suite struct PostNormalizationTests {
    static let text = """
        ---
        id: fete-2026
        title: "Fête de la musique à Montpellier : été 2026"
        tags: [culture, Fête]
        summary: "Concerts gratuits, théâtre et cinéma en plein air à Nîmes et Béziers."
        ---
        Le 21 juin, **plus de 300 concerts** : électro, opéra, fanfares occitanes 🎶. Où ? Partout en Occitanie, même à Sète. \
        Réservez vite votre café-théâtre préféré, c'est l'été ! https://www.example.org/agenda/fete #FêteDeLaMusique #Région

        """

    static func form(_ text: String, _ name: String) -> String {
        switch name {
        case "NFC": text.precomposedStringWithCanonicalMapping
        case "NFD": text.decomposedStringWithCanonicalMapping
        case "NFKC": text.precomposedStringWithCompatibilityMapping
        default: text.decomposedStringWithCompatibilityMapping
        }
    }

    @Test func every_normalisation_form_of_the_same_accented_post_gives_the_same_id_text_parts_and_hash() throws {
        let forms = ["NFC", "NFD", "NFKC", "NFKD"].map { ($0, Self.form(Self.text, $0)) }
        #expect(Set(forms.map { Array($0.1.utf8) }).count == 2, "the test really feeds different bytes (NFC = NFKC here)")
        let directory = try TemporaryDirectory("normal")
        defer { directory.remove() }
        var loaded: [(String, LoadedPost)] = []
        for (name, text) in forms {
            try directory.write(name + ".md", text)
            loaded.append((name, try PostParser(rules: PostRules()).load(entry: directory.file(name + ".md"))))
        }
        let reference = loaded[0].1
        for (name, other) in loaded.dropFirst() {
            #expect(other.post.id == reference.post.id, "\(name)")
            #expect(Array((other.post.title ?? "").utf8) == Array((reference.post.title ?? "").utf8), "\(name): title bytes")
            #expect(Array(other.post.body.utf8) == Array(reference.post.body.utf8), "\(name): body bytes")
            #expect(other.post.tags == reference.post.tags, "\(name)")
            #expect(other.contentHash == reference.contentHash, "\(name): a duplicate, not a different post under the same id")
            for rule in [LengthRule.graphemes, .utf16, .unicodeScalars, .utf8Bytes, .mastodon()] {
                #expect(rule.count(other.post.body) == rule.count(reference.post.body), "\(name): counted alike by \(rule)")
                #expect(TextSplitter.split(other.post.body, limit: 80, rule: rule, numbered: true)
                        == TextSplitter.split(reference.post.body, limit: 80, rule: rule, numbered: true), "\(name): same thread by \(rule)")
            }
        }
        #expect(reference.post.body.unicodeScalars.contains("\u{EA}"), "stored precomposed: ê is one character")
    }

    @Test func compatibility_forms_are_not_applied_to_text_that_differs_under_them() throws {
        let original = "---\ntitle: \"Le 1ᵉʳ juin : 30 m² de fresque ﬁnie\"\n---\nCorps.\n"
        let asWritten = try parsePost(original)
        #expect(asWritten.title == "Le 1ᵉʳ juin : 30 m² de fresque ﬁnie", "NFC leaves ᵉʳ, ² and ﬁ alone")
        let compatibility = try parsePost(original.precomposedStringWithCompatibilityMapping)
        #expect(compatibility.title == "Le 1er juin : 30 m2 de fresque finie")
        #expect(Array(compatibility.title!.utf8) != Array(asWritten.title!.utf8))
    }
}
