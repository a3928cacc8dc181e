import Foundation
import Testing
@testable import TrobadorCore

/// JSON posts: the same fields as Markdown with a `body` key, and the line and column of
/// every problem, syntax errors included.
@Suite struct PostJSONTests {
    @Test func json_type_error_reports_its_line_and_column() throws {
        let text = """
            {
              "id": "pont-du-gard",
              "title": "L'automne au pont du Gard",
              "tags": "tourisme",
              "body": "Texte"
            }
            """
        let problem = try problem(rejectPost(text, format: .json), field: "tags")
        #expect(problem.line == 4)
        #expect(problem.column == 11)
        #expect(problem.hint == "Write it in square brackets: tags: [\"tourisme\"].")
    }

    @Test func json_number_where_text_is_expected_is_refused() throws {
        let problem = try problem(rejectPost("{\n  \"title\": 2026,\n  \"body\": \"Texte\"\n}", format: .json), field: "title")
        #expect(problem.line == 2)
        #expect(problem.column == 12)
        #expect(problem.message == "must be a text, but it is a number")
        #expect(problem.hint?.contains("\"title\": \"…\", with double quotes") == true)
    }

    @Test func json_missing_comma_is_reported_where_it_is_noticed() throws {
        let problem = try #require(rejectPost("{\n  \"title\": \"Fête\"\n  \"body\": \"Texte\"\n}", format: .json)?.problems.first)
        #expect(problem.line == 3)
        #expect(problem.column == 3)
        #expect(problem.message.contains("a comma or a closing } was expected"))
        #expect(problem.hint?.contains("a comma may be missing at the end of the line before") == true)
    }

    @Test func json_trailing_comma_and_comments_are_explained() throws {
        let comma = try #require(rejectPost("{\"body\": \"Texte\",\n}", format: .json)?.problems.first)
        #expect(comma.line == 2)
        #expect(comma.column == 1)
        #expect(comma.message.contains("a comma before } is not allowed"))
        let comment = try #require(rejectPost("{\"body\": // le texte\n \"Texte\"}", format: .json)?.problems.first)
        #expect(comment.message.contains("does not allow comments"))
    }

    @Test func json_surrogate_pairs_and_escapes_decode_to_emoji() throws {
        let post = try parsePost(#"{"body": "Automne \ud83c\udf42 \u00e0 N\u00eemes\n\/ \"ok\""}"#, format: .json)
        #expect(post.body == "Automne 🍂 à Nîmes\n/ \"ok\"")
    }

    @Test func json_lone_surrogate_is_refused() throws {
        let problem = try #require(rejectPost(#"{"body": "\ud83c"}"#, format: .json)?.problems.first)
        #expect(problem.message.contains("half of a character"))
    }

    @Test func json_duplicated_key_is_reported_at_the_second_one() throws {
        let problem = try problem(rejectPost("{\n\"body\": \"a\",\n\"body\": \"b\"\n}", format: .json), field: "body")
        #expect(problem.line == 3)
        #expect(problem.column == 1)
        #expect(problem.message.contains("more than once"))
    }

    @Test func json_without_body_is_refused_at_the_object() throws {
        let problem = try problem(rejectPost("{\n  \"title\": \"Fête\"\n}", format: .json), field: "body")
        #expect(problem.line == 1)
        #expect(problem.column == 1)
        #expect(problem.hint?.contains("\"body\": \"…\"") == true)
    }

    @Test func json_text_field_suggests_body() throws {
        let problem = try problem(rejectPost("{\"text\": \"Texte\"}", format: .json), field: "text")
        #expect(problem.message.contains("did you mean \"body\"?"))
    }

    @Test func json_that_is_not_an_object_is_refused() throws {
        let problem = try #require(rejectPost("[\"Texte\"]", format: .json)?.problems.first)
        #expect(problem.message.contains("must be a group of fields, but it is a list"))
    }

    @Test func json_raw_line_break_in_text_is_refused_with_a_hint() throws {
        let problem = try #require(rejectPost("{\"body\": \"ligne 1\nligne 2\"}", format: .json)?.problems.first)
        #expect(problem.line == 1)
        #expect(problem.column == 18)
        #expect(problem.hint?.contains("\\n") == true)
    }

    @Test func json_nested_too_deeply_is_refused_without_crashing() throws {
        let text = "{\"body\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let problem = try #require(rejectPost(text, format: .json)?.problems.first)
        #expect(problem.message.contains("nested too deeply"))
    }

    @Test func json_with_every_field_parses() throws {
        let text = """
            {
              "id": "fete-musique-2026", "action": "publish", "title": "Fête",
              "tags": ["#culture", "musique"], "channels": ["mastodon"],
              "link": "https://www.example.org/agenda", "lang": "fr", "summary": "Concerts",
              "publish_at": "2026-06-19T09:00:00+02:00", "expires_at": "2026-06-22T02:00:00+02:00",
              "event": { "start": "2026-06-21T18:00:00+02:00", "end": null, "location": "Toulouse" },
              "media": [{ "file": "affiche.png", "alt": "Une guitare" }],
              "translations": { "oc": { "title": "Fèsta", "body": "Tèxte" } },
              "overrides": { "bluesky": { "text": "Court" } },
              "body": "Le texte."
            }
            """
        let post = try parsePost(text, format: .json)
        #expect(post.tags == ["culture", "musique"])
        #expect(post.channels == ["mastodon"])
        #expect(post.event?.end == nil)
        #expect(post.event?.location == "Toulouse")
        #expect(post.media == [MediaReference(file: "affiche.png", alt: "Une guitare")])
        #expect(post.translations["oc"] == PostTranslation(title: "Fèsta", body: "Tèxte"))
        #expect(post.body == "Le texte.")
    }
}
