import Testing
@testable import TrobadorCore

/// Durations, sizes and rates as written in `trobador.toml`.
@Suite struct ConfigValueSyntaxTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("30m", .seconds(1800)), ("48h", .seconds(172_800)), ("2d", .seconds(172_800)),
        ("1h30m", .seconds(5400)), ("1d2h3m4s", .seconds(93784)), ("250ms", .milliseconds(250)), (" 5s ", .seconds(5)),
        ("1H", .seconds(3600)),
    ])
    func durations_parse(text: String, expected: Duration) throws {
        #expect(try ConfigValueSyntax.duration(text) == expected)
    }

    @Test(arguments: ["", "5", "s", "1.5h", "30m1h", "1h1h", "-5s", "2 weeks", "1w", "0s", "1h 30m"])
    func bad_durations_are_refused(text: String) {
        #expect(throws: ConfigValueSyntax.Failure.self) { try ConfigValueSyntax.duration(text) }
    }

    @Test func zero_and_huge_durations_say_why() {
        #expect(throws: ConfigValueSyntax.Failure(message: "`0s`: the duration must be longer than zero")) {
            try ConfigValueSyntax.duration("0s")
        }
        #expect(throws: ConfigValueSyntax.Failure(message: "`99999999999999999d` is too long a duration")) {
            try ConfigValueSyntax.duration("99999999999999999d")
        }
    }

    @Test func durations_print_the_way_they_are_written() {
        #expect(ConfigValueSyntax.text(for: .seconds(5400)) == "1h30m")
        #expect(ConfigValueSyntax.text(for: .seconds(172_800)) == "2d")
        #expect(ConfigValueSyntax.text(for: .milliseconds(1500)) == "1s500ms")
        #expect(ConfigValueSyntax.text(for: .zero) == "0s")
    }

    @Test(arguments: [
        ("1MiB", 1 << 20), ("512KiB", 512 << 10), ("2GiB", 2 << 30), ("1MB", 1_000_000), ("500kB", 500_000),
        ("300B", 300), ("4096", 4096), ("1 mib", 1 << 20),
    ])
    func sizes_parse(text: String, expected: Int) throws {
        #expect(try ConfigValueSyntax.size(text) == expected)
    }

    @Test(arguments: ["", "MiB", "1.5MiB", "1M", "1 TiB", "-1KiB", "12 apples"])
    func bad_sizes_are_refused(text: String) {
        #expect(throws: ConfigValueSyntax.Failure.self) { try ConfigValueSyntax.size(text) }
    }

    @Test(arguments: [
        ("1/s", Rate(count: 1, period: .seconds(1))), ("300/5m", Rate(count: 300, period: .seconds(300))),
        ("10/1h", Rate(count: 10, period: .seconds(3600))), ("1000/d", Rate(count: 1000, period: .seconds(86400))),
        (" 2 / 3s ", Rate(count: 2, period: .seconds(3))),
    ])
    func rates_parse(text: String, expected: Rate) throws {
        #expect(try ConfigValueSyntax.rate(text) == expected)
    }

    @Test(arguments: ["", "1", "/s", "0/s", "-1/s", "1/", "1/x", "1/s/2", "one/s", "1/0s"])
    func bad_rates_are_refused(text: String) {
        #expect(throws: ConfigValueSyntax.Failure.self) { try ConfigValueSyntax.rate(text) }
    }

    @Test func sizes_in_the_configuration_may_be_integers_or_text() throws {
        let text = "[posts]\nmax_file_size = 2048\nmax_media_size = \"8MiB\"\n" + ConfigFixtures.fileChannel
        let posts = try ConfigFixtures.loader().parse(text, path: "t.toml").posts
        #expect(posts.maxFileSize == 2048)
        #expect(posts.maxMediaSize == 8 << 20)
        #expect(ConfigFixtures.problems("[posts]\nmax_file_size = 0\n" + ConfigFixtures.fileChannel) == [
            "t.toml:2:17: `max_file_size` in [posts] must be at least 1 byte, not 0",
        ])
    }

    @Test func likely_typos_are_suggested_and_others_are_not() {
        #expect(KeySuggestion.closest(to: "max_atempts", among: ["max_attempts", "max_age"]) == "max_attempts")
        #expect(KeySuggestion.closest(to: "tokne", among: ["token", "url"]) == "token")
        #expect(KeySuggestion.closest(to: "uri", among: ["url", "token"]) == "url")
        #expect(KeySuggestion.closest(to: "colour", among: ["url", "token", "visibility"]) == nil)
        #expect(KeySuggestion.closest(to: "ab", among: ["xy"]) == nil)
    }
}
