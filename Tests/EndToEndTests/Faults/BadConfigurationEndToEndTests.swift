import Foundation
import Testing
import TrobadorTestSupport

/// Configurations that crashed the TOML parser (found by fuzzing), given to the real binary:
/// `check` reports each with its line instead of dying; `plugin_dirs` is read before the
/// configuration through the same guarded parser.
@Suite struct BadConfigurationEndToEndTests {
    @Test(arguments: [
        ("[spool]\ndir = \"spool\"\n\n[émissions]\nx = 1\n", "trobador.toml:4:"),
        ("[spool]\ndir = \"spool\"\n[[[channel]]\n", "trobador.toml:3:"),
        ("[delivery]\ndefaults = [}\n", "trobador.toml:2:"),
        ("[spool]\ndir = \"s\"\n[\n", "trobador.toml:3:"),
        ("a" + String(repeating: ".a", count: 50_000) + " = 1\n", "trobador.toml:1:"),
    ])
    func check_reports_a_configuration_that_used_to_crash_the_parser_with_its_line(text: String, place: String) async throws {
        let fixture = try EndToEndFixture("bad-config")
        defer { fixture.remove() }
        try fixture.directory.write("trobador.toml", text)
        let result = try await fixture.trobador(["check", "-c", "trobador.toml"])
        #expect(result.status == 2, "an exit status, not a signal: \(result.status) \(result.err.prefix(300))")
        #expect(result.err.contains(place) || result.out.contains(place), "\(result.out)\(result.err.prefix(300))")
        #expect(!result.err.contains("Assertion") && !result.err.contains("crashed"))
    }
}
