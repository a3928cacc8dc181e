import Testing
@testable import TrobadorCore

/// Every kind of configuration error, with the line and column `check` prints.
@Suite struct ConfigErrorTests {
    let file = ConfigFixtures.fileChannel

    @Test func toml_syntax_errors_use_tomlkits_position() {
        #expect(ConfigFixtures.problems("[spool\ndir = 1\n") == [
            "t.toml:1:7: Error while parsing table header: expected ']', saw '\\n'",
        ])
        #expect(ConfigFixtures.problems("[delivery]\nmax_attempts = \n") == [
            "t.toml:2:16: Error while parsing key-value pair: expected value, saw '\\n'",
        ])
    }

    @Test func unknown_key_is_reported_at_its_line_with_the_closest_known_key() {
        let text = "[delivery]\n  max_atempts = 3\n" + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:3: unknown key `max_atempts` in [delivery]; did you mean `max_attempts`?",
        ])
    }

    @Test func unknown_key_without_a_close_match_has_no_suggestion() {
        let text = "[spool]\ndir = \"/s\"\ncolour = \"blue\"\n" + file
        #expect(ConfigFixtures.problems(text) == ["t.toml:3:1: unknown key `colour` in [spool]"])
    }

    @Test func unknown_section_and_top_level_key_are_named_as_such() {
        let text = "verbose = true\n[spoool]\ndir = \"/s\"\n" + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:1:1: unknown key `verbose` at the top level (known: spool, state, log, posts, delivery, channel, plugin_dirs)",
            "t.toml:2:1: unknown section [spoool]; did you mean [spool]?",
        ])
    }

    @Test func wrong_type_is_reported_at_the_value() {
        let text = "[delivery]\nmax_attempts = \"20\"\n[posts]\nrequire_alt_text = \"no\"\n" + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:16: `max_attempts` in [delivery] must be a whole number, not text",
            "t.toml:4:20: `require_alt_text` in [posts] must be true or false (without quotes), not text",
        ])
    }

    @Test func out_of_range_and_unknown_choices_are_refused() {
        let text = """
            [log]
            format = "xml"
            [delivery]
            max_attempts = 0
            on_uncertain = "maybe"
            [posts]
            max_media_count = -1
            \(file)
            """
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:10: `format` in [log] must be \"logfmt\" or \"json\", not \"xml\"",
            "t.toml:4:16: `max_attempts` in [delivery] must be at least 1, not 0",
            "t.toml:5:16: `on_uncertain` in [delivery] must be \"retry\" or \"hold\", not \"maybe\"",
            "t.toml:7:19: `max_media_count` in [posts] must be at least 0, not -1",
        ])
    }

    @Test func bad_duration_size_and_rate_are_reported_at_the_value() {
        let text = """
            [delivery]
            max_age = "2 weeks"
            [posts]
            max_file_size = "1.5MiB"
            [[channel]]
            name = "outbox"
            type = "file"
            dir = "out"
            rate = "fast"
            timeout = 30
            """
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:11: `max_age` in [delivery]: `2 weeks` is not a duration: write a whole number and a unit (d, h, m, s, ms), such as \"90s\", \"30m\", \"48h\" or \"1h30m\"",
            "t.toml:4:17: `max_file_size` in [posts]: `1.5MiB` is not a size: write a whole number of bytes or a number and a unit (B, KiB, MiB, GiB, kB, MB, GB), such as \"512KiB\" or \"1MiB\"",
            "t.toml:9:8: `rate` in [[channel]] `outbox`: `fast` is not a rate: write a count of requests, a slash and a period, such as \"1/s\", \"300/5m\" or \"10/1h\"",
            "t.toml:10:11: `timeout` in [[channel]] `outbox` must be a duration in quotes, such as \"30s\" or \"1h30m\", not a whole number",
        ])
    }

    @Test func first_retry_longer_than_the_longest_interval_is_refused() {
        let text = "[delivery]\nfirst_retry = \"2h\"\n" + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:15: `first_retry` (2h) is longer than `max_retry_interval` (1h) in [delivery]",
        ])
    }

    @Test func section_written_as_a_value_is_refused() {
        let text = "spool = \"/var/spool\"\n" + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:1:1: `spool` must be a section: write [spool] on its own line and its keys below it",
        ])
    }

    @Test func channel_written_with_single_brackets_is_refused() {
        let text = "[channel]\nname = \"outbox\"\ntype = \"file\"\ndir = \"out\"\n"
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:1:1: `channel` must be a list of blocks: write [[channel]] (two brackets) above each channel's keys",
            "t.toml:1:1: no channel is enabled: posts would go nowhere; add a [[channel]] block, or set enabled = true on one",
        ])
    }

    @Test func missing_required_keys_are_reported_at_the_block_header() {
        let text = """
            [delivery]
            max_attempts = 5

              [[channel]]
              type = "mastodon"
              token = "x"

            [[channel]]
            name = "m"
            """
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:4:3: [[channel]] has no `name`: add name = \"...\" (a-z, 0-9, `.`, `_` and `-`)",
            "t.toml:4:3: [[channel]] #1 (type mastodon) has no `url`: the instance, such as https://mastodon.social",
            "t.toml:8:1: [[channel]] `m` has no `type`: add type = \"...\" (known types: discord, file, mastodon, webhook)",
        ])
    }

    @Test func unknown_channel_type_names_the_known_types() {
        let text = "[[channel]]\nname = \"m\"\ntype = \"mastdon\"\n"
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:3:8: unknown channel type `mastdon` in [[channel]] `m` (known types: discord, file, mastodon, webhook); did you mean `mastodon`?",
        ])
    }

    @Test func unknown_channel_key_suggests_or_lists_the_type_keys() {
        let text = """
            [[channel]]
            name = "m"
            type = "mastodon"
            url = "https://mastodon.social"
            tokn = "x"
            colour = "blue"
            """
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:1:1: [[channel]] `m` (type mastodon) has no `token`: an access token with write:statuses",
            "t.toml:5:1: unknown key `tokn` in [[channel]] `m`; did you mean `token`?",
            "t.toml:6:1: unknown key `colour` in [[channel]] `m`; mastodon channels take url, token, visibility besides the common keys",
        ])
    }

    @Test func channel_values_of_the_wrong_kind_are_refused() {
        let text = """
            [[channel]]
            name = "Hook!"
            type = "webhook"
            url = "ftp://example.org/in"
            headers = { X-Count = 3 }
            retries = "3"
            markdown = 1
            events = ["a", 2]
            lang = "français"
            concurrency = 0
            """
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:8: channel name `Hook!` may use only a-z, 0-9, `.`, `_` and `-`, up to 128 characters",
            "t.toml:4:7: `url` in [[channel]] `Hook!` must be an http or https URL, such as \"https://example.org\"",
            "t.toml:5:11: `headers.X-Count` in [[channel]] `Hook!` must be text",
            "t.toml:6:11: `retries` in [[channel]] `Hook!` must be a whole number, not text",
            "t.toml:7:12: `markdown` in [[channel]] `Hook!` must be true or false (without quotes), not a whole number",
            "t.toml:8:10: `events[1]` in [[channel]] `Hook!` must be non-empty text",
            "t.toml:9:8: `lang` in [[channel]] `Hook!` must be a language tag such as \"fr\", \"oc\" or \"en-GB\"",
            "t.toml:10:15: `concurrency` in [[channel]] `Hook!` must be at least 1, not 0",
        ])
    }

    @Test func duplicate_channel_names_are_reported_on_both_lines() {
        let text = file + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:3:8: channel name `outbox` is used more than once (also on line 8): names must be unique",
            "t.toml:8:8: channel name `outbox` is used more than once (also on line 3): names must be unique",
        ])
    }

    @Test func defaults_must_name_configured_channels() {
        let text = "[delivery]\ndefaults = [\"outbx\", \"mastodon\"]\n" + file
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:2:12: `defaults` in [delivery] names `outbx`, which is not a configured channel (channels: outbox); did you mean `outbox`?",
            "t.toml:2:12: `defaults` in [delivery] names `mastodon`, which is not a configured channel (channels: outbox)",
        ])
    }

    @Test func defaults_naming_a_disabled_channel_is_a_warning() throws {
        let text = "[delivery]\ndefaults = [\"off\"]\n" + file + "[[channel]]\nname = \"off\"\ntype = \"file\"\ndir = \"x\"\nenabled = false\n"
        let configuration = try ConfigFixtures.loader().parse(text, path: "t.toml")
        #expect(configuration.warnings.map(\.description) == [
            "t.toml:2:12: warning: `defaults` in [delivery] names `off`, which is disabled: posts routed by default skip it",
        ])
    }

    @Test func a_configuration_without_an_enabled_channel_is_refused() {
        #expect(ConfigFixtures.problems("[spool]\ndir = \"/s\"\n") == [
            "t.toml:1:1: no channel is enabled: posts would go nowhere; add a [[channel]] block, or set enabled = true on one",
        ])
        let disabled = "# parked\n[[channel]]\nname = \"o\"\ntype = \"file\"\ndir = \"x\"\nenabled = false\n"
        #expect(ConfigFixtures.problems(disabled) == [
            "t.toml:2:1: no channel is enabled: posts would go nowhere; add a [[channel]] block, or set enabled = true on one",
        ])
    }

    @Test func channels_as_an_inline_array_fall_back_to_the_channel_key() {
        let text = "channel = [{ name = \"o\", type = \"file\" }]\n"
        #expect(ConfigFixtures.problems(text) == [
            "t.toml:1:1: [[channel]] `o` (type file) has no `dir`: where to write",
        ])
    }

    @Test func all_problems_are_reported_in_file_order() {
        let text = """
            [[channel]]
            name = "a"
            type = "nope"
            [log]
            format = 1
            [state]
            paht = "x"
            """
        #expect(ConfigFixtures.problems(text).map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == [
            "t.toml:3:8", "t.toml:5:10", "t.toml:7:1",
        ])
    }
}
