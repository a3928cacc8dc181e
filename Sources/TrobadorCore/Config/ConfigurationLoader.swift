import Foundation
import TOMLKit

/// Reads `trobador.toml` into a validated `Configuration`, or says everything wrong with it.
///
/// Sections: `[spool] dir`, `[state] path`, `[log] format, file`, `[posts] max_file_size,
/// max_media_size, max_media_count, require_alt_text`, `[delivery] max_attempts, max_age,
/// first_retry, max_retry_interval, on_uncertain, defaults, on_update, retract_on_expiry`, top-level `plugin_dirs`, and
/// `[[channel]]` blocks (see `ConfigurationLoader+Channels.swift`). Any other key is an error
/// at its line, with the closest known key suggested when it looks like a typo.
///
/// Paths: relative `[spool] dir`, `[state] path`, `[log] file`, `plugin_dirs` entries and secret
/// `file` references are resolved against the directory holding the configuration file (so a
/// configuration means the same thing whatever directory the daemon starts in). Without
/// `[spool] dir` the spool is `<configuration directory>/spool`; without `[state] path` the
/// state is `<spool>/state.sqlite`. Channel type settings (such as a `file` channel's `dir`) are
/// left as written: their type decides what they mean.
///
/// Warnings (a literal secret in a file others can read) do not stop loading; they are returned
/// in `Configuration.warnings`, so the daemon can log them at start and on every reload, and
/// `check` can print them, from the one value it already passes around.
public struct ConfigurationLoader: Sendable {
    /// The channel types that exist (built in and plugins) and the keys each takes.
    public var channelTypes: [String: [ChannelSettingSpec]]
    /// Where `{ env = "NAME" }` and `CREDENTIALS_DIRECTORY` are looked up.
    public var environment: [String: String]
    /// Types that exist but whose keys cannot be known (a plugin whose plugin.toml does not
    /// parse): their blocks are checked for the common keys only, and the channel is refused
    /// later, when its adapter is built, so that one broken plugin does not refuse the file.
    public var typesWithUnknownKeys: Set<String> = []

    /// The largest configuration file read.
    static let largestFile = 4 << 20
    static let topLevelKeys = ["spool", "state", "log", "posts", "delivery", "channel", "plugin_dirs"]
    static let embeddedPath = "<embedded default>"

    public init(
        channelTypes: [String: [ChannelSettingSpec]],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.channelTypes = channelTypes
        self.environment = environment
    }

    /// Reads and parses the file at `path` (relative to the working directory if relative).
    /// Its permission bits decide whether literal secrets are warned about.
    public func load(path: String) throws(ConfigurationError) -> Configuration {
        let contents: SmallFile.Contents
        do {
            contents = try SmallFile.read(path, limit: Self.largestFile)
        } catch {
            let problem = ConfigurationProblem(path: path, line: 1, column: 1, message: "cannot read the configuration: \(error.reason)")
            throw ConfigurationError(problems: [problem])
        }
        return try parse(contents.text, path: path, fileMode: contents.mode)
    }

    /// Parses configuration text said to come from `path` (used in messages and to resolve
    /// relative paths). No file mode is known, so literal secrets are not warned about.
    public func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
        try parse(text, path: path, fileMode: nil)
    }

    /// SPEC's embedded default: spool `<workingDirectory>/spool`, state `<spool>/state.sqlite`,
    /// and one enabled `file` channel named `outbox` writing to `<spool>/outbox`, which is also
    /// the default channel.
    public func embeddedDefault(workingDirectory: String) -> Configuration {
        let spool = ConfigurationPaths.resolve("spool", against: workingDirectory)
        let outbox = ChannelConfig(name: "outbox", type: "file", settings: ["dir": .string(spool + "/outbox")])
        return Configuration(
            sourcePath: nil, spoolDirectory: spool, statePath: spool + "/state.sqlite",
            delivery: DeliverySettings(defaultChannels: ["outbox"]), channels: [outbox]
        )
    }

    func parse(_ text: String, path: String, fileMode: UInt32?) throws(ConfigurationError) -> Configuration {
        let document: TOMLTable
        switch TOMLDocument.parse(text, path: path) {
        case .success(let table): document = table
        case .failure(let error): throw error
        }

        let diagnostics = ConfigurationDiagnostics(path: path, locator: TOMLKeyLocator(source: text))
        let directory = ConfigurationPaths.directory(of: path, workingDirectory: FileManager.default.currentDirectoryPath)
        let root = ConfigurationTableReader(table: document, ref: .root, title: "the top level", diagnostics: diagnostics)
        for key in document.keys where !Self.topLevelKeys.contains(key) {
            let known = " (known: \(Self.topLevelKeys.joined(separator: ", ")))"
            if document[key]?.table != nil {
                let hint = KeySuggestion.closest(to: key, among: Self.topLevelKeys).map { "; did you mean [\($0)]?" } ?? known
                root.error("unknown section [\(key)]\(hint)", atKey: key)
            } else {
                let hint = KeySuggestion.hint(for: key, among: Self.topLevelKeys)
                root.error("unknown key `\(key)` at the top level\(hint.isEmpty ? known : hint)", atKey: key)
            }
        }

        var configuration = Configuration(
            sourcePath: path, spoolDirectory: ConfigurationPaths.resolve("spool", against: directory),
            statePath: "", channels: []
        )
        if let spool = section("spool", of: root) {
            spool.rejectUnknownKeys(known: ["dir"])
            configuration.spoolDirectory = spool.path("dir", against: directory) ?? configuration.spoolDirectory
        }
        configuration.statePath = configuration.spoolDirectory + "/state.sqlite"
        if let state = section("state", of: root) {
            state.rejectUnknownKeys(known: ["path"])
            configuration.statePath = state.path("path", against: directory) ?? configuration.statePath
        }
        if let log = section("log", of: root) {
            log.rejectUnknownKeys(known: ["format", "file"])
            configuration.log.format = log.choice("format", of: LogFormat.self) ?? configuration.log.format
            configuration.log.file = log.path("file", against: directory)
        }
        if let posts = section("posts", of: root) {
            configuration.posts = readPosts(posts)
        }
        if let delivery = section("delivery", of: root) {
            configuration.delivery = readDelivery(delivery)
        }
        configuration.pluginDirectories = root.stringList("plugin_dirs")?
            .map { ConfigurationPaths.resolve($0, against: directory) } ?? []

        let resolver = SecretResolver(environment: environment, baseDirectory: directory)
        let channels = readChannels(root, resolver: resolver, fileMode: fileMode)
        configuration.channels = channels.configs
        checkChannels(channels, delivery: configuration.delivery, root: root)

        guard diagnostics.errors.isEmpty else {
            throw ConfigurationError(problems: diagnostics.sortedErrors(), warnings: diagnostics.sortedWarnings())
        }
        configuration.warnings = diagnostics.sortedWarnings()
        return configuration
    }

    /// The reader for a `[name]` section, or nil if absent or not a table (reported).
    func section(_ name: String, of root: ConfigurationTableReader) -> ConfigurationTableReader? {
        guard let value = root.value(name) else { return nil }
        guard let table = value.table else {
            root.error("`\(name)` must be a section: write [\(name)] on its own line and its keys below it", atKey: name)
            return nil
        }
        return ConfigurationTableReader(table: table, ref: .table(name), title: "[\(name)]", diagnostics: root.diagnostics)
    }

    private func readPosts(_ posts: ConfigurationTableReader) -> PostRules {
        posts.rejectUnknownKeys(known: ["max_file_size", "max_media_size", "max_media_count", "require_alt_text"])
        var rules = PostRules()
        rules.maxFileSize = posts.size("max_file_size") ?? rules.maxFileSize
        rules.maxMediaSize = posts.size("max_media_size") ?? rules.maxMediaSize
        rules.maxMediaCount = posts.integer("max_media_count", atLeast: 0) ?? rules.maxMediaCount
        rules.requireAltText = posts.boolean("require_alt_text") ?? rules.requireAltText
        return rules
    }

    private func readDelivery(_ delivery: ConfigurationTableReader) -> DeliverySettings {
        delivery.rejectUnknownKeys(known: [
            "max_attempts", "max_age", "first_retry", "max_retry_interval", "on_uncertain", "defaults",
            "on_update", "retract_on_expiry",
        ])
        var settings = DeliverySettings()
        settings.maxAttempts = delivery.integer("max_attempts", atLeast: 1) ?? settings.maxAttempts
        settings.maxAge = delivery.duration("max_age") ?? settings.maxAge
        let firstRetry = delivery.duration("first_retry")
        let maxRetryInterval = delivery.duration("max_retry_interval")
        settings.firstRetry = firstRetry ?? settings.firstRetry
        settings.maxRetryInterval = maxRetryInterval ?? settings.maxRetryInterval
        if (firstRetry != nil || maxRetryInterval != nil), settings.firstRetry > settings.maxRetryInterval {
            let key = firstRetry != nil ? "first_retry" : "max_retry_interval"
            delivery.error(
                "`first_retry` (\(ConfigValueSyntax.text(for: settings.firstRetry))) is longer than "
                    + "`max_retry_interval` (\(ConfigValueSyntax.text(for: settings.maxRetryInterval))) in [delivery]",
                atValueOf: key)
        }
        settings.onUncertain = delivery.choice("on_uncertain", of: UncertainPolicy.self) ?? settings.onUncertain
        settings.defaultChannels = delivery.stringList("defaults") ?? []
        settings.onUpdate = delivery.choice("on_update", of: UpdateFallback.self) ?? settings.onUpdate
        settings.retractOnExpiry = delivery.boolean("retract_on_expiry") ?? settings.retractOnExpiry
        return settings
    }
}
