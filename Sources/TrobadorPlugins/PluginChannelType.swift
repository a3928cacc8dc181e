import TrobadorCore

/// The channel type a plugin defines: `type = "<folder name>"` in a `[[channel]]` block.
public struct PluginChannelType: ChannelType {
    public let manifest: PluginManifest

    public init(_ manifest: PluginManifest) { self.manifest = manifest }

    public var name: String { manifest.name }
    public var summary: String { manifest.summary }
    public var settings: [ChannelSettingSpec] { manifest.settings }
    public var capabilities: ChannelCapabilities { manifest.capabilities }
    public var defaultConcurrency: Int { manifest.defaultConcurrency }
    public var defaultRate: Rate? { manifest.defaultRate }

    public func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        switch manifest.delivery {
        case .http(let requests):
            DeclarativeAdapter(
                manifest: manifest, requests: requests, channel: channel, timeout: channel.timeout ?? .seconds(15), http: context.http)
        case .executable(let executable):
            ExecutableAdapter(manifest: manifest, executable: executable, channel: channel)
        }
    }
}

/// A plugin that did not load: its type still exists, so that the configuration naming it
/// stays valid, but every channel of it is refused with the plugin's first problem, and the
/// other channels run.
public struct BrokenPluginChannelType: ChannelType {
    public let name: String
    public let directory: String
    public let problems: [ConfigurationProblem]
    /// The keys its channels take, when plugin.toml was readable that far; nil otherwise.
    public let knownSettings: [ChannelSettingSpec]?

    public init(name: String, directory: String, problems: [ConfigurationProblem], knownSettings: [ChannelSettingSpec]?) {
        self.name = name
        self.directory = directory
        self.problems = problems
        self.knownSettings = knownSettings
    }

    public var summary: String { "BROKEN plugin: \(problems.first?.description ?? directory)" }
    public var settings: [ChannelSettingSpec] { knownSettings ?? [] }
    public var capabilities: ChannelCapabilities { ChannelCapabilities(formatting: .plain) }
    public var defaultConcurrency: Int { 1 }

    public func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        let first = problems.first(where: { $0.severity == .error }) ?? problems.first
        let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count == 2 ? "" : "s"); see `trobador check`)" : ""
        throw ChannelSetupError("channel \(channel.name): its type `\(name)` is a broken plugin: \(first?.description ?? directory)\(more)")
    }
}
