/// The errors and warnings of one reading of one configuration file, placed with the key locator.
///
/// A class because every table reader of the same reading adds to it; it lives only for the
/// duration of `ConfigurationLoader.parse` and never crosses a task.
final class ConfigurationDiagnostics {
    typealias Position = TOMLKeyLocator.Position
    typealias TableRef = TOMLKeyLocator.TableRef

    let path: String
    let locator: TOMLKeyLocator
    private(set) var errors: [ConfigurationProblem] = []
    private(set) var warnings: [ConfigurationProblem] = []

    init(path: String, locator: TOMLKeyLocator) {
        self.path = path
        self.locator = locator
    }

    func error(_ message: String, at position: Position) {
        errors.append(ConfigurationProblem(.error, path: path, line: position.line, column: position.column, message: message))
    }

    func warning(_ message: String, at position: Position) {
        warnings.append(ConfigurationProblem(.warning, path: path, line: position.line, column: position.column, message: message))
    }

    /// Where a table starts: its header, else the key that holds it (an inline or dotted
    /// table), else the top of the file.
    func position(of table: TableRef) -> Position {
        if let header = locator.header(table) { return header }
        switch table {
        case .root:
            return Position(line: 1, column: 1)
        case .table(let name), .element(let name, _):
            return locator.key(String(name.prefix { $0 != "." }), in: .root)?.key ?? Position(line: 1, column: 1)
        }
    }

    /// Where `key` is written in `table`, else where the table starts.
    func position(ofKey key: String, in table: TableRef) -> Position {
        locator.key(key, in: table)?.key ?? position(of: table)
    }

    /// Where the value of `key` starts in `table`, else where the table starts.
    func position(ofValue key: String, in table: TableRef) -> Position {
        locator.key(key, in: table)?.value ?? position(of: table)
    }

    /// The problems in file order, as `ConfigurationError` promises.
    func sortedErrors() -> [ConfigurationProblem] { errors.sorted(by: Self.fileOrder) }
    func sortedWarnings() -> [ConfigurationProblem] { warnings.sorted(by: Self.fileOrder) }

    private static func fileOrder(_ a: ConfigurationProblem, _ b: ConfigurationProblem) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
