import Foundation
import TOMLKit

/// `[[channel]]` blocks: the keys every channel takes, the keys of its type (checked against the
/// type's `ChannelSettingSpec`s), secrets, and the checks across blocks.
///
/// A disabled channel (`enabled = false`) is checked like the others, but its `credential`,
/// `env` and `file` secrets are not read: a channel is often parked while its token is not yet
/// provisioned. Its settings then lack those keys.
extension ConfigurationLoader {
    /// The keys every `[[channel]]` takes, whatever its type.
    public static let commonChannelKeys = [
        "name", "type", "tags", "lang", "enabled", "concurrency", "rate", "timeout", "on_update", "retract_on_expiry",
    ]

    /// What the blocks said, valid or not, for the checks across blocks.
    struct ChannelBlocks {
        var configs: [ChannelConfig] = []
        /// Where each block's `name` value is, for duplicate names.
        var namePositions: [(name: String, position: TOMLKeyLocator.Position)] = []
        var enabledCount = 0
        /// The first block's header, where "no channel is enabled" is reported.
        var firstBlock: TOMLKeyLocator.Position?
    }

    func readChannels(_ root: ConfigurationTableReader, resolver: SecretResolver, fileMode: UInt32?) -> ChannelBlocks {
        var blocks = ChannelBlocks()
        guard let value = root.value("channel") else { return blocks }
        guard let array = value.array else {
            root.error("`channel` must be a list of blocks: write [[channel]] (two brackets) above each channel's keys", atKey: "channel")
            return blocks
        }
        let diagnostics = root.diagnostics
        for (index, element) in array.enumerated() {
            let ref = TOMLKeyLocator.TableRef.element("channel", index)
            blocks.firstBlock = blocks.firstBlock ?? diagnostics.position(of: ref)
            guard let table = element.table else {
                diagnostics.error("each `channel` must be a [[channel]] block", at: diagnostics.position(of: ref))
                continue
            }
            let reader = ConfigurationTableReader(table: table, ref: ref, title: "[[channel]]", diagnostics: diagnostics)
            let config = readChannel(reader, index: index, resolver: resolver, fileMode: fileMode)
            if config.enabled { blocks.enabledCount += 1 }
            if !config.name.isEmpty {
                blocks.namePositions.append((config.name, diagnostics.position(ofValue: "name", in: ref)))
            }
            blocks.configs.append(config)
        }
        return blocks
    }

    /// One block, as a `ChannelConfig` even when it has errors (they are reported, and the
    /// configuration is refused), so that the checks across blocks still see it.
    private func readChannel(
        _ unnamed: ConfigurationTableReader, index: Int, resolver: SecretResolver, fileMode: UInt32?
    ) -> ChannelConfig {
        let name = unnamed.string("name")
        if unnamed.value("name") == nil {
            unnamed.missing("[[channel]] has no `name`: add name = \"...\" (a-z, 0-9, `.`, `_` and `-`)")
        } else if let name, !Self.isValidChannelName(name) {
            unnamed.error("channel name `\(name)` may use only a-z, 0-9, `.`, `_` and `-`, up to 128 characters", atValueOf: "name")
        }
        let reader = ConfigurationTableReader(
            table: unnamed.table, ref: unnamed.ref, title: name.map { "[[channel]] `\($0)`" } ?? "[[channel]] #\(index + 1)",
            diagnostics: unnamed.diagnostics)

        let knownTypes = channelTypes.keys.sorted()
        let typeList = "known types: " + knownTypes.joined(separator: ", ")
        let type = reader.string("type")
        if reader.value("type") == nil {
            reader.missing("\(reader.title) has no `type`: add type = \"...\" (\(typeList))")
        } else if let type, channelTypes[type] == nil, !typesWithUnknownKeys.contains(type) {
            let hint = KeySuggestion.hint(for: type, among: knownTypes)
            reader.error("unknown channel type `\(type)` in \(reader.title) (\(typeList))\(hint)", atValueOf: "type")
        }
        let specs = type.flatMap { channelTypes[$0] }

        var config = ChannelConfig(name: name ?? "", type: type ?? "", line: reader.diagnostics.position(of: reader.ref).line)
        config.tags = reader.stringList("tags") ?? []
        config.lang = reader.string("lang")
        if let lang = config.lang, !Self.isLanguageTag(lang) {
            reader.error("`lang` in \(reader.title) must be a language tag such as \"fr\", \"oc\" or \"en-GB\"", atValueOf: "lang")
        }
        config.enabled = reader.boolean("enabled") ?? true
        config.concurrency = reader.integer("concurrency", atLeast: 1)
        config.rate = reader.rate("rate")
        config.timeout = reader.duration("timeout")
        config.onUpdate = reader.choice("on_update", of: UpdateFallback.self)
        config.retractOnExpiry = reader.boolean("retract_on_expiry")

        // Without a known type, only the common keys can be checked.
        guard let specs, let type else { return config }
        let typeKeys = specs.map(\.key).filter { !Self.commonChannelKeys.contains($0) }
        reader.rejectUnknownKeys(
            known: Self.commonChannelKeys + typeKeys,
            otherwise: typeKeys.isEmpty
                ? "; \(type) channels take only the common keys (\(Self.commonChannelKeys.joined(separator: ", ")))"
                : "; \(type) channels take \(typeKeys.joined(separator: ", ")) besides the common keys")
        for spec in specs where !Self.commonChannelKeys.contains(spec.key) {
            guard reader.value(spec.key) != nil else {
                if spec.required {
                    reader.missing("\(reader.title) (type \(type)) has no `\(spec.key)`: \(spec.help)")
                }
                continue
            }
            let value = spec.secret && (spec.kind == .string || spec.kind == .url)
                ? readSecret(spec, reader, resolver: resolver, fileMode: fileMode, enabled: config.enabled)
                : readSetting(spec, reader)
            config.settings[spec.key] = value
        }
        return config
    }

    private func readSetting(_ spec: ChannelSettingSpec, _ reader: ConfigurationTableReader) -> SettingValue? {
        if spec.kind == .string || spec.kind == .url, let table = reader.value(spec.key)?.table,
           table.keys.contains(where: SecretResolver.sourceKeys.contains) {
            reader.error(
                "`\(spec.key)` in \(reader.title) is not a secret, so it cannot come from a credential, "
                    + "the environment or a file: write it as text in quotes", atValueOf: spec.key)
            return nil
        }
        switch spec.kind {
        case .string:
            return reader.string(spec.key).map(SettingValue.string)
        case .url:
            guard let text = reader.string(spec.key) else { return nil }
            guard Self.isHTTPURL(text) else {
                reader.error("`\(spec.key)` in \(reader.title) must be an http or https URL, such as \"https://example.org\"", atValueOf: spec.key)
                return nil
            }
            return .string(text)
        case .integer:
            return reader.integer(spec.key, atLeast: .min).map(SettingValue.integer)
        case .boolean:
            return reader.boolean(spec.key).map(SettingValue.boolean)
        case .stringTable:
            return reader.stringTable(spec.key).map(SettingValue.table)
        case .stringList:
            return reader.stringList(spec.key).map(SettingValue.list)
        }
    }

    private func readSecret(
        _ spec: ChannelSettingSpec, _ reader: ConfigurationTableReader, resolver: SecretResolver, fileMode: UInt32?, enabled: Bool
    ) -> SettingValue? {
        guard let value = reader.value(spec.key) else { return nil }
        let secret: Secret
        do {
            let reference = try SecretResolver.reference(from: value, key: spec.key)
            if case .literal = reference, let fileMode, fileMode & 0o044 != 0 {
                reader.warning(
                    "`\(spec.key)` in \(reader.title) is a secret written in a file others can read "
                        + "(mode 0\(String(fileMode, radix: 8))): make the file readable by its owner only (chmod 600), "
                        + "or use { credential = \"NAME\" }, { env = \"NAME\" } or { file = \"/path\" }",
                    atValueOf: spec.key)
            }
            let isLiteral = if case .literal = reference { true } else { false }
            if !enabled, !isLiteral { return nil }
            secret = try resolver.resolve(reference, key: spec.key)
        } catch {
            reader.error("\(reader.title): \(error.message)", atValueOf: spec.key)
            return nil
        }
        if spec.kind == .url, !Self.isHTTPURL(secret.value) {
            // The value is a secret: say where it came from, never what it is.
            reader.error("`\(spec.key)` in \(reader.title) (from \(secret.origin)) must be an http or https URL", atValueOf: spec.key)
            return nil
        }
        return .secret(secret)
    }

    /// Duplicate names, default channels that do not exist, and at least one enabled channel.
    func checkChannels(_ blocks: ChannelBlocks, delivery: DeliverySettings, root: ConfigurationTableReader) {
        let diagnostics = root.diagnostics
        let byName = Dictionary(grouping: blocks.namePositions, by: \.name)
        for (name, uses) in byName where uses.count > 1 {
            for use in uses {
                let others = uses.filter { $0.position != use.position }.map { String($0.position.line) }
                let lines = others.count == 1 ? "line \(others[0])" : "lines \(others.joined(separator: ", "))"
                diagnostics.error("channel name `\(name)` is used more than once (also on \(lines)): names must be unique", at: use.position)
            }
        }

        let names = blocks.configs.map(\.name).filter { !$0.isEmpty }
        let defaultsPosition = diagnostics.position(ofValue: "defaults", in: .table("delivery"))
        for name in delivery.defaultChannels {
            guard let channel = blocks.configs.first(where: { $0.name == name }) else {
                let hint = KeySuggestion.hint(for: name, among: names)
                let known = names.isEmpty ? "no channel is configured" : "channels: " + names.joined(separator: ", ")
                diagnostics.error("`defaults` in [delivery] names `\(name)`, which is not a configured channel (\(known))\(hint)", at: defaultsPosition)
                continue
            }
            if !channel.enabled {
                diagnostics.warning("`defaults` in [delivery] names `\(name)`, which is disabled: posts routed by default skip it", at: defaultsPosition)
            }
        }

        if blocks.enabledCount == 0 {
            diagnostics.error(
                "no channel is enabled: posts would go nowhere; add a [[channel]] block, or set enabled = true on one",
                at: blocks.firstBlock ?? TOMLKeyLocator.Position(line: 1, column: 1))
        }
    }

    static func isValidChannelName(_ name: String) -> Bool {
        (1...128).contains(name.unicodeScalars.count) && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }

    /// `fr`, `oc`, `en-GB`, `zh-Hant-TW`: letters, then dash-separated letters or digits.
    static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else { return false }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }
}
