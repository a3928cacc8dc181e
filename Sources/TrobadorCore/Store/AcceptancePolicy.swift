import Foundation

/// Decides what a post file means given what is already stored under its id. Pure, so
/// every store implementation applies the same rules.
enum AcceptancePolicy {
    struct StoredVersion {
        var version: Int
        var action: PostAction
        var contentHash: String
        var acceptedAt: Date
    }

    enum Decision: Equatable {
        /// Store as this version, delivering to these channels.
        case store(version: Int, channels: [String])
        case duplicate(version: Int)
        case refuse(PostProblem)
    }

    /// - Parameters:
    ///   - existing: the stored versions of the same id, oldest first.
    ///   - existingChannels: the channels earlier versions went to, in first-seen order.
    static func decide(_ submission: Submission, existing: [StoredVersion], existingChannels: [String]) -> Decision {
        let post = submission.post
        if let same = existing.first(where: { $0.contentHash == submission.contentHash }) {
            return .duplicate(version: same.version)
        }
        guard let latest = existing.last else {
            switch post.action {
            case .publish:
                return .store(version: 1, channels: submission.routes)
            case .update:
                return .refuse(PostProblem(
                    field: "action", message: "there is no published post with the id \"\(post.id)\" to update",
                    hint: "Check the id. To publish it as a new post, remove the line `action: update`."))
            case .retract:
                return .refuse(PostProblem(
                    field: "action", message: "there is no published post with the id \"\(post.id)\" to retract",
                    hint: "Check the id against `trobador status` or the archive."))
            }
        }
        switch post.action {
        case .publish:
            let when = LogEvent.timestamp(latest.acceptedAt)
            return .refuse(PostProblem(
                field: "id", message: "a different post with the id \"\(post.id)\" was already accepted (\(when))",
                hint: "To correct the published post, add `action: update` to the front matter. To publish another post, give it another id."))
        case .update, .retract:
            if latest.action == .retract && post.action == .update {
                return .refuse(PostProblem(
                    field: "action", message: "the post \"\(post.id)\" was retracted; it cannot be updated",
                    hint: "To publish it again, give it a new id."))
            }
            // `channels:` in an update or a retraction narrows it to some of the post's channels.
            let named = submission.routes
            if let stranger = named.first(where: { !existingChannels.contains($0) }) {
                return .refuse(PostProblem(
                    field: "channels", message: "the post \"\(post.id)\" was never sent to the channel \"\(stranger)\"",
                    hint: "It went to: \(existingChannels.joined(separator: ", ")). Name only those, or remove `channels:`."))
            }
            return .store(version: latest.version + 1, channels: named.isEmpty ? existingChannels : existingChannels.filter(named.contains))
        }
    }

    /// `webhook-id`, `Idempotency-Key`... : the same for every attempt of one message, and
    /// different for another post, channel, action or version.
    static func idempotencyKey(postID: String, channel: String, action: PostAction, version: Int) -> String {
        "msg_" + ContentHash.sha256Hex(Array("\(postID)\u{0}\(channel)\u{0}\(action.rawValue)\u{0}\(version)".utf8)).prefix(32)
    }
}
