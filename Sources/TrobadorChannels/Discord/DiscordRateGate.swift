import CurlHTTP
import Foundation
import Synchronization

/// Discord's own rate-limit signals for one webhook, shared by its concurrent deliveries.
/// Discord asks clients to read its headers rather than hard-code limits: a response with
/// `X-RateLimit-Remaining: 0` says the bucket is empty until `X-RateLimit-Reset-After`
/// seconds have passed, and a 429 says so with `retry_after`. The next request waits for
/// that moment instead of earning a 429 (which also counts toward Discord's ban threshold).
final class DiscordRateGate: Sendable {
    private let reopensAt = Mutex<ContinuousClock.Instant?>(nil)
    private let clock = ContinuousClock()

    /// Waits until the bucket has room. A wait longer than `patience` is not spent holding
    /// the channel's slot: the remaining time is returned for the engine to retry after.
    func admit(patience: Duration) async -> Duration? {
        while let moment = reopensAt.withLock({ $0 }), moment > clock.now {
            let wait = moment - clock.now
            if wait > patience { return wait }
            try? await Task.sleep(for: wait)
        }
        return nil
    }

    /// Reads a response's rate-limit headers (and the 429 body's `retry_after`).
    func note(_ response: HTTPResponse) {
        var pause: Duration?
        if response.status == 429 {
            pause = DiscordAnswer.retryAfter(response)
        } else if response.header("X-RateLimit-Remaining").flatMap(Double.init) == 0,
                  let seconds = response.header("X-RateLimit-Reset-After").flatMap(Double.init), seconds > 0 {
            pause = .milliseconds(Int64(seconds * 1000))
        }
        guard let pause else { return }
        let moment = clock.now + pause
        reopensAt.withLock { current in
            if current.map({ $0 < moment }) ?? true { current = moment }
        }
    }
}
