import Foundation
import Testing
@testable import TrobadorCore

/// SPEC's example configuration, the embedded default, finding the configuration, and paths.
@Suite struct ConfigExampleTests {
    static let specExample = """
        [spool]
        dir = "/var/spool/trobador"          # inbox/, archive/, rejected/ below it

        [state]
        path = "/var/lib/trobador/state.sqlite"

        [log]
        format = "logfmt"                    # or "json"
        file = "/var/log/trobador/deliveries.log"   # optional, besides stderr; reopened on SIGHUP

        [delivery]
        max_attempts = 20
        max_age = "48h"
        on_uncertain = "retry"               # or "hold"
        defaults = ["mastodon"]              # channels for posts with no channels and no matching tags

        [[channel]]
        name = "mastodon"
        type = "mastodon"
        url = "https://mastodon.social"
        token = { credential = "mastodon-token" }   # or { env = "NAME" }, { file = "/path" }, or a literal
        tags = ["culture", "actualites"]
        lang = "fr"

        [[channel]]
        name = "discord-culture"
        type = "discord"
        url = { credential = "discord-culture-webhook" }
        tags = ["culture"]

        """

    @Test func spec_example_parses_into_the_right_values() throws {
        let directory = try ConfigTemporaryDirectory()
        let credentials = try directory.makeSubdirectory("credentials")
        try directory.write("tok-123\n", to: "credentials/mastodon-token")
        try directory.write("https://discord.com/api/webhooks/1/abc", to: "credentials/discord-culture-webhook")
        let loader = ConfigurationLoader(channelTypes: ConfigFixtures.channelTypes, environment: ["CREDENTIALS_DIRECTORY": credentials])

        let configuration = try loader.parse(Self.specExample, path: "/etc/trobador/trobador.toml")

        #expect(configuration.sourcePath == "/etc/trobador/trobador.toml")
        #expect(configuration.spoolDirectory == "/var/spool/trobador")
        #expect(configuration.statePath == "/var/lib/trobador/state.sqlite")
        #expect(configuration.log == LogSettings(format: .logfmt, file: "/var/log/trobador/deliveries.log"))
        #expect(configuration.delivery == DeliverySettings(
            maxAttempts: 20, maxAge: .seconds(48 * 3600), onUncertain: .retry, defaultChannels: ["mastodon"]))
        #expect(configuration.posts == PostRules())
        #expect(configuration.pluginDirectories.isEmpty)
        #expect(configuration.warnings.isEmpty)

        #expect(configuration.channels.count == 2)
        let mastodon = try #require(configuration.channel(named: "mastodon"))
        #expect(mastodon.type == "mastodon")
        #expect(mastodon.line == 17)
        #expect(mastodon.tags == ["culture", "actualites"])
        #expect(mastodon.lang == "fr")
        #expect(mastodon.enabled)
        #expect(mastodon.settings["url"] == .string("https://mastodon.social"))
        #expect(mastodon.settings["token"] == .secret(Secret("tok-123", origin: "credential \"mastodon-token\"")))
        #expect(mastodon.secretValues == ["tok-123"])

        let discord = try #require(configuration.channel(named: "discord-culture"))
        #expect(discord.line == 25)
        #expect(discord.tags == ["culture"])
        #expect(discord.lang == nil)
        #expect(discord.text("url") == "https://discord.com/api/webhooks/1/abc")
        #expect(discord.concurrency == nil && discord.rate == nil && discord.timeout == nil)
    }

    @Test func every_documented_key_is_read() throws {
        let text = """
            plugin_dirs = ["/opt/trobador/plugins"]
            [log]
            format = "json"
            [posts]
            max_file_size = "512KiB"
            max_media_size = 1000000
            max_media_count = 2
            require_alt_text = false
            [delivery]
            max_attempts = 3
            max_age = "2d"
            first_retry = "90s"
            max_retry_interval = "1h30m"
            on_uncertain = "hold"
            [[channel]]
            name = "hook.1"
            type = "webhook"
            url = "http://127.0.0.1:8080/in"
            headers = { X-Team = "com", Authorization = "Bearer x" }
            enabled = true
            concurrency = 4
            rate = "300/5m"
            timeout = "30s"
            lang = "en-GB"
            """
        let configuration = try ConfigFixtures.loader().parse(text, path: "/srv/t/trobador.toml")

        #expect(configuration.pluginDirectories == ["/opt/trobador/plugins"])
        #expect(configuration.log.format == .json)
        #expect(configuration.log.file == nil)
        #expect(configuration.posts == PostRules(maxFileSize: 512 * 1024, maxMediaSize: 1_000_000, maxMediaCount: 2, requireAltText: false))
        #expect(configuration.delivery == DeliverySettings(
            maxAttempts: 3, maxAge: .seconds(2 * 86400), firstRetry: .seconds(90), maxRetryInterval: .seconds(5400), onUncertain: .hold))
        let hook = try #require(configuration.channels.first)
        #expect(hook.name == "hook.1")
        #expect(hook.settings["headers"] == .table(["X-Team": "com", "Authorization": "Bearer x"]))
        #expect(hook.concurrency == 4)
        #expect(hook.rate == Rate(count: 300, period: .seconds(300)))
        #expect(hook.timeout == .seconds(30))
        #expect(hook.lang == "en-GB")
    }

    @Test func embedded_default_is_a_spool_and_an_outbox_in_the_working_directory() {
        let configuration = ConfigFixtures.loader().embeddedDefault(workingDirectory: "/home/ana/news")

        #expect(configuration.sourcePath == nil)
        #expect(configuration.spoolDirectory == "/home/ana/news/spool")
        #expect(configuration.statePath == "/home/ana/news/spool/state.sqlite")
        #expect(configuration.channels == [
            ChannelConfig(name: "outbox", type: "file", settings: ["dir": .string("/home/ana/news/spool/outbox")]),
        ])
        #expect(configuration.delivery.defaultChannels == ["outbox"])
        #expect(configuration.log == LogSettings())
        #expect(configuration.warnings.isEmpty)
    }

    @Test func configuration_is_found_by_flag_then_working_directory_then_default() throws {
        let directory = try ConfigTemporaryDirectory()
        #expect(ConfigurationSource.find(explicitPath: "/etc/t.toml", workingDirectory: directory.path)
            == .file(path: "/etc/t.toml"))
        #expect(ConfigurationSource.find(explicitPath: nil, workingDirectory: directory.path)
            == .embeddedDefault(workingDirectory: directory.path))
        try directory.write("", to: "trobador.toml")
        #expect(ConfigurationSource.find(explicitPath: nil, workingDirectory: directory.path)
            == .file(path: directory.path + "/trobador.toml"))
    }

    @Test func loading_without_a_file_gives_the_embedded_default() throws {
        let directory = try ConfigTemporaryDirectory()
        let configuration = try ConfigFixtures.loader().load(explicitPath: nil, workingDirectory: directory.path)
        #expect(configuration.channel(named: "outbox") != nil)
        #expect(configuration.spoolDirectory == directory.path + "/spool")
    }

    @Test func a_missing_explicit_file_is_an_error_not_the_default() {
        #expect {
            try ConfigFixtures.loader().load(explicitPath: "/nonexistent/trobador.toml")
        } throws: { error in
            (error as? ConfigurationError)?.description
                == "/nonexistent/trobador.toml:1:1: cannot read the configuration: No such file or directory"
        }
    }

    @Test func relative_paths_are_resolved_against_the_configuration_directory() throws {
        let text = """
            plugin_dirs = ["plugins", "/usr/local/share/trobador/plugins"]
            [spool]
            dir = "./data/spool/"
            [state]
            path = "../state/db.sqlite"
            [log]
            file = "logs/deliveries.log"
            \(ConfigFixtures.fileChannel)
            """
        let configuration = try ConfigFixtures.loader().parse(text, path: "/srv/trobador/etc/trobador.toml")

        #expect(configuration.spoolDirectory == "/srv/trobador/etc/data/spool")
        #expect(configuration.statePath == "/srv/trobador/state/db.sqlite")
        #expect(configuration.log.file == "/srv/trobador/etc/logs/deliveries.log")
        #expect(configuration.pluginDirectories == ["/srv/trobador/etc/plugins", "/usr/local/share/trobador/plugins"])
        // Type settings are left to their type.
        #expect(configuration.channels.first?.text("dir") == "out")
    }

    @Test func absent_sections_default_to_a_spool_beside_the_configuration() throws {
        let configuration = try ConfigFixtures.loader().parse(ConfigFixtures.fileChannel, path: "/srv/t/trobador.toml")
        #expect(configuration.spoolDirectory == "/srv/t/spool")
        #expect(configuration.statePath == "/srv/t/spool/state.sqlite")
        #expect(configuration.delivery == DeliverySettings())
    }

    @Test func state_follows_a_configured_spool() throws {
        let text = "[spool]\ndir = \"/var/spool/t\"\n" + ConfigFixtures.fileChannel
        let configuration = try ConfigFixtures.loader().parse(text, path: "/srv/t/trobador.toml")
        #expect(configuration.statePath == "/var/spool/t/state.sqlite")
    }
}

// MARK: - Fixtures shared by the Config*Tests suites

enum ConfigFixtures {
    /// Channel types as the channel adapters would declare them (for tests only).
    static let channelTypes: [String: [ChannelSettingSpec]] = [
        "mastodon": [
            ChannelSettingSpec("url", .url, required: true, help: "the instance, such as https://mastodon.social"),
            ChannelSettingSpec("token", .string, required: true, secret: true, help: "an access token with write:statuses"),
            ChannelSettingSpec("visibility", .string, help: "public, unlisted, private or direct"),
        ],
        "discord": [
            ChannelSettingSpec("url", .url, required: true, secret: true, help: "the webhook URL"),
            ChannelSettingSpec("thread_id", .string, help: "post into this thread"),
        ],
        "webhook": [
            ChannelSettingSpec("url", .url, required: true, help: "where to POST"),
            ChannelSettingSpec("secret", .string, secret: true, help: "a whsec_ signing secret"),
            ChannelSettingSpec("headers", .stringTable, help: "extra HTTP headers"),
            ChannelSettingSpec("retries", .integer, help: "a test integer"),
            ChannelSettingSpec("markdown", .boolean, help: "a test boolean"),
            ChannelSettingSpec("events", .stringList, help: "a test list"),
        ],
        "file": [ChannelSettingSpec("dir", .string, required: true, help: "where to write")],
    ]

    static let fileChannel = """

        [[channel]]
        name = "outbox"
        type = "file"
        dir = "out"

        """

    static func loader(environment: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(channelTypes: channelTypes, environment: environment)
    }

    /// The problems of a configuration that must fail, as `check` would print them.
    static func problems(_ text: String, environment: [String: String] = [:], path: String = "t.toml") -> [String] {
        do {
            _ = try loader(environment: environment).parse(text, path: path)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }
}

/// A fresh directory under the system's temporary directory, removed when released.
final class ConfigTemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "trobador-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func makeSubdirectory(_ name: String) throws -> String {
        let subdirectory = path + "/" + name
        try FileManager.default.createDirectory(atPath: subdirectory, withIntermediateDirectories: true)
        return subdirectory
    }

    @discardableResult
    func write(_ text: String, to name: String, mode: Int = 0o600) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}
