import TOMLKit
import TrobadorCore

/// The problems of one reading of one plugin, placed with the key locator. A class because
/// every table reader of the reading adds to it; it lives only while one plugin is read.
final class ManifestDiagnostics {
    let path: String
    let source: String
    let locator: TOMLKeyLocator
    private(set) var problems: [ConfigurationProblem] = []

    init(path: String, source: String) {
        self.path = path
        self.source = source
        locator = TOMLKeyLocator(source: source)
    }

    func error(_ message: String, at position: TOMLKeyLocator.Position) {
        problems.append(ConfigurationProblem(path: path, line: position.line, column: position.column, message: message))
    }

    func warning(_ message: String, at position: TOMLKeyLocator.Position) {
        problems.append(ConfigurationProblem(.warning, path: path, line: position.line, column: position.column, message: message))
    }

    func add(_ found: [ConfigurationProblem]) { problems += found }

    var hasErrors: Bool { problems.contains { $0.severity == .error } }

    /// Where a table starts: its header, else the key that holds it, else the top of the file.
    func position(of table: TOMLKeyLocator.TableRef) -> TOMLKeyLocator.Position {
        if let header = locator.header(table) { return header }
        guard case .table(let name) = table else { return TOMLKeyLocator.Position(line: 1, column: 1) }
        let parts = name.split(separator: ".").map(String.init)
        let parent: TOMLKeyLocator.TableRef = parts.count > 1 ? .table(parts.dropLast().joined(separator: ".")) : .root
        return locator.key(parts.last ?? name, in: parent)?.key ?? position(of: parent)
    }

    /// The line of source text at `position`, to see how a string value is quoted.
    func sourceText(at position: TOMLKeyLocator.Position) -> Substring {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard position.line - 1 < lines.count else { return "" }
        let line = lines[position.line - 1]
        return Substring(line.unicodeScalars.dropFirst(position.column - 1))
    }
}

/// Reads typed values out of one table of a `plugin.toml`, reporting each wrong one at its
/// line and returning nil, so that every problem is found in one pass.
struct ManifestTable {
    let table: TOMLTable
    let ref: TOMLKeyLocator.TableRef
    /// How messages name the table: `[capabilities]`, `[create.response]`.
    let title: String
    let diagnostics: ManifestDiagnostics

    var keys: [String] { table.keys.sorted() }

    func value(_ key: String) -> (any TOMLValueConvertible)? { table[key] }

    func keyPosition(_ key: String) -> TOMLKeyLocator.Position {
        diagnostics.locator.key(key, in: ref)?.key ?? diagnostics.position(of: ref)
    }

    func valuePosition(_ key: String) -> TOMLKeyLocator.Position {
        diagnostics.locator.key(key, in: ref)?.value ?? diagnostics.position(of: ref)
    }

    func error(_ message: String, atKey key: String) { diagnostics.error(message, at: keyPosition(key)) }
    func error(_ message: String, atValueOf key: String) { diagnostics.error(message, at: valuePosition(key)) }
    func missing(_ message: String) { diagnostics.error(message, at: diagnostics.position(of: ref)) }

    func rejectUnknownKeys(known: [String]) {
        for key in keys where !known.contains(key) {
            error("unknown key `\(key)` in \(title) (known: \(known.joined(separator: ", ")))", atKey: key)
        }
    }

    private func wrongType<T>(_ key: String, expected: String) -> T? {
        error("`\(key)` in \(title) must be \(expected)", atValueOf: key)
        return nil
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required { missing("\(title) has no `\(key)`") }
            return nil
        }
        guard let text = value.string else { return wrongType(key, expected: "text (in quotes)") }
        return text
    }

    func integer(_ key: String, atLeast minimum: Int) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int else { return wrongType(key, expected: "a whole number") }
        guard number >= minimum else { return wrongType(key, expected: "at least \(minimum)") }
        return number
    }

    func boolean(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else { return wrongType(key, expected: "true or false (without quotes)") }
        return flag
    }

    func stringList(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
            return wrongType(key, expected: "a list of text, such as [\"a\", \"b\"]")
        }
        return array.compactMap(\.string)
    }

    /// A text value that must be one of `choices`.
    func choice(_ key: String, among choices: [String]) -> String? {
        guard let text = string(key) else { return nil }
        guard choices.contains(text) else { return wrongType(key, expected: "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))") }
        return text
    }

    /// A scalar compared as text: `"success"`, `true`, `1`.
    func scalarText(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        if let text = value.string { return text }
        if let flag = value.bool { return String(flag) }
        if let number = value.int { return String(number) }
        return wrongType(key, expected: "text, a number or true/false")
    }

    func pointer(_ key: String) -> JSONPointer? {
        guard let text = string(key) else { return nil }
        guard let pointer = JSONPointer(text) else {
            return wrongType(key, expected: "a JSON pointer such as \"/id\" or \"/error/message\" (starting with /)")
        }
        return pointer
    }

    func duration(_ key: String) -> Duration? {
        guard let text = string(key) else { return nil }
        do { return try ConfigValueSyntax.duration(text) } catch { return wrongType(key, expected: error.message) }
    }

    func rate(_ key: String) -> Rate? {
        guard let text = string(key) else { return nil }
        do { return try ConfigValueSyntax.rate(text) } catch { return wrongType(key, expected: error.message) }
    }

    /// A sub-table, `[name.key]` or `key = { ... }`.
    func table(_ key: String) -> ManifestTable? {
        guard let value = value(key) else { return nil }
        guard let sub = value.table else { return wrongType(key, expected: "a table ([\(subName(key))] or { ... })") }
        return ManifestTable(table: sub, ref: .table(subName(key)), title: "[\(subName(key))]", diagnostics: diagnostics)
    }

    private func subName(_ key: String) -> String {
        switch ref {
        case .root: key
        case .table(let name), .element(let name, _): name + "." + key
        }
    }

    /// Where a string value's template text starts, for problems inside it.
    func templateOrigin(_ key: String) -> TemplateOrigin {
        let position = valuePosition(key)
        let raw = diagnostics.sourceText(at: position)
        let triple = raw.hasPrefix("\"\"\"") || raw.hasPrefix("'''")
        let startsWithNewline = triple && raw.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
        return .tomlString(diagnostics.path, value: (position.line, position.column), quote: triple ? 3 : 1, startsWithNewline: startsWithNewline)
    }
}
