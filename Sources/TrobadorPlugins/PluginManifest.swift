import TrobadorCore

/// What a plugin folder's `plugin.toml` says, once read and checked: the channel type it
/// defines, and either the HTTP requests as templates or the program to run.
public struct PluginManifest: Sendable {
    /// The type name: the folder's name (`plugins/mattermost/` is `type = "mattermost"`).
    public var name: String
    /// The plugin's folder, absolute.
    public var directory: String
    /// One line for `trobador channels`.
    public var summary: String
    public var settings: [ChannelSettingSpec]
    public var rendering: PluginRendering
    public var capabilities: ChannelCapabilities
    public var defaultConcurrency: Int
    public var defaultRate: Rate?
    public var delivery: Delivery

    /// How the plugin sends.
    public enum Delivery: Sendable {
        case http(PluginRequests)
        case executable(PluginExecutable)
    }

    public var manifestPath: String { directory + "/plugin.toml" }
}

/// How the post becomes the `text` given to templates and programs.
public struct PluginRendering: Sendable {
    public var format: TextFormat
    public var limit: Int?
    public var lengthRule: LengthRule
    /// What goes around the body (a plugin that sends the title in a field of its own leaves it out).
    public var contents: PostComposer.Contents
    /// A post over the limit is sent as a thread of parts (`threads = true`), not shortened.
    public var threads: Bool

    public init(format: TextFormat, limit: Int?, lengthRule: LengthRule, contents: PostComposer.Contents, threads: Bool = false) {
        self.format = format
        self.limit = limit
        self.lengthRule = lengthRule
        self.contents = contents
        self.threads = threads
    }

    var composer: PostComposer {
        PostComposer(format: format, limit: limit, lengthRule: lengthRule, threads: threads, contents: contents)
    }
}

/// A declarative plugin's requests, one per action it can perform.
public struct PluginRequests: Sendable {
    var create: RequestTemplate
    /// The parts after the first of a thread; nil: `create` again.
    var reply: RequestTemplate?
    var update: RequestTemplate?
    var delete: RequestTemplate?

    func request(for action: PostAction) -> RequestTemplate? {
        switch action {
        case .publish: create
        case .update: update
        case .retract: delete
        }
    }
}

/// An executable plugin: the program, relative to its folder, and how long it may run.
public struct PluginExecutable: Sendable {
    /// Absolute path of the program.
    public var path: String
    public var timeout: Duration
}
