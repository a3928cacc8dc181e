/// What an adapter answers after one attempt. The engine alone decides what follows.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The network accepted it; what it calls the message, and where it can be seen.
    case delivered(Receipt)
    /// Worth trying again: after `after` when the network said so (Retry-After and the
    /// platforms' own hints), else on the engine's backoff. `progress`: what a thread already
    /// published before it stopped (its first messages), so the next attempt goes on from there
    /// instead of publishing them twice.
    case retry(after: Duration?, reason: String, httpStatus: Int?, progress: Receipt? = nil)
    /// Will not succeed by trying again (4xx other than 408 and 429, 3xx, bad configuration).
    case failed(reason: String, httpStatus: Int?)

    public var httpStatus: Int? {
        switch self {
        case .delivered(let receipt): receipt.httpStatus
        case .retry(_, _, let status, _), .failed(_, let status): status
        }
    }
}

/// Proof of publication: enough to find, edit or delete the published copy later.
public struct Receipt: Sendable, Equatable, Codable {
    /// The network's id for the message (the first one, for a thread).
    public var remoteID: String?
    public var url: String?
    public var httpStatus: Int?
    /// Every message of a thread, first to last (ids as the network names them), so that all
    /// can be edited or deleted later. Empty for a single message.
    public var parts: [String]

    public init(remoteID: String? = nil, url: String? = nil, httpStatus: Int? = nil, parts: [String] = []) {
        self.remoteID = remoteID
        self.url = url
        self.httpStatus = httpStatus
        self.parts = parts
    }
}
