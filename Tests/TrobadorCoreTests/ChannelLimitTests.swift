import Foundation
import Testing
@testable import TrobadorCore

@Suite("channel limits: rate and breaker")
struct ChannelLimitTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func a_rate_allows_a_burst_of_its_size_then_one_request_per_interval() {
        var bucket = TokenBucket(rate: Rate(count: 3, period: .seconds(3)), now: start)
        #expect(bucket.available(now: start) == 3)
        bucket.take(3, now: start)
        #expect(bucket.available(now: start) == 0)
        #expect(bucket.nextToken(now: start) == start.addingTimeInterval(1))
        #expect(bucket.available(now: start.addingTimeInterval(0.99)) == 0)
        #expect(bucket.available(now: start.addingTimeInterval(1)) == 1)
        #expect(bucket.available(now: start.addingTimeInterval(60)) == 3, "never more than the burst")
    }

    @Test func slack_one_per_second_spaces_requests_a_second_apart() {
        var bucket = TokenBucket(rate: Rate(count: 1, period: .seconds(1)), now: start)
        var sent: [Date] = []
        var now = start
        while sent.count < 5 {
            if bucket.available(now: now) > 0 {
                bucket.take(1, now: now)
                sent.append(now)
            }
            now = now.addingTimeInterval(0.1)
        }
        for (earlier, later) in zip(sent, sent.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 0.999)
        }
    }

    @Test func the_breaker_pauses_after_consecutive_failures_probes_once_and_doubles_its_pause() {
        var breaker = ChannelBreaker(settings: BreakerSettings(threshold: 3, firstPause: 10, longestPause: 30))
        #expect(breaker.record(healthy: false, reason: "refused", now: start) == .none)
        #expect(breaker.record(healthy: true, reason: "", now: start) == .none, "a success resets the count")
        #expect(breaker.record(healthy: false, reason: "refused", now: start) == .none)
        #expect(breaker.record(healthy: false, reason: "refused", now: start) == .none)
        #expect(breaker.record(healthy: false, reason: "refused", now: start) == .paused(until: start.addingTimeInterval(10), reason: "refused"))
        #expect(breaker.allowance(now: start.addingTimeInterval(5)) == 0)
        #expect(breaker.allowance(now: start.addingTimeInterval(10)) == 1)
        breaker.probeStarted()
        #expect(breaker.allowance(now: start.addingTimeInterval(10)) == 0, "one probe at a time")
        #expect(breaker.record(healthy: false, reason: "still refused", now: start.addingTimeInterval(11)) == .paused(until: start.addingTimeInterval(31), reason: "still refused"))
        breaker.probeStarted()
        #expect(breaker.record(healthy: false, reason: "x", now: start.addingTimeInterval(31)) == .paused(until: start.addingTimeInterval(61), reason: "x"), "the pause stops growing at its longest")
        breaker.probeStarted()
        #expect(breaker.record(healthy: true, reason: "", now: start.addingTimeInterval(62)) == .resumed)
        #expect(breaker.allowance(now: start.addingTimeInterval(62)) == nil)
    }

    @Test func a_429_neither_pauses_nor_resets_the_breaker() {
        var breaker = ChannelBreaker(settings: BreakerSettings(threshold: 2, firstPause: 10, longestPause: 30))
        _ = breaker.record(healthy: false, reason: "503", now: start)
        _ = breaker.record(healthy: nil, reason: "429", now: start)
        #expect(breaker.record(healthy: false, reason: "503", now: start) == .paused(until: start.addingTimeInterval(10), reason: "503"))
    }
}
