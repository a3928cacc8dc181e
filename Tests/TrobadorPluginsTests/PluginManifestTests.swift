import Foundation
import Testing
import TrobadorCore
@testable import TrobadorPlugins

/// A small valid declarative plugin, to break one piece at a time.
let validManifest = """
    summary = "Example network"

    [settings.url]
    kind = "url"
    required = true
    secret = true
    help = "the endpoint"

    [capabilities]
    format = "markdown"
    max_length = 500

    [create]
    method = "POST"
    url = "{{{settings.url}}}/messages"
    body_file = "create.json"

    [create.response]
    remote_id = "/id"
    """

let validBody = """
    {"text": "{{text}}", "post": "{{id}}"}

    """

@Suite("plugin.toml is read and checked with lines")
struct PluginManifestTests {
    private func problems(_ files: [String: String]) throws -> [ConfigurationProblem] {
        let folder = try PluginFolder()
        defer { folder.remove() }
        try folder.plugin("example", files)
        guard case .failure(let failure) = folder.read("example") else { return [] }
        return failure.problems.map {
            var problem = $0
            problem.path = problem.path.replacingOccurrences(of: folder.path + "/", with: "")
            return problem
        }
    }

    @Test func a_valid_plugin_loads_with_its_settings_capabilities_and_requests() throws {
        let folder = try PluginFolder()
        defer { folder.remove() }
        try folder.plugin("example", ["plugin.toml": validManifest, "create.json": validBody])
        let (manifest, warnings) = try folder.read("example").get()
        #expect(warnings.isEmpty)
        #expect(manifest.name == "example")
        #expect(manifest.settings == [ChannelSettingSpec("url", .url, required: true, secret: true, help: "the endpoint")])
        #expect(manifest.capabilities.maxLength == 500)
        #expect(manifest.capabilities.formatting == .markdown)
        #expect(!manifest.capabilities.edit && !manifest.capabilities.delete)
        #expect(manifest.rendering.format == .ntfyMarkdown)
    }

    @Test func a_toml_syntax_error_is_reported_at_its_line() throws {
        let found = try problems(["plugin.toml": validManifest.replacingOccurrences(of: "max_length = 500", with: "max_length = = 500"), "create.json": validBody])
        #expect(found.count == 1)
        #expect(found[0].path == "example/plugin.toml")
        #expect(found[0].line == 11)
    }

    @Test func an_unknown_key_is_reported_at_its_line_and_column_with_the_known_keys() throws {
        let found = try problems(["plugin.toml": validManifest.replacingOccurrences(of: "max_length = 500", with: "max_lenght = 500"), "create.json": validBody])
        #expect(found.map(\.description) == [
            "example/plugin.toml:11:1: unknown key `max_lenght` in [capabilities] (known: format, max_length, length, contents, idempotency_key, concurrency, rate, edit, delete, threads)",
        ])
    }

    @Test func a_template_naming_a_value_that_does_not_exist_is_reported_in_its_file() throws {
        let found = try problems(["plugin.toml": validManifest, "create.json": "{\n  \"text\": \"{{txet}}\",\n  \"to\": \"{{settings.room}}\"\n}\n"])
        #expect(found.count == 2)
        #expect(found[0].description.hasPrefix("example/create.json:2:12: `txet` is not a value templates receive"))
        #expect(found[1].description.hasPrefix("example/create.json:3:10: `settings.room`: `settings` has no `room` (it has url)"))
    }

    @Test func an_inline_template_problem_is_placed_in_plugin_toml() throws {
        let found = try problems(["plugin.toml": validManifest.replacingOccurrences(of: "/messages\"", with: "/rooms/{{remote_id}}\""), "create.json": validBody])
        #expect(found.count == 1)
        #expect(found[0].description.hasPrefix("example/plugin.toml:15:33: `remote_id` is known only in [update] and [delete] requests"))
    }

    @Test func a_template_syntax_error_is_reported_with_its_line() throws {
        let found = try problems(["plugin.toml": validManifest, "create.json": "{\n\"text\": \"{{#title}}{{title}}\"\n}\n"])
        #expect(found.count == 1)
        #expect(found[0].path == "example/create.json")
        #expect(found[0].message.contains("never closed"))
    }

    @Test func a_raw_value_that_would_break_the_json_body_is_caught_with_the_hostile_sample() throws {
        let found = try problems(["plugin.toml": validManifest, "create.json": "{\"text\": \"{{{text}}}\"}\n"])
        #expect(found.count == 1)
        #expect(found[0].description.hasPrefix("example/create.json:1:1: with a sample post, the JSON body is not valid JSON"))
    }

    @Test func a_url_without_the_raw_base_is_refused() throws {
        let found = try problems(["plugin.toml": validManifest.replacingOccurrences(of: "{{{settings.url}}}", with: "{{settings.url}}"), "create.json": validBody])
        #expect(found.count == 1)
        #expect(found[0].description.hasPrefix("example/plugin.toml:15:7: with a sample post, `url` renders as"))
    }

    @Test func a_declared_idempotency_key_that_the_request_never_sends_is_refused() throws {
        let manifest = validManifest.replacingOccurrences(of: "max_length = 500", with: "idempotency_key = \"Idempotency-Key\"")
        let found = try problems(["plugin.toml": manifest, "create.json": validBody])
        #expect(found.map(\.line) == [11])
        #expect(found[0].message.contains("never sends {{idempotency_key}}"))
    }

    @Test func a_missing_executable_and_a_program_outside_the_folder_are_refused() throws {
        let missing = try problems(["plugin.toml": "summary = \"x\"\nexec = \"./send\"\n"])
        #expect(missing.map(\.description).first?.hasPrefix("example/plugin.toml:2:8: `exec`: no program at") == true)
        let outside = try problems(["plugin.toml": "summary = \"x\"\nexec = \"../other/send\"\n"])
        #expect(outside.map(\.line) == [2])
    }

    @Test func a_setting_named_like_a_common_channel_key_is_refused() throws {
        let manifest = validManifest + "\n\n[settings.tags]\nkind = \"string\"\nhelp = \"h\"\n"
        let found = try problems(["plugin.toml": manifest, "create.json": validBody])
        #expect(found.count == 1)
        #expect(found[0].message.contains("a key every channel has"))
    }

    @Test func an_explain_table_without_a_place_to_read_the_error_and_an_empty_meaning_are_refused() throws {
        let nowhere = try problems(["plugin.toml": validManifest + "\n\n[create.response.explain]\nno_service = \"the hook was removed\"\n", "create.json": validBody])
        #expect(nowhere.map(\.line) == [21], "the [create.response.explain] line")
        #expect(nowhere.first?.message.contains("say where they are with `error_code` or `error`") == true)
        let empty = try problems(["plugin.toml": validManifest + "\nerror = \"\"\n\n[create.response.explain]\nno_service = \"\"\n", "create.json": validBody])
        #expect(empty.map(\.line) == [23])
        #expect(empty.first?.message.contains("is empty") == true)
    }

    @Test func reply_without_threads_and_thread_values_outside_reply_are_refused() throws {
        let reply = "\n\n[reply]\nmethod = \"POST\"\nurl = \"{{{settings.url}}}/messages/{{thread.first_id}}\"\n"
        let withoutThreads = try problems(["plugin.toml": validManifest + reply, "create.json": validBody])
        #expect(withoutThreads.map(\.line) == [21], "the [reply] line")
        #expect(withoutThreads.first?.message.contains("set `threads = true` in [capabilities]") == true)
        let threaded = validManifest.replacingOccurrences(of: "max_length = 500", with: "max_length = 500\nthreads = true")
        let inCreate = try problems(["plugin.toml": threaded + reply, "create.json": #"{"text": "{{text}}", "root": "{{thread.previous_id}}"}"#])
        #expect(inCreate.count == 1)
        #expect(inCreate.first?.description.hasPrefix("example/create.json:1:31: `thread.previous_id` is known only in [reply]") == true, "\(inCreate)")
        let folder = try PluginFolder()
        defer { folder.remove() }
        try folder.plugin("example", ["plugin.toml": threaded + reply, "create.json": validBody])
        let (manifest, _) = try folder.read("example").get()
        #expect(manifest.capabilities.threads && manifest.rendering.threads)
    }
}
