import ArgumentParser
import Foundation
import TrobadorChannels
import TrobadorCore
import TrobadorPlugins

/// `-c CONFIG`, shared by every command.
struct ConfigOption: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("config")], help: "The configuration file (default: ./trobador.toml if present, else the embedded default).")
    var path: String?

    /// Loads the configuration or exits with its problems, one per line as `path:line:column: message`.
    func load() throws -> Configuration {
        try loadWithChannelTypes().configuration
    }

    /// The configuration and every channel type it may use: built in, then the plugins of the
    /// search path (`plugin_dirs` is read first, since the channels may use those types).
    /// `reportingPlugins`: print the plugins' problems too, even when the configuration fails.
    func loadWithChannelTypes(reportingPlugins: Bool = false) throws -> (configuration: Configuration, catalog: ChannelCatalog) {
        let source = ConfigurationSource.find(explicitPath: path, workingDirectory: FileManager.default.currentDirectoryPath)
        let catalog = Self.catalog(for: source)
        if reportingPlugins { catalog.problems.forEach { printError($0.description) } }
        do {
            return (try catalog.loader().load(source), catalog)
        } catch {
            for problem in error.problems + error.warnings { printError(problem.description) }
            throw ExitCode(2)
        }
    }

    /// Every channel type `source` may use: built in, then the plugins of the search path
    /// (`plugin_dirs` is read first, since the channels may use those types). Read at every
    /// command's start, and again by the daemon on SIGHUP.
    static func catalog(for source: ConfigurationSource) -> ChannelCatalog {
        let searchPath = PluginSearchPath.standard(configured: PluginSearchPath.configuredDirectories(in: source))
        return ChannelCatalog.load(builtIns: BuiltinChannels.all, searchPath: searchPath)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
