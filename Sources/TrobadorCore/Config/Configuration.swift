import Foundation

/// Everything `trobador.toml` says, validated, with paths made absolute and secrets read.
public struct Configuration: Sendable {
    /// The file it was read from; nil for the embedded default.
    public var sourcePath: String?
    /// `[spool] dir`: holds `inbox/`, `archive/`, `rejected/`.
    public var spoolDirectory: String
    /// `[state] path`: the SQLite database.
    public var statePath: String
    public var log: LogSettings
    public var posts: PostRules
    public var delivery: DeliverySettings
    /// `plugin_dirs`: extra plugin directories, searched after the built-in ones.
    public var pluginDirectories: [String]
    public var channels: [ChannelConfig]
    /// Things worth saying at start that do not stop the daemon (a literal secret in a file
    /// others can read), in `path:line:column: warning: message` form. Empty for the default.
    public var warnings: [ConfigurationProblem] = []

    public init(
        sourcePath: String?, spoolDirectory: String, statePath: String, log: LogSettings = LogSettings(),
        posts: PostRules = PostRules(), delivery: DeliverySettings = DeliverySettings(),
        pluginDirectories: [String] = [], channels: [ChannelConfig]
    ) {
        self.sourcePath = sourcePath
        self.spoolDirectory = spoolDirectory
        self.statePath = statePath
        self.log = log
        self.posts = posts
        self.delivery = delivery
        self.pluginDirectories = pluginDirectories
        self.channels = channels
    }

    public func channel(named name: String) -> ChannelConfig? {
        channels.first { $0.name == name }
    }
}

public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// `[log]`
public struct LogSettings: Sendable, Equatable {
    public var format: LogFormat
    /// Optional file written besides stderr, reopened on SIGHUP.
    public var file: String?

    public init(format: LogFormat = .logfmt, file: String? = nil) {
        self.format = format
        self.file = file
    }
}

/// What to do with an attempt interrupted by a crash on a channel that cannot drop duplicates.
public enum UncertainPolicy: String, Sendable, CaseIterable {
    /// Send again; the network may show the post twice.
    case retry
    /// Keep it `uncertain` until an operator runs `trobador retry`.
    case hold
}

/// What to do with an update on a channel that cannot edit what it published (Slack and Teams
/// webhooks, plugins with no update request): `on_update`.
public enum UpdateFallback: String, Sendable, CaseIterable {
    /// Publish the corrected version as a new message, marked as a correction.
    case new
    /// Send nothing; record and log that the published copy stays as it was, and why.
    case skip
}

/// `[delivery]`
public struct DeliverySettings: Sendable, Equatable {
    /// `max_attempts`: give up after this many attempts.
    public var maxAttempts: Int
    /// `max_age`: give up this long after the post was accepted.
    public var maxAge: Duration
    /// `first_retry`: delay before the second attempt; doubles each time.
    public var firstRetry: Duration
    /// `max_retry_interval`: the longest delay between two attempts.
    public var maxRetryInterval: Duration
    /// `on_uncertain`
    public var onUncertain: UncertainPolicy
    /// `defaults`: channels for posts with no `channels:` and no matching tags.
    public var defaultChannels: [String]
    /// `on_update`: for channels that cannot edit; a channel's own `on_update` wins.
    public var onUpdate: UpdateFallback
    /// `retract_on_expiry`: retract the published copies once the post's `expires_at` has
    /// passed; a channel's own `retract_on_expiry` wins.
    public var retractOnExpiry: Bool

    public init(
        maxAttempts: Int = 20, maxAge: Duration = .seconds(48 * 3600), firstRetry: Duration = .seconds(5),
        maxRetryInterval: Duration = .seconds(3600), onUncertain: UncertainPolicy = .retry, defaultChannels: [String] = [],
        onUpdate: UpdateFallback = .new, retractOnExpiry: Bool = false
    ) {
        self.onUpdate = onUpdate
        self.retractOnExpiry = retractOnExpiry
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
        self.firstRetry = firstRetry
        self.maxRetryInterval = maxRetryInterval
        self.onUncertain = onUncertain
        self.defaultChannels = defaultChannels
    }
}

/// A rate such as `"1/s"` or `"300/5m"`: at most `count` requests per `period`.
public struct Rate: Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    public var period: Duration

    public init(count: Int, period: Duration) {
        self.count = count
        self.period = period
    }

    public var description: String { "\(count)/\(ConfigValueSyntax.text(for: period))" }
}

/// A secret value: its text is reachable only through `value`, and it prints as `***`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    /// Where it came from, for messages: `credential "mastodon-token"`, `env MASTODON_TOKEN`, `literal`.
    public let origin: String

    public init(_ value: String, origin: String) {
        self.value = value
        self.origin = origin
    }

    public var description: String { "***" }
    public var debugDescription: String { "Secret(\(origin))" }
}

/// One value of a channel's type-specific settings.
public enum SettingValue: Sendable, Equatable {
    case string(String)
    case secret(Secret)
    case integer(Int)
    case boolean(Bool)
    case table([String: String])
    case list([String])

    /// The text of a string or secret value.
    public var text: String? {
        switch self {
        case .string(let text): text
        case .secret(let secret): secret.value
        default: nil
        }
    }
}

/// One `[[channel]]` block.
public struct ChannelConfig: Sendable, Equatable {
    public var name: String
    public var type: String
    /// Posts with any of these tags are routed here.
    public var tags: [String]
    /// The language this channel publishes in; picks a translation when the post has one.
    public var lang: String?
    public var enabled: Bool
    /// Most requests in flight at once; nil for the type's default.
    public var concurrency: Int?
    /// Most requests per period; nil for the type's default.
    public var rate: Rate?
    /// Whole-request timeout; nil for the default (15 s).
    public var timeout: Duration?
    /// `on_update` for this channel; nil for `[delivery]`'s.
    public var onUpdate: UpdateFallback?
    /// `retract_on_expiry` for this channel; nil for `[delivery]`'s.
    public var retractOnExpiry: Bool?
    /// The type-specific keys, checked against the type's `ChannelSettingSpec`s.
    public var settings: [String: SettingValue]
    /// Line of the block's `[[channel]]` header in the configuration file (0 for the embedded default).
    public var line: Int

    public init(
        name: String, type: String, tags: [String] = [], lang: String? = nil, enabled: Bool = true,
        concurrency: Int? = nil, rate: Rate? = nil, timeout: Duration? = nil,
        settings: [String: SettingValue] = [:], line: Int = 0
    ) {
        self.name = name
        self.type = type
        self.tags = tags
        self.lang = lang
        self.enabled = enabled
        self.concurrency = concurrency
        self.rate = rate
        self.timeout = timeout
        self.settings = settings
        self.line = line
    }

    /// The text of a string, URL or secret setting.
    public func text(_ key: String) -> String? { settings[key]?.text }

    /// Secret texts of this channel, for redaction: each whole value and, for a secret URL,
    /// the parts that carry its token (long path segments, query values), since a server may
    /// echo back a path without the host.
    public var secretValues: [String] {
        settings.values.flatMap { value -> [String] in
            guard case .secret(let secret) = value else { return [] }
            return [secret.value] + Self.tokenParts(ofURL: secret.value)
        }
    }

    static func tokenParts(ofURL text: String) -> [String] {
        // `encodedHost`, not `host`: both say whether there is a host, but `host` (and
        // `percentEncodedHost`) decode it through ICU's IDNA tables, which loads ICU's code and
        // normalization data into every daemon at start (about 2 MiB resident) for a yes or no.
        guard let components = URLComponents(string: text), components.scheme != nil, components.encodedHost != nil else { return [] }
        var parts = components.percentEncodedPath.split(separator: "/").map(String.init).filter { $0.count >= 12 }
        parts += (components.queryItems ?? []).compactMap(\.value).filter { $0.count >= 6 }
        return parts
    }
}
