import TrobadorCore

/// The posts of one thread as they are published: their AT URIs for the receipt, and the
/// root and latest part as strong references for the next part's `reply`.
struct BlueskyThread {
    var uris: [String]
    var root: BlueskyStrongRef?
    var parent: BlueskyStrongRef?
    let handle: String

    /// From a receipt: its `parts`, or its single `remoteID`. Their CIDs are not in the
    /// receipt; `root` and `parent` are read back from the PDS before going on.
    init(done receipt: Receipt?, handle: String) {
        uris = receipt.map { $0.parts.isEmpty ? ($0.remoteID.map { [$0] } ?? []) : $0.parts } ?? []
        self.handle = handle
    }

    var reply: (root: BlueskyStrongRef, parent: BlueskyStrongRef)? {
        guard let root, let parent else { return nil }
        return (root, parent)
    }

    mutating func append(_ ref: BlueskyStrongRef) {
        if uris.isEmpty { root = ref }
        parent = ref
        uris.append(ref.uri)
    }

    /// The first post's AT URI as the remote id; every post's, in order, for a thread.
    var receipt: Receipt {
        Receipt(remoteID: uris.first, url: uris.first.flatMap { Self.url(of: $0, handle: handle) }, httpStatus: 200, parts: uris.count > 1 ? uris : [])
    }

    /// Where people see the post: `https://bsky.app/profile/<handle>/post/<rkey>`.
    static func url(of uri: String, handle: String) -> String? {
        BlueskyRecordAddress(uri: uri).map { "https://bsky.app/profile/\(handle)/post/\($0.rkey)" }
    }

    /// A retry keeps what was published, so the next attempt goes on from it; a failure says
    /// which posts stay online, since nothing will remove them automatically.
    func stopped(_ outcome: DeliveryOutcome) -> DeliveryOutcome {
        guard !uris.isEmpty else { return outcome }
        switch outcome {
        case .retry(let after, let reason, let status, _):
            return .retry(after: after, reason: reason, httpStatus: status, progress: Receipt(remoteID: uris.first, url: receipt.url, parts: uris))
        case .failed(let reason, let status):
            return .failed(reason: reason + "; posts already published: " + uris.joined(separator: ", "), httpStatus: status)
        case .delivered:
            return outcome
        }
    }
}
