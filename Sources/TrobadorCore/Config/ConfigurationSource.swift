import Foundation

/// Where the configuration comes from: SPEC's rule is `-c PATH` if given, else
/// `./trobador.toml` if present, else the embedded default.
public enum ConfigurationSource: Sendable, Equatable {
    /// A TOML file; a relative path is relative to the working directory.
    case file(path: String)
    /// No file: spool under `<workingDirectory>/spool/`, one `file` channel named `outbox`.
    case embeddedDefault(workingDirectory: String)

    /// The name the default configuration file has in the working directory.
    public static let defaultFileName = "trobador.toml"

    /// Applies SPEC's rule. An explicit path is used even if it does not exist, so that a
    /// mistyped `-c` is an error rather than a silent fallback to the default.
    public static func find(
        explicitPath: String?, workingDirectory: String,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> ConfigurationSource {
        if let explicitPath { return .file(path: explicitPath) }
        let candidate = ConfigurationPaths.resolve(defaultFileName, against: workingDirectory)
        return fileExists(candidate) ? .file(path: candidate) : .embeddedDefault(workingDirectory: workingDirectory)
    }
}

extension ConfigurationLoader {
    /// Finds the configuration by SPEC's rule and loads it.
    public func load(
        explicitPath: String?, workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> Configuration {
        try load(ConfigurationSource.find(explicitPath: explicitPath, workingDirectory: workingDirectory))
    }

    /// Loads the configuration `source` designates.
    public func load(_ source: ConfigurationSource) throws(ConfigurationError) -> Configuration {
        switch source {
        case .file(let path): try load(path: path)
        case .embeddedDefault(let workingDirectory): embeddedDefault(workingDirectory: workingDirectory)
        }
    }
}
