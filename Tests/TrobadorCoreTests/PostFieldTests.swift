import Foundation
import Testing
@testable import TrobadorCore

/// Every field of a post is checked, and each problem names the field, its line and column,
/// what is wrong and how to fix it.
@Suite struct PostFieldTests {
    // MARK: Field names

    @Test func unknown_field_suggests_the_closest_known_name() throws {
        let problem = try problem(rejectPost("---\ntitle: Fête\ntag: [culture]\n---\nTexte\n"), field: "tag")
        #expect(problem.line == 3)
        #expect(problem.column == 1)
        #expect(problem.message == "\"tag\" is not a field of a post; did you mean \"tags\"?")
        #expect(problem.hint?.contains("Write tags instead of tag.") == true)
    }

    @Test func camel_case_and_french_field_names_get_suggestions() throws {
        let rejection = rejectPost("---\npublishAt: 2026-06-21T10:00:00+02:00\ntitre: Fête\nimages: []\n---\nTexte\n")
        #expect(try problem(rejection, field: "publishAt").message.contains("did you mean \"publish_at\"?"))
        #expect(try problem(rejection, field: "titre").message.contains("did you mean \"title\"?"))
        #expect(try problem(rejection, field: "images").message.contains("did you mean \"media\"?"))
    }

    @Test func unknown_field_without_likely_match_lists_the_fields() throws {
        let problem = try problem(rejectPost("---\ncouleur: rouge\n---\nTexte\n"), field: "couleur")
        #expect(problem.message == "\"couleur\" is not a field of a post")
        #expect(problem.hint?.contains("id, action, title, tags") == true)
    }

    @Test func body_in_markdown_front_matter_says_the_text_goes_below() throws {
        let problem = try problem(rejectPost("---\ntitle: Fête\nbody: Le texte\n---\nTexte\n"), field: "body")
        #expect(problem.line == 3)
        #expect(problem.message.contains("goes below the front matter"))
    }

    @Test func every_problem_is_reported_at_once_in_file_order() throws {
        let rejection = try #require(rejectPost("---\nid: Fête/2026\ntags: culture\nlink: www.example.org\nlang: French\n---\nTexte\n"))
        #expect(rejection.problems.map(\.field) == ["id", "tags", "link", "lang"])
        #expect(rejection.problems.map(\.line) == [2, 3, 4, 5])
    }

    // MARK: Ids

    @Test func id_with_a_slash_says_an_id_is_not_a_path() throws {
        let problem = try problem(rejectPost("---\nid: agenda/fete-musique\n---\nTexte\n"), field: "id")
        #expect(problem.line == 2)
        #expect(problem.column == 5)
        #expect(problem.message.contains("contains \"/\"; an id is one name, not a path"))
        #expect(problem.hint?.contains("lowercase letters a to z without accents, digits, dots (.), hyphens (-) and underscores (_)") == true)
        #expect(problem.hint?.contains("agenda-fete-musique") == true)
    }

    @Test func id_with_capitals_accents_or_spaces_is_refused_with_an_example() throws {
        let capitals = try problem(rejectPost("---\nid: Fete-2026\n---\nTexte\n"), field: "id")
        #expect(capitals.message.contains("capital letters"))
        let accents = try problem(rejectPost("---\nid: fête de la musique\n---\nTexte\n"), field: "id")
        #expect(accents.message.contains("\"ê\", a space"))
        #expect(accents.hint?.contains("fete-de-la-musique") == true)
        let long = try problem(rejectPost("---\nid: \(String(repeating: "a", count: 129))\n---\nTexte\n"), field: "id")
        #expect(long.message.contains("129 characters, more than 128"))
        let dots = try problem(rejectPost("---\nid: ..\n---\nTexte\n"), field: "id")
        #expect(dots.message.contains("starts with a dot"))
    }

    @Test func empty_id_is_refused_rather_than_replaced_by_the_file_name() throws {
        let problem = try problem(rejectPost("---\nid: \"\"\n---\nTexte\n", id: "fete"), field: "id")
        #expect(problem.line == 2)
        #expect(problem.column == 5)
        #expect(problem.message == "the id is empty")
    }

    @Test func longest_allowed_id_is_accepted() throws {
        let id = "a." + String(repeating: "b_-9", count: 31) + "xx"
        #expect(id.count == 128)
        #expect(try parsePost("---\nid: \(id)\n---\nTexte\n").id == id)
    }

    @Test func file_name_unusable_as_id_asks_for_an_id_line() throws {
        let problem = try problem(rejectPost("Le texte.\n", id: "Fête 2026"), field: "id")
        #expect(problem.line == nil)
        #expect(problem.message.contains("its name \"Fête 2026\" cannot be used"))
        #expect(problem.hint?.contains("id: fete-2026") == true)
    }

    // MARK: Lists and tags

    @Test func tags_written_as_a_single_word_ask_for_the_list_form() throws {
        let problem = try problem(rejectPost("---\ntags: culture\n---\nTexte\n"), field: "tags")
        #expect(problem.line == 2)
        #expect(problem.column == 7)
        #expect(problem.message == "must be a list, even with a single item, but it is a text")
        #expect(problem.hint == "Write it in square brackets: tags: [culture].")
    }

    @Test func tags_keep_accents_and_case_and_lose_a_leading_hash() throws {
        let post = try parsePost("---\ntags: [\"#FeteDeLaMusique\", été_2026, culture, Culture]\n---\nTexte\n")
        #expect(post.tags == ["FeteDeLaMusique", "été_2026", "culture"])
    }

    @Test func tag_with_a_space_or_punctuation_is_refused() throws {
        let rejection = rejectPost("---\ntags: [culture musique, fête!, \"2026\"]\n---\nTexte\n")
        let space = try problem(rejection, field: "tags[0]")
        #expect(space.line == 2)
        #expect(space.column == 8)
        #expect(space.message.contains("contains a space"))
        #expect(space.hint?.contains("[culture, musique]") == true)
        #expect(try problem(rejection, field: "tags[1]").message.contains("contains \"!\""))
        #expect(try problem(rejection, field: "tags[2]").message.contains("has no letter"))
    }

    @Test func empty_channel_list_or_name_is_refused() throws {
        let none = try problem(rejectPost("---\nchannels: []\n---\nTexte\n"), field: "channels")
        #expect(none.column == 11)
        #expect(none.message.contains("go nowhere"))
        let empty = try problem(rejectPost("---\nchannels: [mastodon, \"\"]\n---\nTexte\n"), field: "channels[1]")
        #expect(empty.column == 22)
        #expect(try parsePost("---\nchannels: [mastodon, bluesky, mastodon]\n---\nTexte\n").channels == ["mastodon", "bluesky"])
    }

    // MARK: Dates

    @Test func unquoted_yaml_timestamp_keeps_its_offset() throws {
        let post = try parsePost("---\npublish_at: 2026-06-21T10:00:00+02:00\nexpires_at: \"2026-06-22T02:00:00Z\"\n---\nTexte\n")
        #expect(post.publishAt == (try referenceDate("2026-06-21T08:00:00Z")))
        #expect(post.expiresAt == (try referenceDate("2026-06-22T02:00:00Z")))
    }

    @Test func dates_written_with_a_space_or_without_seconds_are_accepted() throws {
        let post = try parsePost("---\npublish_at: 2026-06-21 10:00:00 +02:00\nexpires_at: 2026-06-21T23:30-01:00\n---\nTexte\n")
        #expect(post.publishAt == (try referenceDate("2026-06-21T08:00:00Z")))
        #expect(post.expiresAt == (try referenceDate("2026-06-22T00:30:00Z")))
    }

    @Test func date_without_time_zone_asks_for_one() throws {
        let problem = try problem(rejectPost("---\npublish_at: 2026-06-21T18:00:00\n---\nTexte\n"), field: "publish_at")
        #expect(problem.line == 2)
        #expect(problem.column == 13)
        #expect(problem.message.contains("has no time zone"))
        #expect(problem.hint?.hasPrefix("Write the date with its time zone, for example 2026-06-21T18:00:00+02:00") == true)
    }

    @Test func day_without_time_or_impossible_date_is_refused() throws {
        let rejection = rejectPost("---\npublish_at: 2026-06-21\nexpires_at: 2026-02-30T10:00:00+01:00\n---\nTexte\n")
        #expect(try problem(rejection, field: "publish_at").message.contains("has a day but no time"))
        #expect(try problem(rejection, field: "expires_at").message.contains("not a date that exists"))
    }

    @Test func expiry_before_publication_is_refused() throws {
        let problem = try problem(
            rejectPost("---\npublish_at: 2026-06-21T10:00:00+02:00\nexpires_at: 2026-06-21T09:00:00+02:00\n---\nTexte\n"),
            field: "expires_at")
        #expect(problem.line == 3)
        #expect(problem.column == 13)
        #expect(problem.message.contains("expires before it is published"))
    }

    @Test func event_ending_before_it_starts_is_refused_at_its_end() throws {
        let text = "---\nevent:\n  start: 2026-06-21T18:00:00+02:00\n  end: 2026-06-21T17:00:00+02:00\n---\nTexte\n"
        let problem = try problem(rejectPost(text), field: "event.end")
        #expect(problem.line == 4)
        #expect(problem.column == 8)
        #expect(problem.message == "the event ends before it starts")
    }

    @Test func event_needs_a_start_and_known_fields() throws {
        let rejection = rejectPost("---\nevent: { lieu: Toulouse }\n---\nTexte\n")
        #expect(try problem(rejection, field: "event.lieu").message.contains("did you mean \"location\"?"))
        #expect(try problem(rejection, field: "event.start").message == "the event has no start")
        let scalar = try problem(rejectPost("---\nevent: 2026-06-21T18:00:00+02:00\n---\nTexte\n"), field: "event")
        #expect(scalar.message.contains("must be a group of fields"))
    }

    // MARK: Links and languages

    @Test func link_must_be_a_web_address() throws {
        let missingScheme = try problem(rejectPost("---\nlink: www.example.org/agenda\n---\nTexte\n"), field: "link")
        #expect(missingScheme.line == 2)
        #expect(missingScheme.column == 7)
        #expect(missingScheme.message.contains("does not start with https://"))
        let otherScheme = try problem(rejectPost("---\nlink: javascript:alert(1)\n---\nTexte\n"), field: "link")
        #expect(otherScheme.message.contains("only web addresses starting with https:// or http://"))
        let space = try problem(rejectPost("---\nlink: https://www.example.org/fête de la musique\n---\nTexte\n"), field: "link")
        #expect(space.message.contains("contains a space"))
        #expect(try parsePost("---\nlink: HTTPS://www.example.org/fête?x=1#a\n---\nTexte\n").link == "HTTPS://www.example.org/fête?x=1#a")
        let ascii = try problem(rejectPost("---\nlink: \"https://www.example.org/a\\tb\"\n---\nTexte\n"), field: "link")
        #expect(ascii.message.contains("contains a space"))
    }

    /// ASCII addresses are checked by bytes, others by characters: the same answer either way.
    @Test func spaces_and_control_characters_are_found_in_any_address() {
        for (text, expected) in [
            ("https://www.example.org/agenda", false), ("https://www.example.org/a b", true),
            ("https://www.example.org/\t", true), ("https://ex.org/\u{1F}", true), ("https://ex.org/\u{7F}", false),
            ("https://ex.org/fête", false), ("https://ex.org/fête b", true), ("https://ex.org/fête\u{A0}", true),
            ("https://ex.org/é\r\n", true), ("", false),
        ] {
            #expect(PostFieldReader.hasSpaceOrControl(text) == expected, "\(text.debugDescription)")
            let byCharacter = text.contains { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }
            #expect(byCharacter == expected, "\(text.debugDescription)")
        }
    }

    /// Ids, tags and language codes in plain ASCII are said valid by their bytes; everything
    /// else is read character by character. Both readings agree on every value here.
    @Test func byte_checks_of_ids_tags_and_languages_agree_with_the_character_checks() throws {
        for (id, valid) in [("fete-musique-2026", true), ("a.b_c", true), (".cache", false), ("Fete", false), ("fête", false),
                            ("a/b", false), (String(repeating: "a", count: 128), true), (String(repeating: "a", count: 129), false),
                            ("e\u{301}te", false)] {
            #expect((PostIdentifier.problem(with: id) == nil) == valid, "\(id.debugDescription)")
        }
        #expect(try parsePost("---\ntags: [Jeunesse, Occitanie_2026, Fête]\n---\nTexte\n").tags == ["Jeunesse", "Occitanie_2026", "Fête"])
        #expect(try problem(rejectPost("---\ntags: [culture, 2026]\n---\nTexte\n"), field: "tags[1]").message.contains("has no letter"))
        #expect(try problem(rejectPost("---\ntags: [a-b]\n---\nTexte\n"), field: "tags[0]").message.contains("contains \"-\""))
        for (code, valid) in [("fr", true), ("oc", true), ("en-GB", true), ("zh-Hant-TW", true), ("f", false), ("fr-", false),
                              ("fr-toolongsubtag", false), ("fré", false), ("12", false), ("fr_FR", false)] {
            #expect((PostFieldReader.languageProblem(code) == nil) == valid, "\(code)")
        }
        #expect(PostFieldReader.webSchemeLength("HTTPS://x") == 8)
        #expect(PostFieldReader.webSchemeLength("http://x") == 7)
        #expect(PostFieldReader.webSchemeLength("http:/x") == nil)
        #expect(PostFieldReader.webSchemeLength("ftp://x") == nil)
    }

    @Test func language_codes_follow_bcp47() throws {
        #expect(try parsePost("---\nlang: en-GB\n---\nTexte\n").lang == "en-GB")
        #expect(try parsePost("---\nlang: oc\n---\nTexte\n").lang == "oc")
        let underscore = try problem(rejectPost("---\nlang: fr_FR\n---\nTexte\n"), field: "lang")
        #expect(underscore.message.contains("use a hyphen: fr-FR"))
        let name = try problem(rejectPost("---\nlang: French\n---\nTexte\n"), field: "lang")
        #expect(name.message.contains("write the code, not the name of the language"))
    }

    // MARK: Media

    @Test func image_without_alt_text_is_refused_with_how_to_add_it() throws {
        let text = "---\ntitle: Fête\nmedia:\n  - file: affiche.png\n---\nTexte\n"
        let problem = try problem(rejectPost(text), field: "media[0]")
        #expect(problem.line == 4)
        #expect(problem.column == 5)
        #expect(problem.message == "the image \"affiche.png\" has no alt text")
        #expect(problem.hint?.contains("add alt: \"…\" to this entry, under file: affiche.png") == true)
        #expect(problem.description == "media[0]: the image \"affiche.png\" has no alt text (line 4, column 5)")
    }

    @Test func image_without_alt_text_is_accepted_when_the_rules_allow_it() throws {
        let post = try parsePost("---\nmedia: [{ file: affiche.png }]\n---\nTexte\n", rules: PostRules(requireAltText: false))
        #expect(post.media == [MediaReference(file: "affiche.png")])
    }

    @Test func empty_alt_text_is_refused_where_it_is_written() throws {
        let text = "---\nmedia:\n  - file: affiche.png\n    alt: \"  \"\n---\nTexte\n"
        let problem = try problem(rejectPost(text), field: "media[0].alt")
        #expect(problem.line == 4)
        #expect(problem.column == 10)
        #expect(problem.message.contains("is empty"))
    }

    @Test func media_paths_leaving_the_post_folder_are_refused() throws {
        let text = "---\nmedia:\n  - { file: ../secret.png, alt: a }\n  - { file: /etc/passwd, alt: b }\n  - { file: img/a.png, alt: c }\n---\nTexte\n"
        let rejection = rejectPost(text)
        let parent = try problem(rejection, field: "media[0].file")
        #expect(parent.line == 3)
        #expect(parent.column == 13)
        #expect(parent.message.contains("outside the post's folder"))
        #expect(try problem(rejection, field: "media[1].file").message.contains("cannot be absolute"))
        #expect(try problem(rejection, field: "media[2].file").message.contains("sub-folder"))
    }

    @Test func too_many_media_files_are_refused() throws {
        let items = (1...5).map { "  - { file: image\($0).png, alt: Image \($0) }" }.joined(separator: "\n")
        let problem = try problem(rejectPost("---\nmedia:\n\(items)\n---\nTexte\n"), field: "media")
        #expect(problem.line == 3)
        #expect(problem.message.contains("5 media files; at most 4"))
    }

    // MARK: Body, action, translations, overrides

    @Test func publication_without_text_is_refused_where_the_text_should_be() throws {
        let problem = try problem(rejectPost("---\ntitle: Fête\n---\n\n  \n"), field: "body")
        #expect(problem.line == 5)
        #expect(problem.column == 1)
        #expect(problem.message == "the post has no text to publish")
    }

    @Test func retraction_with_a_body_or_imageless_alt_is_accepted() throws {
        let post = try parsePost("---\nid: fete-musique-2026\naction: retract\nmedia: [{ file: affiche.png }]\n---\nTexte ignoré\n")
        #expect(post.action == .retract)
        #expect(post.id == "fete-musique-2026")
    }

    @Test func unknown_action_lists_the_actions() throws {
        let problem = try problem(rejectPost("---\naction: retracted\n---\nTexte\n"), field: "action")
        #expect(problem.column == 9)
        #expect(problem.hint == "Write publish (the default), update or retract. Did you mean retract?")
    }

    @Test func translation_without_text_is_refused() throws {
        let text = "---\ntranslations:\n  oc:\n    title: Fèsta\n    body: \"\"\n  english: { body: Text }\n---\nTexte\n"
        let rejection = rejectPost(text)
        let empty = try problem(rejection, field: "translations.oc.body")
        #expect(empty.line == 5)
        #expect(empty.column == 11)
        #expect(empty.message == "the oc translation has no text")
        #expect(try problem(rejectPost("---\ntranslations:\n  oc:\n---\nTexte\n"), field: "translations.oc.body").line == 3)
        let code = try problem(rejection, field: "translations.english")
        #expect(code.line == 6)
        #expect(code.column == 3)
    }

    @Test func overrides_accept_only_known_fields() throws {
        let text = "---\noverrides:\n  bluesky: { texte: Court, link: https://example.org/b }\n  mastodon: { hashtags: non }\n---\nTexte\n"
        let rejection = rejectPost(text)
        let typo = try problem(rejection, field: "overrides.bluesky.texte")
        #expect(typo.line == 3)
        #expect(typo.column == 14)
        #expect(typo.message.contains("did you mean \"text\"?"))
        let unknown = try problem(rejection, field: "overrides.mastodon.hashtags")
        #expect(unknown.hint?.contains("text, title, summary, link") == true)
        let post = try parsePost("---\noverrides:\n  bluesky: { text: \"Fête 🎶\" }\n---\nTexte\n")
        #expect(post.overrides == ["bluesky": ["text": "Fête 🎶"]])
    }

    // MARK: The error file

    @Test func rejection_report_says_nothing_was_sent_and_how_to_fix_each_problem() throws {
        let rejection = try #require(rejectPost("---\ntag: [culture]\nmedia:\n  - file: affiche.png\n---\nTexte\n"))
        let report = rejection.report(fileName: "fete.md")
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "The post \"fete.md\" was not published, and nothing was sent to any channel.")
        #expect(report.contains("- Line 2, column 1, field tag: \"tag\" is not a field of a post; did you mean \"tags\"?"))
        #expect(report.contains("- Line 4, column 5, field media[0]: the image \"affiche.png\" has no alt text."))
        #expect(report.contains("  How to fix it: Describe the image"))
        #expect(lines.dropLast().last == "Once it is corrected, drop the file \"fete.md\" into the inbox again.")
    }
}
