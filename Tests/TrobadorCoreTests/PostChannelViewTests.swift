import Foundation
import Testing
@testable import TrobadorCore

@Suite("a post as each channel publishes it")
struct PostChannelViewTests {
    static let post = Post(
        id: "fete-musique-2026", title: "Fête de la musique 2026", body: "Le 21 juin, plus de 300 concerts gratuits.",
        tags: ["culture"], link: "https://www.example.org/agenda", lang: "fr", summary: "Concerts gratuits le 21 juin.",
        translations: ["oc": PostTranslation(title: "Fèsta de la musica 2026", body: "Lo 21 de junh, mai de 300 concèrts gratuits.")],
        overrides: ["bluesky": ["text": "Fête de la musique le 21 juin partout en Occitanie 🎶"], "discord": ["title": "🎶 Fête de la musique"]])

    @Test func an_occitan_channel_gets_the_occitan_version_and_its_language() {
        let view = Self.post.view(forChannel: "mastodon-oc", language: "oc")
        #expect(view.title == "Fèsta de la musica 2026")
        #expect(view.body == "Lo 21 de junh, mai de 300 concèrts gratuits.")
        #expect(view.lang == "oc")
        #expect(view.summary == nil, "the French summary is not sent in Occitan")
        #expect(view.link == Self.post.link)
    }

    @Test func a_channel_in_a_language_without_translation_gets_the_original() {
        #expect(Self.post.view(forChannel: "mastodon-en", language: "en") == Self.post)
        #expect(Self.post.view(forChannel: "mastodon", language: nil) == Self.post)
        #expect(Self.post.view(forChannel: "mastodon", language: "fr") == Self.post)
    }

    @Test func a_text_override_is_the_whole_message_and_a_field_override_replaces_that_field() {
        let bluesky = Self.post.view(forChannel: "bluesky", language: nil)
        #expect(bluesky.body == "Fête de la musique le 21 juin partout en Occitanie 🎶")
        #expect(bluesky.title == nil && bluesky.link == nil && bluesky.tags.isEmpty && bluesky.event == nil)
        let discord = Self.post.view(forChannel: "discord", language: nil)
        #expect(discord.title == "🎶 Fête de la musique")
        #expect(discord.body == Self.post.body)
    }
}
