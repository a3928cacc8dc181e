/// Where one delivery (a post version to one channel) stands. SPEC's Delivery section.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt.
    case pending
    /// Held until the post's `publish_at`.
    case scheduled
    /// An attempt is under way; a crash leaves it here until the next start decides.
    case inFlight = "in_flight"
    /// The last attempt failed in a way worth trying again; `next_at` says when.
    case retrying
    case delivered
    /// Given up: a permanent error, or too many attempts, or too old.
    case failed
    /// An attempt was interrupted on a channel that cannot drop duplicates: it may or may
    /// not have been published.
    case uncertain
    /// Will not be sent (expired, or withdrawn before it went out).
    case cancelled
    /// Published, then removed.
    case retracted

    /// States in which the delivery waits for the engine.
    public static let waiting: [DeliveryState] = [.pending, .scheduled, .retrying]

    /// No further attempt will be made without an operator.
    public var isFinal: Bool {
        switch self {
        case .delivered, .failed, .cancelled, .retracted: true
        case .pending, .scheduled, .inFlight, .retrying, .uncertain: false
        }
    }
}
