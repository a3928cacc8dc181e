import CurlHTTP
import Foundation
import Testing
@testable import TrobadorCore

@Suite("retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(settings: DeliverySettings(), jitter: { 1.0 })

    @Test func backoff_starts_at_five_seconds_doubles_and_stops_at_one_hour() {
        #expect(policy.backoff(afterAttempt: 1) == .seconds(5))
        #expect(policy.backoff(afterAttempt: 2) == .seconds(10))
        #expect(policy.backoff(afterAttempt: 5) == .seconds(80))
        #expect(policy.backoff(afterAttempt: 12) == .seconds(3600))
    }

    @Test func jitter_spreads_retries_within_a_fifth_either_way() {
        let random = RetryPolicy(settings: DeliverySettings())
        for _ in 0..<200 {
            let delay = random.backoff(afterAttempt: 3).seconds
            #expect(delay >= 16 && delay <= 24)
        }
    }

    @Test func retry_after_from_the_network_wins_when_longer() {
        let now = Date()
        #expect(policy.decide(afterAttempt: 1, requested: .seconds(30), since: now, now: now) == .retry(at: now.addingTimeInterval(30), after: .seconds(30)))
        #expect(policy.decide(afterAttempt: 1, requested: .seconds(1), since: now, now: now) == .retry(at: now.addingTimeInterval(5), after: .seconds(5)))
    }

    @Test func gives_up_after_max_attempts_or_max_age() {
        let now = Date()
        guard case .giveUp(let reason) = policy.decide(afterAttempt: 20, requested: nil, since: now, now: now) else {
            Issue.record("20 attempts is the limit")
            return
        }
        #expect(reason.contains("20 attempts"))
        let old = now.addingTimeInterval(-48 * 3600 + 2)
        guard case .giveUp(let ageReason) = policy.decide(afterAttempt: 3, requested: nil, since: old, now: now) else {
            Issue.record("a retry past 48 h is not made")
            return
        }
        #expect(ageReason.contains("max_age"))
    }

    @Test func retry_after_reads_seconds_and_http_dates() {
        let now = Date(timeIntervalSince1970: 1_782_028_800)
        #expect(HTTPOutcome.retryAfter("2", now: now) == .seconds(2))
        #expect(HTTPOutcome.retryAfter("Sun, 21 Jun 2026 08:00:02 GMT", now: now) == .seconds(2))
        #expect(HTTPOutcome.retryAfter("soon", now: now) == nil)
    }

    @Test func a_success_whose_body_was_too_large_to_keep_is_delivered_not_sent_again() {
        let tooLarge = { (status: Int?) in
            HTTPOutcome.classify(.failure(HTTPError(kind: .responseTooLarge, message: "response larger than the limit", status: status)))
        }
        guard case .delivered(let receipt) = tooLarge(200) else { Issue.record("a 200 was taken: \(tooLarge(200))"); return }
        #expect(receipt.httpStatus == 200)
        #expect(receipt.remoteID == nil)
        guard case .retry(_, let reason, let status, _) = tooLarge(503) else { Issue.record("\(tooLarge(503))"); return }
        #expect(status == 503)
        #expect(reason.contains("larger than"))
        guard case .retry(_, _, let unknown, _) = tooLarge(nil) else { Issue.record("\(tooLarge(nil))"); return }
        #expect(unknown == nil)
    }
}
