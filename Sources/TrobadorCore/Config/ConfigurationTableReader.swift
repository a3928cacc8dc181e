import TOMLKit

/// Reads typed values out of one table of the configuration, reporting each wrong one at its
/// line and returning nil, so that reading goes on and every problem is found in one pass.
struct ConfigurationTableReader {
    let table: TOMLTable
    let ref: TOMLKeyLocator.TableRef
    /// How messages name the table: `[delivery]`, `[[channel]] \`mastodon\``, `the top level`.
    let title: String
    let diagnostics: ConfigurationDiagnostics

    func value(_ key: String) -> (any TOMLValueConvertible)? {
        table[key]
    }

    /// Reports every key not in `known`, suggesting the closest known key when it looks like a typo.
    /// `otherwise` is added to the message when there is no close match (such as the list of keys).
    func rejectUnknownKeys(known: [String], otherwise: String = "") {
        for key in table.keys where !known.contains(key) {
            let hint = KeySuggestion.hint(for: key, among: known)
            error("unknown key `\(key)` in \(title)\(hint.isEmpty ? otherwise : hint)", atKey: key)
        }
    }

    func error(_ message: String, atKey key: String) {
        diagnostics.error(message, at: diagnostics.position(ofKey: key, in: ref))
    }

    func error(_ message: String, atValueOf key: String) {
        diagnostics.error(message, at: diagnostics.position(ofValue: key, in: ref))
    }

    func warning(_ message: String, atValueOf key: String) {
        diagnostics.warning(message, at: diagnostics.position(ofValue: key, in: ref))
    }

    /// Reports the key as missing, at the table's header.
    func missing(_ message: String) {
        diagnostics.error(message, at: diagnostics.position(of: ref))
    }

    // MARK: Typed values

    func string(_ key: String, allowEmpty: Bool = false, expected: String = "text (in quotes)") -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.string else { return wrongType(key, value, expected: expected) }
        guard allowEmpty || !text.isEmpty else {
            error("`\(key)` in \(title) must not be empty", atValueOf: key)
            return nil
        }
        return text
    }

    func integer(_ key: String, atLeast minimum: Int) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int else { return wrongType(key, value, expected: "a whole number") }
        guard number >= minimum else {
            error("`\(key)` in \(title) must be at least \(minimum), not \(number)", atValueOf: key)
            return nil
        }
        return number
    }

    func boolean(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else { return wrongType(key, value, expected: "true or false (without quotes)") }
        return flag
    }

    func stringList(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else { return wrongType(key, value, expected: "a list of text, such as [\"a\", \"b\"]") }
        var texts: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string, !text.isEmpty else {
                error("`\(key)[\(index)]` in \(title) must be non-empty text", atValueOf: key)
                return nil
            }
            texts.append(text)
        }
        return texts
    }

    /// A table whose values are all text, such as extra HTTP headers.
    func stringTable(_ key: String) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard let inner = value.table else { return wrongType(key, value, expected: "a table of text, such as { Name = \"value\" }") }
        var texts: [String: String] = [:]
        for (name, element) in inner {
            guard let text = element.string else {
                error("`\(key).\(name)` in \(title) must be text", atValueOf: key)
                return nil
            }
            texts[name] = text
        }
        return texts
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, of _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(key) else { return nil }
        if let choice = Choice(rawValue: text) { return choice }
        let options = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        error("`\(key)` in \(title) must be \(options), not \"\(text)\"", atValueOf: key)
        return nil
    }

    func duration(_ key: String) -> Duration? {
        syntax(key, expected: "a duration in quotes, such as \"30s\" or \"1h30m\"") { text throws(ConfigValueSyntax.Failure) in
            try ConfigValueSyntax.duration(text)
        }
    }

    func rate(_ key: String) -> Rate? {
        syntax(key, expected: "a rate in quotes, such as \"1/s\" or \"300/5m\"") { text throws(ConfigValueSyntax.Failure) in
            try ConfigValueSyntax.rate(text)
        }
    }

    /// A size written as text (`"1MiB"`) or as a whole number of bytes; at least one byte.
    func size(_ key: String) -> Int? {
        if let number = value(key)?.int {
            guard number >= 1 else {
                error("`\(key)` in \(title) must be at least 1 byte, not \(number)", atValueOf: key)
                return nil
            }
            return number
        }
        let expected = "a size such as \"1MiB\" or a whole number of bytes"
        guard let bytes = syntax(key, expected: expected, { text throws(ConfigValueSyntax.Failure) in try ConfigValueSyntax.size(text) })
        else { return nil }
        guard bytes >= 1 else {
            error("`\(key)` in \(title) must be at least 1 byte", atValueOf: key)
            return nil
        }
        return bytes
    }

    /// A path made absolute against `directory`.
    func path(_ key: String, against directory: String) -> String? {
        string(key).map { ConfigurationPaths.resolve($0, against: directory) }
    }

    private func syntax<T>(_ key: String, expected: String, _ parse: (String) throws(ConfigValueSyntax.Failure) -> T) -> T? {
        guard let text = string(key, expected: expected) else { return nil }
        do {
            return try parse(text)
        } catch {
            self.error("`\(key)` in \(title): \(error.message)", atValueOf: key)
            return nil
        }
    }

    private func wrongType<T>(_ key: String, _ value: any TOMLValueConvertible, expected: String) -> T? {
        error("`\(key)` in \(title) must be \(expected), not \(Self.describe(value.type))", atValueOf: key)
        return nil
    }

    /// A TOML type in the words of someone editing the file.
    static func describe(_ type: TOMLType) -> String {
        switch type {
        case .string: "text"
        case .int: "a whole number"
        case .double: "a decimal number"
        case .bool: "true or false"
        case .array: "a list"
        case .table: "a table"
        case .date, .time, .dateTime: "a date or time"
        }
    }
}
