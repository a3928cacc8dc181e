import Foundation

/// What `trobador status` shows.
public struct StatusReport: Sendable, Codable {
    public struct ChannelLine: Sendable, Codable {
        public var channel: String
        /// Count per state name; states with none are absent.
        public var counts: [String: Int]

        public init(channel: String, counts: [String: Int]) {
            self.channel = channel
            self.counts = counts
        }
    }

    public struct Problem: Sendable, Codable {
        public var post: String
        public var channel: String
        public var state: String
        public var attempts: Int
        public var http: Int?
        public var error: String?
        public var at: Date
        public var nextAt: Date?
    }

    /// A channel its breaker paused: since when, when it next probes, and the last failure.
    public struct Pause: Sendable, Codable {
        public var channel: String
        public var since: Date
        public var probeAt: Date
        public var reason: String
    }

    /// A published copy a retraction could not remove: the operator removes it by hand.
    public struct ManualRemoval: Sendable, Codable {
        public var post: String
        public var channel: String
        /// Where the copies still online are (the first publication, then any correction
        /// published as a new message, less those the retraction deleted), as far as the
        /// network said.
        public var urls: [String]
        public var reason: String?
        public var at: Date
    }

    /// An update on a channel that cannot edit: published as a new message, or not sent.
    public struct Correction: Sendable, Codable {
        public var post: String
        public var channel: String
        /// `AuditEntry.updateAsNewMessage` or `AuditEntry.updateSkipped`.
        public var performed: String
        public var note: String?
        public var at: Date
    }

    public var channels: [ChannelLine]
    public var paused: [Pause]
    /// The latest updates on channels that cannot edit, newest first (as many as the latest problems).
    public var corrections: [Correction] = []
    /// The latest retractions that failed, newest first (as many as the latest problems): their
    /// copies are still published.
    public var removeByHand: [ManualRemoval] = []
    /// The latest deliveries that failed, are uncertain or are retrying, newest first.
    public var problems: [Problem]
}

/// What `trobador history POST_ID` shows.
public struct PostHistory: Sendable, Codable {
    public struct Version: Sendable, Codable {
        public var version: Int
        public var action: String
        public var acceptedAt: Date
        public var file: String
        public var contentHash: String
    }

    public struct Attempt: Sendable, Codable {
        public var number: Int
        public var startedAt: Date
        public var finishedAt: Date?
        /// `delivered`, `retry`, `failed`, `interrupted`, or nil while in flight.
        public var outcome: String?
        public var http: Int?
        public var milliseconds: Int?
        public var error: String?
        /// The audit trail's record of the attempt, when it sent something or withheld it on purpose.
        public var audit: AuditRecord?
    }

    /// One record of the audit trail (see `AuditEntry`), as stored.
    public struct AuditRecord: Sendable, Codable {
        public var at: Date
        public var performed: String
        public var outcome: String
        public var remoteID: String?
        public var url: String?
        public var note: String?
        public var sent: [SentRequest]
    }

    public struct Delivery: Sendable, Codable {
        public var channel: String
        public var version: Int
        public var action: String
        public var state: String
        public var nextAt: Date?
        public var remoteID: String?
        public var url: String?
        public var lastError: String?
        public var attempts: [Attempt]
    }

    public var post: String
    public var title: String?
    public var versions: [Version]
    public var deliveries: [Delivery]
}
