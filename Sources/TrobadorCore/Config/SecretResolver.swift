import TOMLKit

/// Reads the value of a secret setting, written in the configuration as one of:
/// - a literal string (works, but a warning if the file is readable by others);
/// - `{ credential = "NAME" }`: the file `$CREDENTIALS_DIRECTORY/NAME` (systemd `LoadCredential=`);
/// - `{ env = "NAME" }`: an environment variable, which must be set and not empty;
/// - `{ file = "/path" }`: a file; a relative path is resolved against the configuration's directory.
///
/// Values read from files lose their trailing newline(s). Messages name the key and where the
/// value was to come from, never the value itself.
struct SecretResolver: Sendable {
    /// How a secret was written.
    enum Reference: Sendable, Equatable {
        case literal(String)
        case credential(String)
        case environment(String)
        case file(String)
    }

    /// What went wrong, said without the secret.
    struct Failure: Error, Sendable, Equatable {
        var message: String
    }

    static let sourceKeys = ["credential", "env", "file"]
    static let largestSecretFile = 64 * 1024

    var environment: [String: String]
    /// Absolute directory against which relative `file` paths are resolved.
    var baseDirectory: String

    /// How `value` (the TOML value of `key`) says the secret should be read.
    static func reference(from value: any TOMLValueConvertible, key: String) throws(Failure) -> Reference {
        if let text = value.string { return .literal(text) }
        let usage = "write text, or a table with one of `credential`, `env` or `file`, such as { credential = \"\(key)\" }"
        guard let table = value.table else {
            throw Failure(message: "`\(key)` must be a secret: \(usage)")
        }
        let keys = table.keys
        if let unknown = keys.first(where: { !sourceKeys.contains($0) }) {
            let hint = KeySuggestion.hint(for: unknown, among: sourceKeys)
            throw Failure(message: "unknown key `\(unknown)` in `\(key)`" + (hint.isEmpty ? ": \(usage)" : hint))
        }
        guard keys.count == 1, let source = keys.first else {
            if keys.isEmpty { throw Failure(message: "`\(key)` is an empty table: \(usage)") }
            let listed = keys.sorted().map { "`\($0)`" }.joined(separator: " and ")
            throw Failure(message: "`\(key)` has both \(listed): keep only one")
        }
        guard let name = table[source]?.string else {
            throw Failure(message: "`\(key).\(source)` must be text")
        }
        switch source {
        case "credential": return .credential(name)
        case "env": return .environment(name)
        default: return .file(name)
        }
    }

    /// The secret's value, read from where `reference` says.
    func resolve(_ reference: Reference, key: String) throws(Failure) -> Secret {
        switch reference {
        case .literal(let text):
            guard !text.isEmpty else { throw Failure(message: "`\(key)` is empty") }
            return Secret(text, origin: "literal")

        case .environment(let name):
            guard !name.isEmpty else { throw Failure(message: "`\(key).env` must name an environment variable") }
            guard let text = environment[name] else {
                throw Failure(message: "`\(key)` reads the environment variable \(name), which is not set")
            }
            guard !text.isEmpty else {
                throw Failure(message: "`\(key)` reads the environment variable \(name), which is empty")
            }
            return Secret(text, origin: "env \(name)")

        case .credential(let name):
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw Failure(message: "`\(key).credential` must be a credential name without `/`, such as \"\(key)\"")
            }
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw Failure(message: """
                    `\(key)` reads the systemd credential `\(name)`, but CREDENTIALS_DIRECTORY is not set: \
                    run under systemd with LoadCredential=\(name):/path/to/file, or use { env = "NAME" } or { file = "/path" }
                    """)
            }
            let text = try readFile(directory + "/" + name) { reason in
                "`\(key)` reads the systemd credential `\(name)`, but \(directory)/\(name) cannot be read (\(reason)): "
                    + "check LoadCredential=\(name):... in the unit"
            }
            guard !text.isEmpty else { throw Failure(message: "`\(key)`: the systemd credential `\(name)` is empty") }
            return Secret(text, origin: "credential \"\(name)\"")

        case .file(let path):
            guard !path.isEmpty else { throw Failure(message: "`\(key).file` must be a path") }
            let absolute = ConfigurationPaths.resolve(path, against: baseDirectory)
            let text = try readFile(absolute) { reason in "`\(key)` reads the file \(absolute), which cannot be read (\(reason))" }
            guard !text.isEmpty else { throw Failure(message: "`\(key)`: the file \(absolute) is empty") }
            return Secret(text, origin: "file \(absolute)")
        }
    }

    private func readFile(_ path: String, message: (String) -> String) throws(Failure) -> String {
        do {
            var text = try SmallFile.read(path, limit: Self.largestSecretFile).text
            while let last = text.unicodeScalars.last, last == "\n" || last == "\r" {
                text.unicodeScalars.removeLast()
            }
            return text
        } catch {
            throw Failure(message: message(error.reason))
        }
    }
}
