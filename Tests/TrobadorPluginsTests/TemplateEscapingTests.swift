import Foundation
import Testing
import TrobadorCore
@testable import TrobadorPlugins

/// What breaks naive string templates: quotes, backslashes, newlines, `&`, `/`, `#`, `+`,
/// `=`, Mustache's own braces, control characters, and emoji of several code points.
let hostile = "Fête \"de la\" musique\\ & co / 21 #juin + a=b?c\n\tligne 2\r {{text}} \u{2028} 👩🏽‍💻 🎶\u{01}"

@Suite("Template escaping")
struct TemplateEscapingTests {
    @Test func json_escaping_keeps_a_hostile_value_inside_its_string() throws {
        let escaped = TemplateEscaping.json.escape(hostile)
        let document = try JSONSerialization.jsonObject(with: Data("{\"text\": \"\(escaped)\"}".utf8)) as? [String: String]
        #expect(document?["text"] == hostile)
        #expect(!escaped.contains("\n"))
        #expect(escaped.contains("\\u2028"))
    }

    @Test func form_escaping_round_trips_through_a_form_decoder() {
        let escaped = TemplateEscaping.form.escape(hostile)
        #expect(!escaped.contains("&") && !escaped.contains("=") && !escaped.contains(" ") && !escaped.contains("/"))
        let decoded = escaped.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        #expect(decoded == hostile)
        #expect(TemplateEscaping.form.escape("a b+c") == "a+b%2Bc")
    }

    @Test func url_escaping_makes_one_component_that_cannot_add_a_path_query_or_fragment() {
        let escaped = TemplateEscaping.url.escape(hostile)
        for reserved in ["/", "?", "&", "=", "#", "+", " "] { #expect(!escaped.contains(reserved)) }
        #expect(escaped.removingPercentEncoding == hostile)
        #expect(TemplateEscaping.url.escape("a-b.c_d~e") == "a-b.c_d~e")
    }

    @Test func header_escaping_cannot_start_a_new_header() {
        let escaped = TemplateEscaping.header.escape("token\r\nX-Evil: 1")
        #expect(escaped == "token  X-Evil: 1")
    }

    @Test func a_json_template_renders_hostile_values_as_valid_json_and_raw_braces_insert_as_is() throws {
        let template = try PluginTemplate(
            #"{"text": "{{text}}", "tags": [{{#tags}}"{{.}}"{{^last()}}, {{/last()}}{{/tags}}], "n": {{attempt}}}"#,
            escaping: .json, origin: .file("t.json"), values: ValueShape.message(settings: [], phase: .create))
        let rendered = template.render(["text": hostile, "tags": ["a\"b", "c/d"], "attempt": 2])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: Any])
        #expect(document["text"] as? String == hostile)
        #expect(document["tags"] as? [String] == ["a\"b", "c/d"])
        #expect(document["n"] as? Int == 2)
    }

    @Test func a_url_template_escapes_values_but_not_the_raw_base_url() throws {
        let settings = [ChannelSettingSpec("url", .url, help: "h"), ChannelSettingSpec("room", .string, help: "h")]
        let template = try PluginTemplate(
            "{{{settings.url}}}/rooms/{{settings.room}}/send?txn={{idempotency_key}}",
            escaping: .url, origin: .file("t"), values: ValueShape.message(settings: settings, phase: .create))
        let rendered = template.render([
            "settings": ["url": "https://m.example.org/_matrix?x=1", "room": "!abc:example.org/../admin?y#z"],
            "idempotency_key": "msg_1",
        ])
        #expect(rendered == "https://m.example.org/_matrix?x=1/rooms/%21abc%3Aexample.org%2F..%2Fadmin%3Fy%23z/send?txn=msg_1")
    }

    @Test func a_post_that_contains_mustache_tags_is_not_interpreted() throws {
        let template = try PluginTemplate(
            "{{text}}", escaping: .text, origin: .file("t"), values: ValueShape.message(settings: [], phase: .create))
        #expect(template.render(["text": "{{id}} {{#x}}y{{/x}}", "id": "secret-id"]) == "{{id}} {{#x}}y{{/x}}")
    }
}
