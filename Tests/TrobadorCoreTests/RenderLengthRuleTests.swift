import Testing
@testable import TrobadorCore

/// Each network's way of counting, on the characters that make them differ.
@Suite struct RenderLengthRuleTests {
    @Test func one_emoji_with_skin_tone_and_zwj_counts_differently_by_rule() {
        let coder = "👩🏽‍💻"
        #expect(LengthRule.graphemes.count(coder) == 1)
        #expect(LengthRule.unicodeScalars.count(coder) == 4)
        #expect(LengthRule.utf16.count(coder) == 7)
        #expect(LengthRule.utf8Bytes.count(coder) == 15)
    }

    @Test func accents_count_as_one_grapheme_in_either_normal_form() {
        #expect(LengthRule.graphemes.count("é") == 1)
        #expect(LengthRule.graphemes.count("e\u{301}") == 1)
        #expect(LengthRule.unicodeScalars.count("e\u{301}") == 2)
        #expect(LengthRule.graphemes.count("🇫🇷") == 1)
        #expect(LengthRule.utf16.count("🇫🇷") == 4)
    }

    @Test func mastodon_counts_any_long_url_as_23() {
        let url = "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social"
        #expect(url.count > 80)
        #expect(LengthRule.mastodon().count(url) == 23)
        #expect(LengthRule.mastodon().count("Programme : \(url) #Culture") == 12 + 23 + 9)
        #expect(LengthRule.mastodon(urlLength: 30).count("Voir \(url).") == 5 + 30 + 1)
    }

    @Test func mastodon_counts_text_by_graphemes() {
        #expect(LengthRule.mastodon().count("Trains liO à 1 € 🇫🇷 👩🏽‍💻") == 20)
    }

    @Test func mastodon_counts_a_remote_mention_by_its_name_only() {
        #expect(LengthRule.mastodon().count("Merci @occitanie@mastodon.social !") == "Merci @occitanie !".count)
        #expect(LengthRule.mastodon().count("Écrire à contact@example.org") == "Écrire à contact@example.org".count)
    }

    @Test func formats_name_the_rule_of_their_network() {
        #expect(TextFormat.mastodon.lengthRule == .mastodon(urlLength: 23))
        #expect(TextFormat.bluesky.lengthRule == .graphemes)
        #expect(TextFormat.telegramHTML.lengthRule == .utf16)
        #expect(TextFormat.discordMarkdown.lengthRule == .unicodeScalars)
        #expect(TextFormat.ntfyMarkdown.lengthRule == .utf8Bytes)
    }
}
