import Testing
@testable import TrobadorCore

/// Where the splitter cuts, how it numbers, and how `shorten` keeps the link.
@Suite struct RenderSplitterTests {
    static let url = "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social"

    @Test func a_text_that_fits_is_one_part_without_number() {
        #expect(TextSplitter.split("Concerts gratuits 🎶", limit: 300, rule: .graphemes) == ["Concerts gratuits 🎶"])
    }

    @Test func cuts_between_paragraphs_first_and_numbers_at_the_end() {
        let first = "Le 21 juin, plus de 300 concerts gratuits dans toute la région 🎶."
        let second = "Les événements sont proposés par les associations et les communes."
        let parts = TextSplitter.split(first + "\n\n" + second, limit: 80, rule: .graphemes)
        #expect(parts == [first + " 1/2", second + " 2/2"])
    }

    @Test func cuts_at_a_sentence_before_a_word() {
        let text = "Tu as entre 15 et 26 ans ? Avec la Carte Jeune Région, tes trajets en train liO sont à 1 €. "
            + "La demande se fait en ligne."
        let parts = TextSplitter.split(text, limit: 100, rule: .graphemes)
        #expect(parts == [
            "Tu as entre 15 et 26 ans ? Avec la Carte Jeune Région, tes trajets en train liO sont à 1 €. 1/2",
            "La demande se fait en ligne. 2/2",
        ])
    }

    @Test func never_leaves_french_high_punctuation_at_the_start_of_a_part() {
        let text = "Tu as entre quinze et vingt-six ans ? Alors la carte est pour toi !"
        for limit in 20...40 {
            for part in TextSplitter.split(text, limit: limit, rule: .graphemes, numbered: false) {
                #expect(!part.hasPrefix("?") && !part.hasPrefix("!"), "limit \(limit): \(part)")
                #expect(part.count <= limit)
            }
        }
    }

    @Test func a_url_moves_whole_to_the_next_part() {
        let text = "Programme complet : " + Self.url + " #FeteDeLaMusique"
        let parts = TextSplitter.split(text, limit: 100, rule: .graphemes)
        #expect(parts == ["Programme complet : 1/3", Self.url + " 2/3", "#FeteDeLaMusique 3/3"])
    }

    @Test func mastodon_counting_lets_a_long_url_share_a_part() {
        let text = "Programme complet : " + Self.url + " #FeteDeLaMusique"
        #expect(TextSplitter.split(text, limit: 60, rule: .mastodon()) == [text])
    }

    @Test func a_url_longer_than_a_part_is_cut_between_graphemes() {
        let parts = TextSplitter.split(Self.url, limit: 40, rule: .graphemes, numbered: false)
        #expect(parts.count == 3)
        #expect(parts.joined() == Self.url)
        #expect(parts.allSatisfy { $0.count <= 40 })
    }

    @Test func a_long_word_is_cut_without_breaking_an_emoji() {
        let word = String(repeating: "👩🏽‍💻", count: 25)
        let parts = TextSplitter.split(word, limit: 10, rule: .graphemes)
        #expect(parts.count == 5)
        #expect(parts.map { $0.split(separator: " ").first.map(String.init) ?? "" }.joined() == word)
        #expect(parts.allSatisfy { $0.count <= 10 })
    }

    @Test func numbering_reserves_room_for_two_digit_counts() {
        let text = (1...40).map { "Phrase numéro \($0)." }.joined(separator: " ")
        let parts = TextSplitter.split(text, limit: 30, rule: .graphemes)
        #expect(parts.count >= 10)
        #expect(parts.allSatisfy { $0.count <= 30 })
        #expect(parts.last?.hasSuffix(" \(parts.count)/\(parts.count)") == true)
    }

    @Test func unnumbered_parts_carry_no_suffix() {
        let parts = TextSplitter.split("Un. Deux. Trois.", limit: 6, rule: .graphemes, numbered: false)
        #expect(parts == ["Un.", "Deux.", "Trois."])
    }

    @Test func shorten_cuts_at_a_word_and_keeps_the_link() {
        let text = "Le 21 juin, plus de 300 concerts gratuits dans toute la région, de Perpignan à Rodez."
        let link = "https://www.example.org/agenda/2026/fete-de-la-musique"
        let short = TextSplitter.shorten(text, limit: 100, rule: .graphemes, keeping: link)
        #expect(short == "Le 21 juin, plus de 300 concerts gratuits…\n\n" + link)
        #expect(short.count <= 100)
        #expect(TextSplitter.shorten("Concerts gratuits.", limit: 100, rule: .graphemes, keeping: link)
            == "Concerts gratuits.\n\n" + link)
    }

    @Test func shorten_keeps_the_texts_own_trailing_link_once() {
        let link = "https://www.example.org/aides/carte-jeune"
        let text = "La demande se fait en ligne, en 5 minutes, avec une pièce d'identité : " + link
        let short = TextSplitter.shorten(text, limit: 80, rule: .mastodon(), keeping: link)
        #expect(short == "La demande se fait en ligne, en 5 minutes, avec une…\n\n" + link)
        #expect(short.components(separatedBy: link).count == 2)
        #expect(LengthRule.mastodon().count(short) <= 80)
    }

    @Test func shorten_without_link_ends_with_an_ellipsis() {
        #expect(TextSplitter.shorten("Trains liO à 1 € pour les jeunes", limit: 16, rule: .graphemes) == "Trains liO à 1…")
    }

    @Test func telegram_parts_are_measured_on_the_text_without_tags() {
        let body = String(repeating: "**Gras** et [lien](https://www.example.org/a) ; ", count: 30)
        let splitter = DocumentSplitter(format: .telegramHTML, rule: .utf16, limit: 200)
        let parts = splitter.thread(RichDocument(markdown: body), numbered: true)
        #expect(parts.count > 1)
        for part in parts {
            #expect(part.counted.utf16.count <= 200)
            #expect(part.rendered.text.utf16.count > part.counted.utf16.count)
            #expect(part.rendered.text.components(separatedBy: "<b>").count
                == part.rendered.text.components(separatedBy: "</b>").count)
        }
    }

    @Test func formatted_parts_cut_inside_bold_reopen_it() {
        let body = "**Plus de trois cents concerts gratuits dans toute la région ce samedi soir.**"
        let splitter = DocumentSplitter(format: .discordMarkdown, rule: .unicodeScalars, limit: 40)
        let parts = splitter.thread(RichDocument(markdown: body), numbered: true).map(\.rendered.text)
        #expect(parts == [
            "**Plus de trois cents concerts** 1/3",
            "**gratuits dans toute la région ce** 2/3",
            "**samedi soir.** 3/3",
        ])
    }

    @Test func a_list_item_cut_in_two_shows_its_marker_once() {
        let body = "- Un très long élément de liste qui ne tient pas dans une seule partie du fil.\n- Court."
        let splitter = DocumentSplitter(format: .plain, rule: .graphemes, limit: 50)
        let parts = splitter.thread(RichDocument(markdown: body), numbered: false).map(\.rendered.text)
        #expect(parts.count > 1)
        #expect(parts.first?.hasPrefix("• Un très long") == true)
        #expect(parts.joined().filter { $0 == "•" }.count == 2)
        #expect(parts.last?.hasSuffix("\n• Court.") == true || parts.last == "• Court.")
    }
}
