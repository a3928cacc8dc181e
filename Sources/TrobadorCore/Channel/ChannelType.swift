import CurlHTTP

/// A kind of channel (`webhook`, `mastodon`...): what it accepts in the configuration,
/// what it can do, and how to build an adapter for one configured channel.
///
/// Lifecycle, as Caddy's modules: `makeAdapter` validates and constructs without I/O;
/// the adapter does its work in `deliver`.
public protocol ChannelType: Sendable {
    /// The `type = "..."` value.
    var name: String { get }
    /// One line for `trobador channels`.
    var summary: String { get }
    /// The type-specific keys of its `[[channel]]` block.
    var settings: [ChannelSettingSpec] { get }
    var capabilities: ChannelCapabilities { get }
    /// Requests in flight at once when the block sets no `concurrency`.
    var defaultConcurrency: Int { get }
    /// The network's own rate limit, when the block sets no `rate` (Slack 1/s, Mastodon 300/5m).
    var defaultRate: Rate? { get }

    /// Builds the adapter for one configured channel. Throws a message for the operator
    /// when the settings cannot work (the configuration parser already checked kinds).
    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter
}

extension ChannelType {
    public var defaultRate: Rate? { nil }
}

/// What adapters may use: the HTTP client, the spool, the media store.
public struct ChannelContext: Sendable {
    public var http: any HTTPClient
    /// The spool directory, for channels that write files.
    public var spoolDirectory: String
    /// Reads a post version's media with their bytes (`OutboundMessage.media` carries only
    /// their description), for channels that upload them.
    public var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]

    public init(
        http: any HTTPClient, spoolDirectory: String,
        loadMedia: @escaping @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia] = { _, _ in [] }
    ) {
        self.http = http
        self.spoolDirectory = spoolDirectory
        self.loadMedia = loadMedia
    }
}

/// A configured channel that cannot be set up, said for the operator.
public struct ChannelSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One configured channel, ready to deliver.
public protocol ChannelAdapter: Sendable {
    /// Sends one message. Never throws: every way it can go is an outcome.
    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome

    /// The requests `deliver` would send for this message, built the same way, with no
    /// network (values only known at send time, such as the id of a thread's first part or
    /// of an uploaded image, are shown as placeholders like `{id of part 1}`).
    func preview(_ message: OutboundMessage) -> [PreviewRequest]
}

/// What a channel can do, declared once per type.
public struct ChannelCapabilities: Sendable, Equatable {
    public enum Formatting: String, Sendable { case plain, markdown, html, structured }

    /// How the network drops a message it already has, if it can.
    public enum Idempotency: Sendable, Equatable {
        /// No mechanism: an interrupted attempt is `uncertain`.
        case none
        /// A key sent with every attempt of the same message (named for `trobador channels`).
        case key(String)
        /// Sending again overwrites the same copy.
        case overwrite
    }

    public var maxLength: Int?
    public var formatting: Formatting
    public var threads: Bool
    public var media: Bool
    public var edit: Bool
    public var delete: Bool
    /// Without `edit`, the adapter still applies an update by deleting the published copy and
    /// publishing the new version (Bluesky), so `on_update` does not apply to it.
    public var replacesOnUpdate: Bool
    public var idempotency: Idempotency

    public init(
        maxLength: Int? = nil, formatting: Formatting, threads: Bool = false, media: Bool = false,
        edit: Bool = false, delete: Bool = false, replacesOnUpdate: Bool = false, idempotency: Idempotency = .none
    ) {
        self.replacesOnUpdate = replacesOnUpdate
        self.maxLength = maxLength
        self.formatting = formatting
        self.threads = threads
        self.media = media
        self.edit = edit
        self.delete = delete
        self.idempotency = idempotency
    }

    /// Whether the adapter applies an update itself, in place or by replacing the copy.
    public var appliesUpdates: Bool { edit || replacesOnUpdate }

    /// Whether an interrupted attempt can be sent again without risk of a duplicate.
    public var resendIsSafe: Bool { idempotency != .none }
}
