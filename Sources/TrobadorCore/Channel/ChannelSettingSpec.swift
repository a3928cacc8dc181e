/// One key a channel type accepts in its `[[channel]]` block, besides the keys every
/// channel takes (`name`, `type`, `tags`, `lang`, `enabled`, `concurrency`, `rate`, `timeout`).
/// The configuration parser checks blocks against these; `trobador channels` lists them.
public struct ChannelSettingSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Text. Written as a literal or, when `secret` is true, also as
        /// `{ env = "NAME" }`, `{ file = "/path" }` or `{ credential = "NAME" }`.
        case string
        /// An `http` or `https` URL.
        case url
        case integer
        case boolean
        /// A table of text values (extra HTTP headers, for instance).
        case stringTable
        /// A list of text values.
        case stringList
    }

    public var key: String
    public var kind: Kind
    public var required: Bool
    /// Never shown: redacted in logs, `preview`, `status` and error files, and allowed
    /// to come from the environment, a file or a systemd credential.
    public var secret: Bool
    /// One sentence for `trobador channels` and error messages.
    public var help: String

    public init(_ key: String, _ kind: Kind, required: Bool = false, secret: Bool = false, help: String) {
        self.key = key
        self.kind = kind
        self.required = required
        self.secret = secret
        self.help = help
    }
}
