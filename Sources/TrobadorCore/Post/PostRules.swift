/// Limits and rules a post file must meet, set in the configuration's `[posts]` table.
public struct PostRules: Sendable, Equatable {
    /// Largest accepted post file (`post.md`, `post.json` or a single file), in bytes.
    public var maxFileSize: Int
    /// Largest accepted media file, in bytes.
    public var maxMediaSize: Int
    /// Most media files in one post.
    public var maxMediaCount: Int
    /// Images without `alt` text are rejected unless this is false (accessibility rules
    /// bind public bodies).
    public var requireAltText: Bool

    public init(maxFileSize: Int = 1 << 20, maxMediaSize: Int = 16 << 20, maxMediaCount: Int = 4, requireAltText: Bool = true) {
        self.maxFileSize = maxFileSize
        self.maxMediaSize = maxMediaSize
        self.maxMediaCount = maxMediaCount
        self.requireAltText = requireAltText
    }
}
