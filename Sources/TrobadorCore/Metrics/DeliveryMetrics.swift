import Foundation
import Synchronization

/// What the delivery engine did since the daemon started: attempts by channel and outcome,
/// how long they took, and when each channel last delivered. The engine records; the
/// `StatusPublisher` reads a snapshot when something changed. Counters start at zero with
/// each start of the daemon, as Prometheus counters do.
public final class DeliveryMetrics: Sendable {
    /// Upper bounds of the attempt duration buckets, in seconds: from a fast webhook to the
    /// 15 s request timeout and a slow upload.
    public static let durationBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30]

    /// Attempt durations of one channel.
    public struct Histogram: Sendable, Equatable {
        /// Per bucket, attempts that took at most its bound and more than the previous one;
        /// the last element counts those above every bound.
        public var counts = [Int](repeating: 0, count: DeliveryMetrics.durationBuckets.count + 1)
        public var sum: Double = 0
        public var count: Int { counts.reduce(0, +) }
    }

    public struct Snapshot: Sendable {
        public var startedAt: Date
        /// The configured channels, in order; channels met only in attempts follow.
        public var channels: [String]
        /// Channel → outcome → attempts that ended so.
        public var attempts: [String: [LogEventName: Int]]
        public var durations: [String: Histogram]
        public var lastDelivered: [String: Date]
    }

    private let state: Mutex<Snapshot>
    private let changes = WakeSignal()

    public init(startedAt: Date = Date()) {
        state = Mutex(Snapshot(startedAt: startedAt, channels: [], attempts: [:], durations: [:], lastDelivered: [:]))
    }

    /// Outcomes counted: what the engine logs when an attempt ends.
    public static let outcomes: [LogEventName] = [.delivered, .updated, .retracted, .retrying, .failed]

    /// One attempt ended: `outcome` is the event logged for it (`delivered`, `retrying`, ...).
    public func recordAttempt(channel: String, outcome: LogEventName, milliseconds: Int, at time: Date) {
        state.withLock { state in
            state.attempts[channel, default: [:]][outcome, default: 0] += 1
            let seconds = Double(milliseconds) / 1000
            var histogram = state.durations[channel] ?? Histogram()
            let bucket = Self.durationBuckets.firstIndex { seconds <= $0 } ?? Self.durationBuckets.count
            histogram.counts[bucket] += 1
            histogram.sum += seconds
            state.durations[channel] = histogram
            if outcome != .retrying, outcome != .failed, outcome != .skipped {
                state.lastDelivered[channel] = max(time, state.lastDelivered[channel] ?? time)
            }
        }
        changes.fire()
    }

    /// The configured channels (at start and on every reload).
    public func setChannels(_ channels: [String]) {
        state.withLock { $0.channels = channels }
        changes.fire()
    }

    /// When each channel last delivered before this start, read from the state.
    public func seedLastDelivered(_ times: [String: Date]) {
        state.withLock { state in
            state.lastDelivered.merge(times) { max($0, $1) }
        }
        changes.fire()
    }

    /// Something the figures show may have changed (a post was accepted, an attempt began).
    public func changed() { changes.fire() }

    /// Returns once something changed since the last call (at once if it already had).
    /// Sets no timer: an idle daemon does not wake up for its metrics.
    func waitForChange() async { await changes.wait(until: nil) }

    public func snapshot() -> Snapshot {
        state.withLock { state in
            var snapshot = state
            let extra = Set(state.attempts.keys).subtracting(state.channels).sorted()
            snapshot.channels = state.channels + extra
            return snapshot
        }
    }
}
