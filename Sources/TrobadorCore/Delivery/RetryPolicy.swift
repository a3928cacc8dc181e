import Foundation

/// When to try again, and when to give up. SPEC: first retry after 5 s, doubling, at most
/// 1 h apart, with jitter; give up after 20 attempts or 48 h.
public struct RetryPolicy: Sendable {
    public var settings: DeliverySettings
    /// Returns a factor in 0.8...1.2 (random in the daemon, fixed in tests).
    public var jitter: @Sendable () -> Double

    public init(settings: DeliverySettings, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }) {
        self.settings = settings
        self.jitter = jitter
    }

    /// The backoff before attempt `attempt + 1`, after `attempt` attempts.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let first = settings.firstRetry.seconds
        let ceiling = settings.maxRetryInterval.seconds
        let exponential = first * pow(2, Double(max(0, attempt - 1)))
        let delay = min(ceiling, exponential * jitter())
        return .milliseconds(Int64(delay * 1000))
    }

    public enum Decision: Equatable, Sendable {
        case retry(at: Date, after: Duration)
        case giveUp(reason: String)
    }

    /// After attempt `attempt` (counted within its budget) asked to be retried (`requested`
    /// when the network said when). `since`: when the budget started (acceptance, or an
    /// operator's retry).
    public func decide(afterAttempt attempt: Int, requested: Duration?, since: Date, now: Date) -> Decision {
        if attempt >= settings.maxAttempts {
            return .giveUp(reason: "gave up after \(attempt) attempts (max_attempts)")
        }
        let delay = max(backoff(afterAttempt: attempt), requested ?? .zero)
        let next = now.addingTimeInterval(delay.seconds)
        if next.timeIntervalSince(since) > settings.maxAge.seconds {
            return .giveUp(reason: "gave up: still failing \(LogEvent.shortDuration(.seconds(now.timeIntervalSince(since)))) after it was queued (max_age \(LogEvent.shortDuration(settings.maxAge)))")
        }
        return .retry(at: next, after: delay)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
