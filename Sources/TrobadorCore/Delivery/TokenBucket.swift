import Foundation

/// A channel's rate limit (`rate = "300/5m"`): up to `count` requests at once, then one more
/// each `period / count`. A burst as large as the limit is what networks allow in a window.
struct TokenBucket: Sendable {
    let rate: Rate
    private(set) var tokens: Double
    private var updated: Date

    init(rate: Rate, now: Date) {
        self.rate = rate
        tokens = Double(rate.count)
        updated = now
    }

    private var perSecond: Double { Double(rate.count) / max(rate.period.seconds, 0.001) }

    mutating func refill(now: Date) {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(Double(rate.count), tokens + elapsed * perSecond)
        updated = now
    }

    /// Whole requests that may start now.
    mutating func available(now: Date) -> Int {
        refill(now: now)
        return Int(tokens.rounded(.down))
    }

    mutating func take(_ count: Int, now: Date) {
        refill(now: now)
        tokens -= Double(count)
    }

    /// When the next request may start.
    func nextToken(now: Date) -> Date {
        guard tokens < 1 else { return now }
        return updated.addingTimeInterval((1 - tokens) / perSecond)
    }
}
