import Testing
@testable import TrobadorCore

/// Bluesky facets: every offset checked by slicing the UTF-8 bytes it points at.
@Suite struct RenderFacetTests {
    /// The text a facet covers, read from the UTF-8 bytes as Bluesky does.
    func covered(_ facet: Facet, in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard facet.byteStart >= 0, facet.byteStart < facet.byteEnd, facet.byteEnd <= bytes.count else { return nil }
        return String(validating: bytes[facet.byteStart..<facet.byteEnd], as: UTF8.self)
    }

    @Test func links_and_accented_hashtags_point_at_their_bytes() throws {
        let post = try parsePost(PostExamples.feteMusiqueBundle, id: "fete-musique-2026")
        let rendered = ParsedBody(markdown: post.body).rendered(as: .bluesky)
        let url = "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social"
        #expect(rendered.facets.map(\.feature) == [
            .link(url), .tag("FeteDeLaMusique"), .tag("Occitanie"), .tag("Culture"),
        ])
        #expect(rendered.facets.map { covered($0, in: rendered.text) }
            == [url, "#FeteDeLaMusique", "#Occitanie", "#Culture"])
    }

    @Test func a_link_facet_covers_the_url_shown_after_the_link_text() {
        let rendered = ParsedBody(markdown: "Voir [la carte 🎟️](https://www.example.org/aides/carte-jeune) !")
            .rendered(as: .bluesky)
        #expect(rendered.text == "Voir la carte 🎟️ (https://www.example.org/aides/carte-jeune) !")
        #expect(rendered.facets.count == 1)
        #expect(covered(rendered.facets[0], in: rendered.text) == "https://www.example.org/aides/carte-jeune")
    }

    @Test func hashtags_with_accents_in_either_normal_form_are_tags() {
        let composed = "#Fête #Fe\u{301}te #Région_2026 #Occitània"
        let rendered = ParsedBody(markdown: composed).rendered(as: .bluesky)
        #expect(rendered.facets.map(\.feature) == [.tag("Fête"), .tag("Fe\u{301}te"), .tag("Région_2026"), .tag("Occitània")])
        for facet in rendered.facets {
            guard case .tag(let tag) = facet.feature else { continue }
            #expect(covered(facet, in: rendered.text) == "#" + tag)
        }
    }

    @Test func no_tag_inside_a_url_a_word_or_code() {
        let body = "Voir https://www.example.org/programme#samedi, C#, n°#3, `#code` et [#lien](https://example.org) #vrai."
        let rendered = ParsedBody(markdown: body).rendered(as: .bluesky)
        #expect(rendered.facets.map(\.feature) == [
            .link("https://www.example.org/programme#samedi"), .link("https://example.org"), .tag("vrai"),
        ])
        #expect(covered(rendered.facets[2], in: rendered.text) == "#vrai")
    }

    @Test func www_autolinks_get_a_facet_to_the_full_url() {
        let rendered = ParsedBody(markdown: "Site : www.example.org/agenda.").rendered(as: .bluesky)
        #expect(rendered.text == "Site : www.example.org/agenda.")
        #expect(rendered.facets == [Facet(byteStart: 7, byteEnd: 29, feature: .link("http://www.example.org/agenda"))])
    }

    @Test func thread_parts_have_facets_relative_to_their_own_text() throws {
        let post = try parsePost(PostExamples.feteMusiqueBundle, id: "fete-musique-2026")
        let composed = PostComposer(format: .bluesky, limit: 300, threads: true).compose(post)
        #expect(composed.fit == .thread)
        #expect(composed.parts.count > 1)
        var tags: [String] = []
        for part in composed.parts {
            #expect(LengthRule.graphemes.count(part.text) <= 300)
            for facet in part.facets {
                switch facet.feature {
                case .link(let url):
                    #expect(covered(facet, in: part.text) == url)
                case .tag(let tag):
                    #expect(covered(facet, in: part.text) == "#" + tag)
                    tags.append(tag)
                }
            }
        }
        #expect(tags == ["FeteDeLaMusique", "Occitanie", "Culture", "musique", "agenda"])
    }

    @Test func split_plain_text_recomputes_facets_per_part() {
        let text = "Concerts 🎶 partout. " + String(repeating: "Musique à gogo. ", count: 12)
            + "https://www.example.org/agenda?utm_source=reseaux&utm_medium=social #FeteDeLaMusique"
        let parts = TextSplitter.parts(text, limit: 80, rule: .graphemes)
        #expect(parts.count > 2)
        let facets = parts.flatMap { part in part.facets.map { (part.text, $0) } }
        #expect(facets.count == 2)
        for (text, facet) in facets {
            let shown = covered(facet, in: text)
            switch facet.feature {
            case .link(let url): #expect(shown == url)
            case .tag(let tag): #expect(shown == "#" + tag)
            }
        }
    }
}
