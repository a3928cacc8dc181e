import Foundation
import Testing
import TrobadorChannels
@testable import TrobadorCore

/// etc/trobador/trobador.toml, the configuration `systemd/install.sh` installs.
@Suite struct ExampleConfigurationTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/etc/trobador/trobador.toml"

    @Test func the_commented_out_values_are_the_real_defaults() throws {
        let loader = ConfigurationLoader(channelTypes: BuiltinChannels.settingSpecs, environment: [:])
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let uncommented = text.replacingOccurrences(of: #"(?m)^#([a-z_]+ = )"#, with: "$1", options: .regularExpression)
        let shown = try loader.parse(text, path: "/etc/trobador/trobador.toml")
        let spelled = try loader.parse(uncommented, path: "/etc/trobador/trobador.toml")

        #expect(shown.spoolDirectory == "/var/spool/trobador")
        #expect(shown.statePath == "/var/lib/trobador/state.sqlite")
        #expect(spelled.log == shown.log)
        #expect(spelled.posts == shown.posts)
        #expect(spelled.delivery == shown.delivery)
        #expect(spelled.pluginDirectories == shown.pluginDirectories)
        #expect(shown.channels.map(\.name) == spelled.channels.map(\.name))
        for (a, b) in zip(shown.channels, spelled.channels) {
            let type = try #require(BuiltinChannels.all.first { $0.name == a.type })
            #expect(a.tags == b.tags && a.lang == b.lang && a.enabled == b.enabled && a.rate == b.rate, "\(a.name)")
            #expect((a.concurrency ?? type.defaultConcurrency) == b.concurrency, "\(a.name): concurrency")
            #expect((a.timeout ?? .seconds(15)) == (b.timeout ?? .seconds(15)), "\(a.name): timeout")
        }
        let outbox = try #require(spelled.channel(named: "outbox"))
        #expect(outbox.text("dir") == "/var/spool/trobador/outbox", "the file channel's default directory: the spool, its name")
    }
}
