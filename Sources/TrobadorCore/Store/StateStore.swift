import Foundation

/// The durable state: posts, deliveries, attempts, receipts. One interface so that the
/// SQLite store of one instance and a shared PostgreSQL store of many can both serve.
///
/// Every method that changes state returns only after the change is on disk.
public protocol StateStore: Sendable {
    /// Stores posts read from the inbox, with their deliveries, in one transaction, and says
    /// for each whether it was accepted, already known, or refused by what is stored.
    func accept(_ submissions: [Submission], now: Date) async throws -> [AcceptResult]

    /// Attempts that a previous run left open: closes them and decides, per channel,
    /// whether they are sent again (`resendSafe`) or become `uncertain`.
    func recoverInterrupted(resendSafe: Set<String>, onUncertain: UncertainPolicy, now: Date) async throws -> [RecoveredDelivery]

    /// Takes up to `limit` due deliveries of `channel`, marks them `in_flight` and opens an
    /// attempt for each, durably, before any request leaves. Due deliveries past their
    /// post's `expires_at` are cancelled instead and returned in `expired`.
    func claimDue(channel: String, limit: Int, now: Date) async throws -> ClaimBatch

    /// Records how attempts ended and what state their deliveries move to.
    func complete(_ completions: [AttemptCompletion]) async throws

    /// Puts deliveries claimed and never sent back as they were before their claim, so that
    /// nothing shows an attempt that was not made.
    func release(_ claims: [ClaimedDelivery], now: Date) async throws

    /// Per channel, the earliest moment one of its waiting deliveries becomes due; channels
    /// with nothing waiting are absent.
    func nextDueDates(channels: [String]) async throws -> [String: Date]

    /// One turn of the delivery engine: records how attempts ended, takes what each channel
    /// can take now, and reads when each channel next has something due; in one transaction
    /// when the store can, so that a busy engine pays one commit for all of it.
    func step(_ step: EngineStep, now: Date) async throws -> EngineStepResult

    /// Gives back the memory a burst of work left behind, when the engine has nothing left to
    /// do; the store works on as before afterwards.
    func releaseMemory()

    /// The earliest moment a published copy is due to be retracted because its post's
    /// `expires_at` passed (`retract_on_expiry`), or nil when none is scheduled.
    func nextExpiryRetraction() async throws -> Date?

    /// Turns the retractions due by `now` into retraction versions of their posts, with a
    /// delivery per channel, as if an operator had dropped `action: retract` for those channels.
    func retractExpired(now: Date) async throws -> [ExpiryRetraction]

    /// Queues failed or uncertain deliveries of a post again, with a fresh budget of attempts
    /// and age. Returns the channels concerned.
    func requeue(postID: String, channel: String?, now: Date) async throws -> [String]

    /// Records that a channel's breaker paused it (for `status`), or that it resumed (`until` nil).
    func setPause(channel: String, since: Date, until: Date?, reason: String) async throws

    /// The media of a post version with their bytes, for channels that upload them.
    func media(postID: String, version: Int) async throws -> [StoredMedia]

    /// Per channel counts by state and the latest problems.
    func status(latestProblems: Int) throws -> StatusReport

    /// Everything known about one post, or nil.
    func history(postID: String) throws -> PostHistory?
}

extension StateStore {
    public func releaseMemory() {}

    /// The three operations one after the other, each on disk before the next begins: a
    /// store that cannot do them in one transaction loses nothing, it only commits more.
    public func step(_ step: EngineStep, now: Date) async throws -> EngineStepResult {
        if !step.completions.isEmpty { try await complete(step.completions) }
        if !step.releases.isEmpty { try await release(step.releases, now: now) }
        var result = EngineStepResult()
        for (channel, limit) in step.claims {
            result.claimed[channel] = try await claimDue(channel: channel, limit: limit, now: now)
        }
        result.nextDue = try await nextDueDates(channels: step.channels)
        return result
    }
}

/// What the delivery engine writes and takes in one turn.
public struct EngineStep: Sendable {
    /// How attempts ended: recorded first.
    public var completions: [AttemptCompletion]
    /// Deliveries claimed and never sent, to put back as they were; after the completions.
    public var releases: [ClaimedDelivery]
    /// Per channel, how many due deliveries it can take now.
    public var claims: [(channel: String, limit: Int)]
    /// The channels whose next due moment to read, after the claims.
    public var channels: [String]

    public init(
        completions: [AttemptCompletion] = [], releases: [ClaimedDelivery] = [], claims: [(channel: String, limit: Int)] = [],
        channels: [String] = []
    ) {
        self.completions = completions
        self.releases = releases
        self.claims = claims
        self.channels = channels
    }
}

public struct EngineStepResult: Sendable {
    /// The deliveries taken, per channel asked.
    public var claimed: [String: ClaimBatch] = [:]
    /// As `nextDueDates` says it once the claims are made.
    public var nextDue: [String: Date] = [:]
}

/// A post read from the inbox, ready to be stored.
public struct Submission: Sendable {
    public let post: Post
    /// `post` as the state database keeps it, written when the submission is made, by intake,
    /// rather than inside the write transaction.
    let postJSON: String
    public var media: [MediaFile]
    public var source: [UInt8]
    public var format: String
    public var contentHash: String
    /// The inbox entry's name, for the record.
    public var fileName: String
    /// The channels a `publish` goes to (routing already applied). Updates and retractions
    /// go to the channels of the earlier versions.
    public var routes: [String]

    public init(post: Post, media: [MediaFile], source: [UInt8], format: String, contentHash: String, fileName: String, routes: [String]) {
        self.post = post
        postJSON = post.storedJSON
        self.media = media
        self.source = source
        self.format = format
        self.contentHash = contentHash
        self.fileName = fileName
        self.routes = routes
    }
}

/// What became of one submission.
public enum AcceptResult: Sendable, Equatable {
    case accepted(version: Int, deliveries: [NewDelivery])
    /// The same content was accepted before as this version: nothing more to send.
    case duplicate(version: Int)
    /// The stored state forbids it (an update to an unknown post, a different post under a known id).
    case refused(PostProblem)
}

/// A delivery created by an accepted submission.
public struct NewDelivery: Sendable, Equatable {
    public var channel: String
    /// What will be done there: an update to a post not yet sent becomes its publication.
    public var action: PostAction
    public var state: DeliveryState
    public var due: Date
    /// Why it will not be sent, when `cancelled`.
    public var note: String?
}

public struct RecoveredDelivery: Sendable, Equatable {
    public var postID: String
    public var channel: String
    public var attempt: Int
    /// `retrying` when sent again, `uncertain` when held for an operator.
    public var state: DeliveryState
    /// True when the channel cannot drop duplicates: the interrupted attempt may have been published.
    public var wasUncertain: Bool
}

/// Deliveries taken by `claimDue`.
public struct ClaimBatch: Sendable {
    public var claimed: [ClaimedDelivery]
    public var expired: [ExpiredDelivery]

    public init(claimed: [ClaimedDelivery] = [], expired: [ExpiredDelivery] = []) {
        self.claimed = claimed
        self.expired = expired
    }
}

public struct ClaimedDelivery: Sendable {
    public var deliveryID: Int64
    /// When the claim put it in flight: the attempt's start, recorded with its end.
    public var startedAt: Date
    public var message: OutboundMessage
    /// Since when `max_age` counts: the post's acceptance, or an operator's last retry.
    public var budgetSince: Date
    /// Attempts made before the current budget (before an operator's last retry).
    public var budgetAttempts: Int
    /// The waiting state the claim took it from, where a release puts it back.
    public var claimedFrom: DeliveryState

    /// The attempt's number within its budget, for `max_attempts`.
    public var attemptInBudget: Int { message.attempt - budgetAttempts }
}

public struct ExpiredDelivery: Sendable, Equatable {
    public var postID: String
    public var channel: String
    public var expiresAt: Date
}

/// A post whose published copies are being retracted because its `expires_at` passed.
public struct ExpiryRetraction: Sendable, Equatable {
    public var postID: String
    /// The retraction's version of the post.
    public var version: Int
    public var channels: [String]
    public var expiresAt: Date
}

/// How one attempt ended and what its delivery becomes.
public struct AttemptCompletion: Sendable {
    public enum Result: String, Sendable {
        case delivered, retry, failed
        /// Nothing was sent: the channel cannot do it (see `DeliveryRoute`).
        case skipped
    }

    /// What a delivered attempt changes in the retraction scheduled for `retract_on_expiry`.
    public enum ExpirySchedule: Sendable, Equatable {
        case unchanged
        /// Retract this channel's copy at this moment (the post's `expires_at`).
        case retract(at: Date)
        /// Nothing to retract any more on this channel (retracted, or updated without `expires_at`).
        case cancel
    }

    public var deliveryID: Int64
    /// The delivery's post, version and channel, for the audit record.
    public var postID: String
    public var version: Int
    public var channel: String
    /// The attempt's number and start. Its row in `attempts` is written once, with its end;
    /// until then the delivery's `in_flight` state is what says it may have gone out.
    public var attempt: Int
    public var startedAt: Date
    public var finishedAt: Date
    public var milliseconds: Int
    public var result: Result
    public var httpStatus: Int?
    public var error: String?
    public var receipt: Receipt?
    public var newState: DeliveryState
    public var nextAt: Date?
    /// The audit trail's record of this attempt; nil when there is nothing to record.
    public var audit: AuditEntry?
    public var expirySchedule: ExpirySchedule = .unchanged

    public init(
        claimed: ClaimedDelivery, finishedAt: Date, milliseconds: Int, result: Result,
        httpStatus: Int?, error: String?, receipt: Receipt?, newState: DeliveryState, nextAt: Date?,
        audit: AuditEntry? = nil
    ) {
        self.audit = audit
        self.deliveryID = claimed.deliveryID
        self.postID = claimed.message.post.id
        self.version = claimed.message.version
        self.channel = claimed.message.channel
        self.attempt = claimed.message.attempt
        self.startedAt = claimed.startedAt
        self.finishedAt = finishedAt
        self.milliseconds = milliseconds
        self.result = result
        self.httpStatus = httpStatus
        self.error = error
        self.receipt = receipt
        self.newState = newState
        self.nextAt = nextAt
    }
}
