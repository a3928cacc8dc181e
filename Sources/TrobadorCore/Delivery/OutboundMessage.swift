import Foundation

/// One message for one channel: a version of a post with the action to perform, and the
/// key that identifies it on every attempt.
public struct OutboundMessage: Sendable {
    public var post: Post
    /// 1 for the first publication, then one more for each accepted update or retraction.
    public var version: Int
    public var action: PostAction
    public var channel: String
    /// Derived from post, channel, action and version: the same on every attempt and
    /// across restarts (`webhook-id`, `Idempotency-Key`, Matrix `txnId`...).
    public var idempotencyKey: String
    /// 1 for the first attempt.
    public var attempt: Int
    public var media: [StoredMedia]
    /// What an earlier delivery of this post on this channel left, for edits and deletes.
    public var previousReceipt: Receipt?
    /// What earlier attempts of this same delivery already published (the first messages of
    /// a thread), to go on from.
    public var progress: Receipt?
    /// For a retraction: every copy the channel still shows for the post, newest first (the
    /// corrections published as new messages, then the first publication), all to delete.
    /// Empty when none left a remote id, and for other actions.
    public var copies: [Receipt]

    public init(
        post: Post, version: Int, action: PostAction, channel: String, idempotencyKey: String,
        attempt: Int, media: [StoredMedia] = [], previousReceipt: Receipt? = nil, progress: Receipt? = nil,
        copies: [Receipt] = []
    ) {
        self.progress = progress
        self.copies = copies
        self.post = post
        self.version = version
        self.action = action
        self.channel = channel
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.media = media
        self.previousReceipt = previousReceipt
    }
}

/// A media file as the state database holds it.
public struct StoredMedia: Sendable, Equatable {
    public var name: String
    public var alt: String?
    public var contentType: String
    public var size: Int
    public var sha256: String
    /// Loaded only when an adapter uploads it.
    public var data: [UInt8]?

    public init(name: String, alt: String?, contentType: String, size: Int, sha256: String, data: [UInt8]? = nil) {
        self.name = name
        self.alt = alt
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.data = data
    }
}
