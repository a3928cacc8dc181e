import Testing
@testable import TrobadorCore

/// Secrets from the environment, files and systemd credentials; the literal-secret warning.
@Suite struct ConfigSecretTests {
    static func mastodon(token: String, enabled: Bool = true) -> String {
        """
        [[channel]]
        name = "m"
        type = "mastodon"
        url = "https://mastodon.social"
        token = \(token)
        enabled = \(enabled)

        """
    }

    static func token(of configuration: Configuration) -> Secret? {
        if case .secret(let secret) = configuration.channels.first?.settings["token"] { secret } else { nil }
    }

    @Test func secret_from_the_environment() throws {
        let loader = ConfigFixtures.loader(environment: ["MASTODON_TOKEN": "tok-env"])
        let configuration = try loader.parse(Self.mastodon(token: "{ env = \"MASTODON_TOKEN\" }"), path: "t.toml")
        #expect(Self.token(of: configuration) == Secret("tok-env", origin: "env MASTODON_TOKEN"))
    }

    @Test func secret_from_a_file_loses_its_trailing_newline() throws {
        let directory = try ConfigTemporaryDirectory()
        let file = try directory.write("tok-file\r\n\n", to: "token")
        let configuration = try ConfigFixtures.loader().parse(Self.mastodon(token: "{ file = \"\(file)\" }"), path: "t.toml")
        #expect(Self.token(of: configuration) == Secret("tok-file", origin: "file \(file)"))
    }

    @Test func secret_file_path_is_relative_to_the_configuration() throws {
        let directory = try ConfigTemporaryDirectory()
        _ = try directory.makeSubdirectory("secrets")
        try directory.write("tok-rel\n", to: "secrets/token")
        let configuration = try ConfigFixtures.loader()
            .parse(Self.mastodon(token: "{ file = \"secrets/token\" }"), path: directory.path + "/trobador.toml")
        #expect(Self.token(of: configuration)?.value == "tok-rel")
    }

    @Test func secret_from_a_systemd_credential() throws {
        let directory = try ConfigTemporaryDirectory()
        try directory.write("tok-cred\n", to: "mastodon-token")
        let loader = ConfigFixtures.loader(environment: ["CREDENTIALS_DIRECTORY": directory.path])
        let configuration = try loader.parse(Self.mastodon(token: "{ credential = \"mastodon-token\" }"), path: "t.toml")
        #expect(Self.token(of: configuration) == Secret("tok-cred", origin: "credential \"mastodon-token\""))
    }

    @Test func credential_without_credentials_directory_says_so() {
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ credential = \"mastodon-token\" }")) == [
            "t.toml:5:9: [[channel]] `m`: `token` reads the systemd credential `mastodon-token`, but CREDENTIALS_DIRECTORY is not set: "
                + "run under systemd with LoadCredential=mastodon-token:/path/to/file, or use { env = \"NAME\" } or { file = \"/path\" }",
        ])
    }

    @Test func missing_credential_file_says_so() throws {
        let directory = try ConfigTemporaryDirectory()
        let problems = ConfigFixtures.problems(
            Self.mastodon(token: "{ credential = \"mastodon-token\" }"), environment: ["CREDENTIALS_DIRECTORY": directory.path])
        #expect(problems == [
            "t.toml:5:9: [[channel]] `m`: `token` reads the systemd credential `mastodon-token`, but \(directory.path)/mastodon-token "
                + "cannot be read (No such file or directory): check LoadCredential=mastodon-token:... in the unit",
        ])
    }

    @Test func unset_or_empty_environment_variable_is_an_error() {
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ env = \"NOPE\" }")) == [
            "t.toml:5:9: [[channel]] `m`: `token` reads the environment variable NOPE, which is not set",
        ])
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ env = \"EMPTY\" }"), environment: ["EMPTY": ""]) == [
            "t.toml:5:9: [[channel]] `m`: `token` reads the environment variable EMPTY, which is empty",
        ])
    }

    @Test func missing_secret_file_is_an_error() {
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ file = \"/nonexistent/token\" }")) == [
            "t.toml:5:9: [[channel]] `m`: `token` reads the file /nonexistent/token, which cannot be read (No such file or directory)",
        ])
    }

    @Test func secret_table_must_have_exactly_one_known_source() {
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ env = \"A\", file = \"/b\" }")) == [
            "t.toml:5:9: [[channel]] `m`: `token` has both `env` and `file`: keep only one",
        ])
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ envv = \"A\" }")) == [
            "t.toml:5:9: [[channel]] `m`: unknown key `envv` in `token`; did you mean `env`?",
        ])
        #expect(ConfigFixtures.problems(Self.mastodon(token: "{ vault = \"A\" }")) == [
            "t.toml:5:9: [[channel]] `m`: unknown key `vault` in `token`: write text, "
                + "or a table with one of `credential`, `env` or `file`, such as { credential = \"token\" }",
        ])
        #expect(ConfigFixtures.problems(Self.mastodon(token: "42")) == [
            "t.toml:5:9: [[channel]] `m`: `token` must be a secret: write text, "
                + "or a table with one of `credential`, `env` or `file`, such as { credential = \"token\" }",
        ])
    }

    @Test func a_plain_setting_cannot_come_from_the_environment() {
        let text = "[[channel]]\nname = \"m\"\ntype = \"mastodon\"\ntoken = \"t\"\nurl = { env = \"URL\" }\n"
        #expect(ConfigFixtures.problems(text, environment: ["URL": "https://x.example"]) == [
            "t.toml:5:7: `url` in [[channel]] `m` is not a secret, so it cannot come from a credential, "
                + "the environment or a file: write it as text in quotes",
        ])
    }

    @Test func a_secret_never_appears_in_an_error() {
        let text = "[[channel]]\nname = \"d\"\ntype = \"discord\"\nurl = { env = \"HOOK\" }\n"
        let problems = ConfigFixtures.problems(text, environment: ["HOOK": "not-a-url-SECRET42"])
        #expect(problems == ["t.toml:4:7: `url` in [[channel]] `d` (from env HOOK) must be an http or https URL"])
        #expect(!problems.joined().contains("SECRET42"))
    }

    @Test func a_secret_prints_as_stars() {
        let secret = Secret("tok", origin: "literal")
        #expect("\(secret)" == "***")
        #expect(!String(reflecting: secret).contains("tok"))
    }

    @Test func disabled_channel_secrets_are_not_read() throws {
        let text = ConfigFixtures.fileChannel + Self.mastodon(token: "{ env = \"NOT_YET\" }", enabled: false)
        let configuration = try ConfigFixtures.loader().parse(text, path: "t.toml")
        #expect(configuration.channel(named: "m")?.settings["token"] == nil)
        #expect(configuration.channel(named: "m")?.enabled == false)
    }

    @Test func literal_secret_in_a_file_others_can_read_is_a_warning() throws {
        let directory = try ConfigTemporaryDirectory()
        let path = try directory.write(Self.mastodon(token: "\"tok-literal\""), to: "trobador.toml", mode: 0o644)
        let configuration = try ConfigFixtures.loader().load(path: path)
        #expect(Self.token(of: configuration) == Secret("tok-literal", origin: "literal"))
        #expect(configuration.warnings.map(\.description) == [
            "\(path):5:9: warning: `token` in [[channel]] `m` is a secret written in a file others can read (mode 0644): "
                + "make the file readable by its owner only (chmod 600), or use { credential = \"NAME\" }, { env = \"NAME\" } or { file = \"/path\" }",
        ])
        #expect(!configuration.warnings.description.contains("tok-literal"))
    }

    @Test func literal_secret_in_a_private_file_is_fine() throws {
        let directory = try ConfigTemporaryDirectory()
        let path = try directory.write(Self.mastodon(token: "\"tok-literal\""), to: "trobador.toml", mode: 0o600)
        #expect(try ConfigFixtures.loader().load(path: path).warnings.isEmpty)
    }

    @Test func secret_reference_in_a_readable_file_is_fine() throws {
        let directory = try ConfigTemporaryDirectory()
        let path = try directory.write(Self.mastodon(token: "{ env = \"T\" }"), to: "trobador.toml", mode: 0o644)
        #expect(try ConfigFixtures.loader(environment: ["T": "x"]).load(path: path).warnings.isEmpty)
    }

    @Test func warnings_travel_with_errors() throws {
        let directory = try ConfigTemporaryDirectory()
        let path = try directory.write(
            Self.mastodon(token: "\"tok\"") + "[log]\nformat = 3\n", to: "trobador.toml", mode: 0o640)
        #expect {
            try ConfigFixtures.loader().load(path: path)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.problems.count == 1 && error.warnings.count == 1 && error.warnings[0].line == 5
        }
    }
}
