/// One thing wrong (or worth a warning) in a configuration file, said where it is and how to fix it.
///
/// Its `description` is the form `trobador check` prints and editors understand:
/// `path:line:column: message` for errors, `path:line:column: warning: message` for warnings.
/// Problems that concern the whole file (it cannot be read, no channel is enabled) are placed at
/// line 1, column 1 so that every line keeps the same shape.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        /// The configuration cannot be used.
        case error
        /// The configuration works, but something about it is unwise (a literal secret others can read).
        case warning
    }

    public var severity: Severity
    /// The configuration file as given (`-c PATH`), or `<embedded default>`.
    public var path: String
    /// 1-based line in the file.
    public var line: Int
    /// 1-based column, counted in Unicode scalars as TOMLKit (toml++) counts them.
    public var column: Int
    /// What is wrong and how to fix it, in the file's terms. Never holds a secret's value.
    public var message: String

    public init(_ severity: Severity = .error, path: String, line: Int, column: Int, message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        switch severity {
        case .error: "\(path):\(line):\(column): \(message)"
        case .warning: "\(path):\(line):\(column): warning: \(message)"
        }
    }
}

/// A configuration that cannot be used: every error found, in file order, not just the first.
///
/// Warnings found along the way are kept too, so `check` can print everything in one pass.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errors, sorted by line and column. Never empty.
    public var problems: [ConfigurationProblem]
    /// Warnings found while reading, sorted by line and column.
    public var warnings: [ConfigurationProblem]

    public init(problems: [ConfigurationProblem], warnings: [ConfigurationProblem] = []) {
        self.problems = problems
        self.warnings = warnings
    }

    /// One problem per line, in the `path:line:column: message` form.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
