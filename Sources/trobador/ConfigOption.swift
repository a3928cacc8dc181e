import ArgumentParser
import Foundation
import TrobadorChannels
import TrobadorCore

/// `-c CONFIG`, shared by every command.
struct ConfigOption: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("config")], help: "The configuration file (default: ./trobador.toml if present, else the embedded default).")
    var path: String?

    /// Loads the configuration or exits with its problems, one per line as `path:line:column: message`.
    func load() throws -> Configuration {
        let loader = ConfigurationLoader(channelTypes: BuiltinChannels.settingSpecs)
        do {
            return try loader.load(explicitPath: path, workingDirectory: FileManager.default.currentDirectoryPath)
        } catch {
            for problem in error.problems + error.warnings { printError(problem.description) }
            throw ExitCode(2)
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
