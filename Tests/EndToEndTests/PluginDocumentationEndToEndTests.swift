import Foundation
import Testing
import TrobadorTestSupport

/// Telegraf's rule: the sample configuration in a plugin's README is checked against the real
/// thing, so the documentation cannot drift from the code.
@Suite("Shipped plugins' README samples pass check")
struct PluginDocumentationEndToEndTests {
    static let pluginsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("plugins").path

    static var shipped: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: pluginsDirectory)) ?? [])
            .filter { FileManager.default.fileExists(atPath: pluginsDirectory + "/" + $0 + "/plugin.toml") }.sorted()
    }

    /// The first ```toml block of a README.
    static func sample(in readme: String) -> String? {
        guard let start = readme.range(of: "```toml\n"), let end = readme.range(of: "\n```", range: start.upperBound..<readme.endIndex) else {
            return nil
        }
        return String(readme[start.upperBound..<end.lowerBound])
    }

    @Test func the_required_plugins_ship() {
        for name in ["slack", "teams", "mattermost", "google-chat", "rocket-chat", "gotify", "zulip", "form-webhook", "python-webhook"] {
            #expect(Self.shipped.contains(name), "plugins/\(name) is missing")
        }
    }

    @Test(arguments: shipped)
    func the_readme_sample_block_passes_check(plugin: String) async throws {
        let readme = try String(contentsOfFile: Self.pluginsDirectory + "/\(plugin)/README.md", encoding: .utf8)
        let block = try #require(Self.sample(in: readme), "plugins/\(plugin)/README.md has no ```toml block")
        #expect(block.contains("type = \"\(plugin)\""), "the sample is a [[channel]] of type \(plugin)")
        let directory = try TemporaryDirectory("readme-\(plugin)")
        defer { directory.remove() }
        // Each credential the sample names exists, holding a value any setting accepts.
        let credentials = directory.file("credentials")
        let pattern = try Regex(#"credential = "([^"]+)""#)
        for match in block.matches(of: pattern) {
            try directory.write("credentials/" + String(match.output[1].substring ?? ""), "https://example.org/hooks/credential-value")
        }
        try directory.write("trobador.toml", "[spool]\ndir = \"spool\"\n\n" + block + "\n")
        chmod(directory.file("trobador.toml"), 0o600)
        let result = try await TrobadorBinary.run(
            ["check", "-c", directory.file("trobador.toml")], in: directory.path,
            environment: ["CREDENTIALS_DIRECTORY": credentials, "TROBADOR_PLUGINS_DIR": Self.pluginsDirectory])
        #expect(result.status == 0, "plugins/\(plugin)/README.md sample: \(result.err)")
        #expect(result.err.isEmpty, "no warning either: \(result.err)")
    }
}
