import Foundation

/// One configured channel as the delivery engine sees it: its adapter and its limits.
public struct DeliveryLane: Sendable {
    public var name: String
    public var adapter: any ChannelAdapter
    public var concurrency: Int
    /// nil: no rate limit.
    public var rate: Rate?
    /// An interrupted attempt can be sent again without risk of a duplicate.
    public var resendIsSafe: Bool
    /// The channel's `lang`: posts with that translation go out in it.
    public var language: String?
    /// What the channel can do with what it published, and what to do when it cannot.
    public var corrections: CorrectionSettings
    /// The channel's secret values, replaced by `***` in the audit trail's record of requests.
    public var secrets: [String] { didSet { redactions = SentRequest.redactions(for: secrets) } }
    /// What replaces each secret, worked out once for the channel rather than for every request.
    private(set) var redactions: [(secret: String, shown: String)]

    public init(
        name: String, adapter: any ChannelAdapter, concurrency: Int, rate: Rate? = nil, resendIsSafe: Bool, language: String? = nil,
        corrections: CorrectionSettings = CorrectionSettings(), secrets: [String] = []
    ) {
        self.name = name
        self.corrections = corrections
        self.secrets = secrets
        redactions = SentRequest.redactions(for: secrets)
        self.language = language
        self.adapter = adapter
        self.concurrency = max(1, concurrency)
        self.rate = rate
        self.resendIsSafe = resendIsSafe
    }
}

/// A lane and what the engine tracks for it between attempts.
struct LaneState {
    var lane: DeliveryLane
    /// Attempts started and not yet recorded (running, or ended and waiting for the next step).
    var inFlight = 0
    /// Requests under way now.
    var running = 0
    /// Claimed ahead: on disk as in flight, not started; each starts as soon as a request of
    /// the lane ends.
    var ready: [ClaimedDelivery] = []
    var bucket: TokenBucket?
    var breaker: ChannelBreaker

    init(lane: DeliveryLane, breaker: BreakerSettings, now: Date) {
        self.lane = lane
        self.breaker = ChannelBreaker(settings: breaker)
        bucket = lane.rate.map { TokenBucket(rate: $0, now: now) }
    }

    /// Takes a new configuration of the same channel, keeping what is under way.
    mutating func reconfigure(_ lane: DeliveryLane, now: Date) {
        if lane.rate != self.lane.rate { bucket = lane.rate.map { TokenBucket(rate: $0, now: now) } }
        self.lane = lane
    }

    /// Whether a request that just ended hands its place to a delivery claimed ahead at once:
    /// the lane has a place free and its breaker is closed. Read through `lanes[name]?`, not a
    /// copy of the lane kept alive, which `startReady` would then make copy the `ready` list.
    var sendsNextAtOnce: Bool {
        guard running < lane.concurrency, case .closed = breaker.state else { return false }
        return true
    }

    /// The lane without its deliveries claimed ahead: a copy to keep that shares no `ready`
    /// list with the lane (see `DeliveryEngine.run`).
    var withoutReady: LaneState {
        var copy = self
        copy.ready = []
        return copy
    }

    /// Takes the first delivery claimed ahead and counts it as started; nil when there is none.
    mutating func startReady(at stamp: Date) -> ClaimedDelivery? {
        guard !ready.isEmpty else { return nil }
        inFlight += 1
        running += 1
        bucket?.take(1, now: stamp)
        breaker.probeStarted()
        return ready.removeFirst()
    }

    /// How many deliveries may be claimed now. `ending` of those in flight are over and
    /// are recorded in the same transaction as the claim: their places are free again.
    mutating func allowance(now: Date, ending: Int) -> Int {
        var free = lane.concurrency + readyDepth - (inFlight - ending) - ready.count
        if let tokens = bucket?.available(now: now) { free = min(free, tokens) }
        if let probe = breaker.allowance(now: now) { free = min(free, probe) }
        return max(0, free)
    }

    /// How many deliveries the lane claims beyond those it sends: `claimAheadFactor` times as
    /// many as it sends at once when an interrupted attempt is safe to send again and nothing
    /// but its concurrency limits it (no rate limit, breaker closed); none otherwise.
    var readyDepth: Int {
        guard lane.resendIsSafe, bucket == nil, case .closed = breaker.state else { return 0 }
        return Self.claimAheadFactor * lane.concurrency
    }

    /// The list must last through the step that records the ends and tops it up. On a fast
    /// network (loopback, a LAN) a request takes about a millisecond and a busy step several,
    /// more when SQLite checkpoints: one `concurrency` deep, the channels ran out of work at
    /// the slow steps, and each step wrote fewer ends. Drains of 10,000 posts to nginx on
    /// loopback (BENCHMARKS.md, fourteenth session), median seconds by factor: 1: 5.35,
    /// 2: 5.2, 3: 4.51, 4: 4.97; commits 1,402, 1,093, 1,007, 980. Each delivery claimed ahead
    /// is on disk as in flight, and is sent again, with the same key, after a crash.
    static let claimAheadFactor = 3

    /// When this lane should be looked at again, given when its next delivery is due; nil
    /// when only an attempt's end or new work can change anything.
    func wakeTime(due: Date?, now: Date) -> Date? {
        guard let due, inFlight + ready.count < lane.concurrency + readyDepth else { return nil }
        switch breaker.state {
        case .probing: return nil
        case .open(let until): return max(due, until)
        case .closed: return max(due, bucket?.nextToken(now: now) ?? due)
        }
    }
}
