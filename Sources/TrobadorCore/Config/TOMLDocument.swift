import TOMLKit

/// The one way Trobador parses TOML (the configuration, plugin manifests): the preflight
/// first, which refuses the lines that crash the parser, then TOMLKit, its errors turned
/// into a problem with the file, line and column.
public enum TOMLDocument {
    public static func parse(_ text: String, path: String) -> Result<TOMLTable, ConfigurationError> {
        if let problem = TOMLPreflight.problem(in: text, path: path) { return .failure(ConfigurationError(problems: [problem])) }
        do {
            return .success(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            return .failure(ConfigurationError(problems: [
                ConfigurationProblem(path: path, line: max(begin.line, 1), column: max(begin.column, 1), message: error.description)]))
        } catch {
            return .failure(ConfigurationError(problems: [ConfigurationProblem(path: path, line: 1, column: 1, message: "\(error)")]))
        }
    }
}
