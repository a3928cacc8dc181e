import Foundation
import Testing
@testable import TrobadorCore

/// What each channel receives for the team's real posts: title, body, event, link, tags,
/// and how a post too long for a channel is made to fit.
@Suite struct RenderComposerTests {
    static let feteURL = "https://www.example.org/agenda/2026/fete-de-la-musique"
    static let feteBodyURL = feteURL + "?utm_source=reseaux&utm_medium=social"

    static let feteBody = """
        Le 21 juin, plus de 300 concerts gratuits dans toute la région 🎶 : bals occitans, scènes ouvertes aux \
        jeunes talents, fanfares et DJ sets, de Perpignan à Rodez.

        Les événements sont proposés par les associations et les communes dans l'agenda participatif : \
        chacun peut y ajouter le sien.
        """

    func fete() throws -> Post { try parsePost(PostExamples.feteMusiqueBundle, id: "fete-musique-2026") }
    func carte() throws -> Post { try parsePost(PostExamples.carteJeune, id: "carte-jeune") }

    @Test func whole_post_has_title_body_event_and_missing_tags_but_not_the_link_twice() throws {
        let composed = PostComposer(format: .plain).compose(try fete())
        #expect(composed.fit == .whole)
        #expect(composed.parts.map(\.text) == ["""
            Fête de la musique 2026 : l'Occitanie en fête

            \(Self.feteBody)

            Programme complet : \(Self.feteBodyURL)

            📅 21 juin 2026, 18:00 – 01:00 · Place du Capitole, Toulouse, et dans les 13 départements

            #FeteDeLaMusique #Occitanie #Culture #musique #agenda
            """])
    }

    @Test func title_is_bold_where_the_format_has_bold() throws {
        let post = try parsePost(PostExamples.pontDuGard, format: .json, id: "pont-du-gard")
        #expect(PostComposer(format: .discordMarkdown).compose(post).parts[0].text.hasPrefix("**L'automne au pont du Gard**\n\n"))
        #expect(PostComposer(format: .telegramHTML).compose(post).parts[0].text.hasPrefix("<b>L'automne au pont du Gard</b>\n\n"))
        #expect(PostComposer(format: .slackMrkdwn).compose(post).parts[0].text.hasPrefix("*L'automne au pont du Gard*\n\n"))
        #expect(PostComposer(format: .matrixHTML).compose(post).parts[0].text
            .hasPrefix("<p><strong>L'automne au pont du Gard</strong></p>"))
        #expect(PostComposer(format: .mastodon).compose(post).parts[0].text.hasPrefix("L'automne au pont du Gard\n\nLes couleurs"))
    }

    @Test func link_and_tags_are_added_only_when_the_body_lacks_them() throws {
        let post = try parsePost(PostExamples.pontDuGard, format: .json, id: "pont-du-gard")
        let text = PostComposer(format: .plain).compose(post).parts[0].text
        #expect(text.hasSuffix("Idées de balades et horaires : https://www.example.org/tourisme/pont-du-gard #Tourisme #Occitanie\n\n#patrimoine"))
        var withoutLink = post
        withoutLink.body = "Les couleurs d'automne 🍂."
        withoutLink.tags = ["tourisme", "arts de la rue", "2026", "Tourisme", "fête"]
        #expect(PostComposer(format: .plain).compose(withoutLink).parts[0].text == """
            L'automne au pont du Gard

            Les couleurs d'automne 🍂.

            https://www.example.org/tourisme/pont-du-gard

            #tourisme #artsdelarue #fête
            """)
    }

    @Test func a_tag_written_with_another_case_or_accents_is_not_repeated() {
        let post = Post(id: "t", body: "Concerts ! #Fete #CULTURE", tags: ["fête", "culture", "musique"])
        #expect(PostComposer(format: .plain).compose(post).parts[0].text == "Concerts ! #Fete #CULTURE\n\n#musique")
    }

    @Test func contents_can_leave_out_the_title_for_channels_with_a_title_field() throws {
        let text = PostComposer(format: .ntfyMarkdown, contents: [.event, .link, .tags]).compose(try fete()).parts[0].text
        #expect(text.hasPrefix("Le 21 juin, **plus de 300 concerts gratuits**"))
    }

    @Test func too_long_for_mastodon_becomes_a_numbered_thread_counted_with_urls_as_23() throws {
        let composed = PostComposer(format: .mastodon, limit: 400, threads: true).compose(try fete())
        #expect(composed.fit == .thread)
        #expect(composed.parts.map(\.text) == [
            """
            Fête de la musique 2026 : l'Occitanie en fête

            \(Self.feteBody)

            Programme complet : \(Self.feteBodyURL) 1/2
            """,
            """
            📅 21 juin 2026, 18:00 – 01:00 · Place du Capitole, Toulouse, et dans les 13 départements

            #FeteDeLaMusique #Occitanie #Culture #musique #agenda 2/2
            """,
        ])
        // Counted by graphemes, the first part would be over the limit: the URL counts 23.
        #expect(LengthRule.graphemes.count(composed.parts[0].text) > 400)
        #expect(composed.parts.allSatisfy { LengthRule.mastodon().count($0.text) <= 400 })
    }

    @Test func without_threads_the_summary_replaces_the_body() throws {
        let composed = PostComposer(format: .slackMrkdwn, limit: 200).compose(try carte())
        #expect(composed.fit == .summary)
        #expect(composed.parts.map(\.text) == ["""
            *Carte Jeune Région : transports à 1 € pour les 15-26 ans*

            Trains liO à 1 € pour les 15-26 ans avec la Carte Jeune. Demande en ligne en 5 minutes.

            <https://www.example.org/aides/carte-jeune>
            """])
    }

    @Test func without_threads_or_summary_the_text_is_shortened_with_the_link_last() throws {
        let composed = PostComposer(format: .discordMarkdown, limit: 300).compose(try fete())
        #expect(composed.fit == .shortened)
        let text = composed.parts[0].text
        #expect(composed.parts.count == 1)
        #expect(text.unicodeScalars.count <= 300)
        #expect(text.hasPrefix("**Fête de la musique 2026 : l'Occitanie en fête**\n\nLe 21 juin, **plus de 300 concerts gratuits**"))
        #expect(text.hasSuffix("…\n\n" + Self.feteURL))
    }

    @Test func a_shortened_text_does_not_repeat_the_link_the_cut_left_in_the_body() throws {
        var post = try carte()
        post.summary = nil
        post.title = nil
        let composed = PostComposer(format: .telegramHTML, limit: 330).compose(post)
        #expect(composed.fit == .shortened)
        let text = composed.parts[0].text
        #expect(text.components(separatedBy: "https://www.example.org/aides/carte-jeune").count == 2)
        #expect(text.hasSuffix("Beaucoup de jeunes ne savent pas encore qu'ils y ont…"))
        let visible = PostComposer(format: .plain).compose(post).parts[0].text
        #expect(visible.utf16.count > 330)
    }

    @Test func limits_and_threads_come_from_the_channel_capabilities() throws {
        let capabilities = ChannelCapabilities(maxLength: 300, formatting: .plain, threads: true)
        let composed = PostComposer(format: .bluesky, capabilities: capabilities).compose(try fete())
        #expect(composed.fit == .thread)
        #expect(composed.parts.allSatisfy { $0.text.count <= 300 })
    }

    @Test func event_line_is_french_in_the_given_time_zone() throws {
        let start = try referenceDate("2026-06-21T18:00:00+02:00")
        let paris = EventLine()
        #expect(paris.text(for: PostEvent(start: start, end: start + 7 * 3600, location: "Place du Capitole, Toulouse"))
            == "📅 21 juin 2026, 18:00 – 01:00 · Place du Capitole, Toulouse")
        #expect(paris.text(for: PostEvent(start: start)) == "📅 21 juin 2026, 18:00")
        let utc = EventLine(timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.text(for: PostEvent(start: start)) == "📅 21 juin 2026, 16:00")
        let firstOfMonth = try referenceDate("2026-08-01T09:30:00+02:00")
        #expect(paris.text(for: PostEvent(start: firstOfMonth, end: firstOfMonth + 2 * 86400))
            == "📅 1er août 2026, 09:30 – 3 août 2026, 09:30")
    }

    @Test func whole_day_events_show_dates_only() throws {
        let start = try referenceDate("2026-09-19T00:00:00+02:00")
        let line = EventLine()
        #expect(line.text(for: PostEvent(start: start, location: "Pont du Gard")) == "📅 19 septembre 2026 · Pont du Gard")
        #expect(line.text(for: PostEvent(start: start, end: start + 2 * 86400)) == "📅 19 septembre 2026 – 20 septembre 2026")
    }

    @Test func event_line_follows_the_post_language() throws {
        let start = try referenceDate("2026-04-21T18:00:00+02:00")
        #expect(EventLine(language: "oc").text(for: PostEvent(start: start)) == "📅 21 d'abril de 2026, 18:00")
        #expect(EventLine(language: "en").text(for: PostEvent(start: start)) == "📅 21 April 2026, 18:00")
        var post = Post(id: "festa", title: "Fèsta", body: "Concèrts.", lang: "oc")
        post.event = PostEvent(start: start)
        #expect(PostComposer(format: .plain).compose(post).parts[0].text == "Fèsta\n\nConcèrts.\n\n📅 21 d'abril de 2026, 18:00")
    }
}
