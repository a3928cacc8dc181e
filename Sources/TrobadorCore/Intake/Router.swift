/// Which channels a new post goes to. SPEC: `channels:` if given; else every channel whose
/// `tags` meet the post's tags; else the configuration's `defaults`. Nowhere is an error.
public struct Router: Sendable {
    public var channels: [ChannelConfig]
    public var defaults: [String]

    public init(configuration: Configuration) {
        channels = configuration.channels
        defaults = configuration.delivery.defaultChannels
    }

    public func routes(for post: Post) -> Result<[String], PostProblem> {
        let enabled = channels.filter(\.enabled)
        if let named = post.channels {
            var routes: [String] = []
            for name in named where !routes.contains(name) {
                guard let channel = channels.first(where: { $0.name == name }) else {
                    return .failure(PostProblem(
                        field: "channels", message: "there is no channel named \"\(name)\" in the configuration",
                        hint: "Use one of: \(enabled.map(\.name).joined(separator: ", ")), or remove `channels:` to route by tags."))
                }
                guard channel.enabled else {
                    return .failure(PostProblem(
                        field: "channels", message: "the channel \"\(name)\" is disabled in the configuration",
                        hint: "Remove it from `channels:`, or ask the administrator to enable it."))
                }
                routes.append(name)
            }
            if routes.isEmpty {
                return .failure(PostProblem(field: "channels", message: "`channels:` is empty", hint: "Name at least one channel, or remove `channels:` to route by tags."))
            }
            return .success(routes)
        }
        let tags = Set(post.tags.map { $0.lowercased() })
        let tagged = enabled.filter { !Set($0.tags.map { $0.lowercased() }).isDisjoint(with: tags) }.map(\.name)
        if !tagged.isEmpty { return .success(tagged) }
        let fallback = defaults.filter { name in enabled.contains { $0.name == name } }
        if !fallback.isEmpty { return .success(fallback) }
        let tagText = post.tags.isEmpty ? "it has no tags" : "none of its tags (\(post.tags.joined(separator: ", "))) is listed by a channel"
        return .failure(PostProblem(
            message: "this post goes to no channel: it has no `channels:`, \(tagText), and the configuration names no default channel",
            hint: "Add `channels: [\(enabled.first?.name ?? "name")]` to the front matter, or a tag that a channel lists."))
    }
}
