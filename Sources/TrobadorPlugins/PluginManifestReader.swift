import Foundation
import TOMLKit
import TrobadorCore

/// Reads one plugin folder into a `PluginManifest`, or says everything wrong with it, each
/// problem as `path:line:column: message`.
///
/// Caddy's lifecycle: reading constructs and validates, fast and without side effects (no
/// network, no program run); templates are parsed, checked against the values they will
/// receive, and rendered once with a hostile sample post to prove their output well formed.
struct PluginManifestReader {
    static let topLevelKeys = ["summary", "exec", "timeout", "settings", "capabilities", "create", "reply", "update", "delete"]
    static let settingKeys = ["kind", "required", "secret", "help"]
    static let capabilityKeys = ["format", "max_length", "length", "contents", "idempotency_key", "concurrency", "rate", "edit", "delete", "threads"]
    static let settingKinds: [(name: String, kind: ChannelSettingSpec.Kind)] = [
        ("string", .string), ("url", .url), ("integer", .integer), ("boolean", .boolean),
        ("string_list", .stringList), ("string_table", .stringTable),
    ]
    /// The longest an executable plugin may run when it says nothing.
    static let defaultTimeout: Duration = .seconds(30)

    let directory: String
    var name: String { (directory as NSString).lastPathComponent }

    /// The manifest, or the problems that keep it from loading (warnings included).
    func read() -> Result<(PluginManifest, warnings: [ConfigurationProblem]), PluginProblems> {
        let path = directory + "/plugin.toml"
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(PluginProblems([ConfigurationProblem(path: directory, line: 1, column: 1, message: "no plugin.toml in the plugin folder \(directory)")]))
        }
        let text = String(decoding: data, as: UTF8.self)
        let document: TOMLTable
        switch TOMLDocument.parse(text, path: path) {
        case .success(let table): document = table
        case .failure(let error): return .failure(PluginProblems(error.problems))
        }
        let diagnostics = ManifestDiagnostics(path: path, source: text)
        let root = ManifestTable(table: document, ref: .root, title: "the top level", diagnostics: diagnostics)
        let manifest = read(root)
        if !FileManager.default.fileExists(atPath: directory + "/README.md") {
            diagnostics.warning("the plugin has no README.md: say what it is, how to get its URL or token, and show a [[channel]] block", at: .init(line: 1, column: 1))
        }
        guard let manifest, !diagnostics.hasErrors else { return .failure(PluginProblems(diagnostics.problems)) }
        return .success((manifest, diagnostics.problems))
    }

    /// Reads the settings alone, for a plugin whose other parts are broken: its channels'
    /// keys can still be checked.
    func settingsOnly() -> [ChannelSettingSpec]? {
        guard let data = FileManager.default.contents(atPath: directory + "/plugin.toml"),
              case .success(let document) = TOMLDocument.parse(String(decoding: data, as: UTF8.self), path: directory + "/plugin.toml") else { return nil }
        let diagnostics = ManifestDiagnostics(path: directory + "/plugin.toml", source: String(decoding: data, as: UTF8.self))
        let settings = readSettings(ManifestTable(table: document, ref: .root, title: "the top level", diagnostics: diagnostics))
        return diagnostics.hasErrors ? nil : settings
    }

    private func read(_ root: ManifestTable) -> PluginManifest? {
        root.rejectUnknownKeys(known: Self.topLevelKeys)
        if !PluginSearchPath.isValidTypeName(name) {
            root.diagnostics.error("the folder name `\(name)` is the channel type's name: use only a-z, 0-9, `_` and `-`", at: .init(line: 1, column: 1))
        }
        let summary = root.string("summary", required: true) ?? ""
        let settings = readSettings(root)
        let exec = root.string("exec")
        let capabilitiesTable = root.table("capabilities")
        var (rendering, capabilities, concurrency, rate) = readCapabilities(capabilitiesTable, executable: exec != nil)

        let delivery: PluginManifest.Delivery
        if let exec {
            for key in ["create", "reply", "update", "delete"] where root.value(key) != nil {
                root.error("[\(key)] has no meaning for an executable plugin (`exec` is set): the program sends", atKey: key)
            }
            guard let executable = readExecutable(exec, root) else { return nil }
            delivery = .executable(executable)
        } else {
            if root.value("timeout") != nil {
                root.error("`timeout` is for executable plugins; a declarative plugin's requests use the channel's `timeout`", atKey: "timeout")
            }
            if root.value("reply") != nil, !rendering.threads {
                root.error("[reply] sends the parts after the first of a thread: set `threads = true` in [capabilities]", atKey: "reply")
            }
            guard let requests = RequestReader(root: root, settings: settings, directory: directory).read() else { return nil }
            capabilities.edit = requests.update != nil
            capabilities.delete = requests.delete != nil
            if case .key(let keyName) = capabilities.idempotency, !requests.create.uses("idempotency_key") {
                capabilitiesTable?.error(
                    "`idempotency_key = \"\(keyName)\"` says the service drops duplicates, but [create] never sends {{idempotency_key}}",
                    atValueOf: "idempotency_key")
            }
            delivery = .http(requests)
        }
        return PluginManifest(
            name: name, directory: directory, summary: summary, settings: settings, rendering: rendering,
            capabilities: capabilities, defaultConcurrency: concurrency, defaultRate: rate, delivery: delivery)
    }

    private func readSettings(_ root: ManifestTable) -> [ChannelSettingSpec] {
        guard let table = root.table("settings") else { return [] }
        var specs: [ChannelSettingSpec] = []
        for key in table.keys {
            guard let setting = table.table(key) else { continue }
            if !PluginSearchPath.isValidSettingName(key) {
                table.error("setting `\(key)`: names use a-z, 0-9 and `_`, starting with a letter", atKey: key)
            } else if ConfigurationLoader.commonChannelKeys.contains(key) {
                table.error("setting `\(key)` is a key every channel has (\(ConfigurationLoader.commonChannelKeys.joined(separator: ", "))): choose another name", atKey: key)
            }
            setting.rejectUnknownKeys(known: Self.settingKeys)
            let kindName = setting.choice("kind", among: Self.settingKinds.map(\.name))
            if setting.value("kind") == nil { setting.missing("\(setting.title) has no `kind` (\(Self.settingKinds.map(\.name).joined(separator: ", ")))") }
            let help = setting.string("help", required: true) ?? ""
            let kind = Self.settingKinds.first { $0.name == kindName }?.kind ?? .string
            let secret = setting.boolean("secret") ?? false
            if secret, kind != .string, kind != .url {
                setting.error("only `string` and `url` settings can be secrets", atValueOf: "secret")
            }
            specs.append(ChannelSettingSpec(key, kind, required: setting.boolean("required") ?? false, secret: secret, help: help))
        }
        return specs
    }

    private func readCapabilities(
        _ table: ManifestTable?, executable: Bool
    ) -> (PluginRendering, ChannelCapabilities, Int, Rate?) {
        var rendering = PluginRendering(format: .plain, limit: nil, lengthRule: .graphemes, contents: .all)
        var capabilities = ChannelCapabilities(formatting: .plain)
        guard let table else { return (rendering, capabilities, 2, nil) }
        table.rejectUnknownKeys(known: Self.capabilityKeys)
        if let name = table.choice("format", among: PluginVocabulary.formats.map(\.name)), let format = PluginVocabulary.format(named: name) {
            rendering.format = format
            rendering.lengthRule = format.lengthRule
        }
        if let name = table.choice("length", among: PluginVocabulary.lengthRules.map(\.name)), let rule = PluginVocabulary.lengthRule(named: name) {
            rendering.lengthRule = rule
        }
        rendering.limit = table.integer("max_length", atLeast: 1)
        if let names = table.stringList("contents") {
            var contents: PostComposer.Contents = []
            for name in names {
                guard let part = PluginVocabulary.contents.first(where: { $0.name == name })?.part else {
                    table.error("`contents` may hold \(PluginVocabulary.contents.map { "\"\($0.name)\"" }.joined(separator: ", ")), not \"\(name)\"", atValueOf: "contents")
                    continue
                }
                contents.insert(part)
            }
            rendering.contents = contents
        }
        if let threads = table.boolean("threads") {
            if executable, threads {
                table.error("`threads` is for declarative plugins: a program sends one message per post", atValueOf: "threads")
            } else if threads, rendering.limit == nil {
                table.error("`threads = true` splits posts over `max_length`: give `max_length`", atValueOf: "threads")
            } else {
                rendering.threads = threads
            }
        }
        capabilities.threads = rendering.threads
        capabilities.maxLength = rendering.limit
        capabilities.formatting = PluginVocabulary.formatting(of: rendering.format)
        if let key = table.string("idempotency_key") { capabilities.idempotency = .key(key) }
        for key in ["edit", "delete"] where table.value(key) != nil && !executable {
            table.error("`\(key)` is for executable plugins; a declarative plugin can \(key) when it declares [\(key == "edit" ? "update" : "delete")]", atKey: key)
        }
        if executable {
            capabilities.edit = table.boolean("edit") ?? false
            capabilities.delete = table.boolean("delete") ?? false
        }
        return (rendering, capabilities, table.integer("concurrency", atLeast: 1) ?? 2, table.rate("rate"))
    }

    private func readExecutable(_ exec: String, _ root: ManifestTable) -> PluginExecutable? {
        let timeout = root.duration("timeout") ?? Self.defaultTimeout
        guard !exec.hasPrefix("/"), !exec.split(separator: "/").contains("..") else {
            root.error("`exec` must name a program inside the plugin folder, such as \"./send\"", atValueOf: "exec")
            return nil
        }
        let path = ((directory as NSString).appendingPathComponent(exec) as NSString).standardizingPath
        guard FileManager.default.fileExists(atPath: path) else {
            root.error("`exec`: no program at \(path)", atValueOf: "exec")
            return nil
        }
        guard access(path, X_OK) == 0 else {
            root.error("`exec`: \(path) is not executable (chmod +x it)", atValueOf: "exec")
            return nil
        }
        return PluginExecutable(path: path, timeout: timeout)
    }
}
