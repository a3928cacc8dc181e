import Foundation

/// Pauses a channel whose endpoint keeps failing (connection refused, timeouts, 5xx), so
/// that its posts stop spending attempts and the log stops filling, then probes it with
/// one request at growing intervals until it answers again. Other channels never wait.
public struct BreakerSettings: Sendable, Equatable {
    /// Consecutive failures that pause the channel.
    public var threshold: Int
    /// The first pause; each failed probe doubles it.
    public var firstPause: TimeInterval
    public var longestPause: TimeInterval

    public init(threshold: Int = 5, firstPause: TimeInterval = 10, longestPause: TimeInterval = 300) {
        self.threshold = threshold
        self.firstPause = firstPause
        self.longestPause = longestPause
    }
}

struct ChannelBreaker: Sendable {
    enum State: Sendable, Equatable {
        case closed
        /// Paused until `until`; then one probe is let through.
        case open(until: Date)
        /// The probe is in flight; nothing else goes until it ends.
        case probing
    }

    let settings: BreakerSettings
    private(set) var state: State = .closed
    private(set) var consecutiveFailures = 0
    private(set) var pause: TimeInterval
    private(set) var lastReason = ""

    init(settings: BreakerSettings = BreakerSettings()) {
        self.settings = settings
        pause = settings.firstPause
    }

    /// How many requests may start now (nil: as many as the other limits allow).
    mutating func allowance(now: Date) -> Int? {
        switch state {
        case .closed: return nil
        case .probing: return 0
        case .open(let until):
            guard now >= until else { return 0 }
            return 1
        }
    }

    /// The probe was sent.
    mutating func probeStarted() {
        if case .open = state { state = .probing }
    }

    enum Transition: Equatable {
        case none
        case paused(until: Date, reason: String)
        case resumed
    }

    /// Records how an attempt went. Only failures that say the endpoint is unwell count; a
    /// 4xx about one post, or a 429 (the network is fine, just busy), does not.
    mutating func record(healthy: Bool?, reason: String, now: Date) -> Transition {
        guard let healthy else {
            if state == .probing { state = .open(until: now) }
            return .none
        }
        if healthy {
            consecutiveFailures = 0
            pause = settings.firstPause
            let wasPaused = state != .closed
            state = .closed
            return wasPaused ? .resumed : .none
        }
        consecutiveFailures += 1
        lastReason = reason
        switch state {
        case .probing, .open:
            pause = min(settings.longestPause, pause * 2)
            let until = now.addingTimeInterval(pause)
            state = .open(until: until)
            return .paused(until: until, reason: reason)
        case .closed:
            guard consecutiveFailures >= settings.threshold else { return .none }
            let until = now.addingTimeInterval(pause)
            state = .open(until: until)
            return .paused(until: until, reason: reason)
        }
    }

    /// When a paused channel will probe, if it is paused.
    var reopensAt: Date? {
        if case .open(let until) = state { return until }
        return nil
    }
}
