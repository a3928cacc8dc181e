import Foundation

/// Sends what is due, with bounded concurrency per channel, and decides what follows each
/// attempt. The one place where a retry is decided.
///
/// Every attempt is on disk as `in_flight` before its request leaves (`claimDue`), and its
/// end is on disk before the log line says so. Completions are written in groups: while
/// one group commits, the next gathers, so a busy engine pays one fsync for many attempts.
public actor DeliveryEngine {
    /// One configured channel as the engine sees it.
    public struct Lane: Sendable {
        public var name: String
        public var adapter: any ChannelAdapter
        public var concurrency: Int
        /// An interrupted attempt can be sent again without risk of a duplicate.
        public var resendIsSafe: Bool

        public init(name: String, adapter: any ChannelAdapter, concurrency: Int, resendIsSafe: Bool) {
            self.name = name
            self.adapter = adapter
            self.concurrency = max(1, concurrency)
            self.resendIsSafe = resendIsSafe
        }
    }

    private let store: any StateStore
    private let log: EventLog
    private let policy: RetryPolicy
    private let onUncertain: UncertainPolicy
    private let now: @Sendable () -> Date
    private let signal = WakeSignal()

    private var lanes: [String: Lane]
    private var inFlight: [String: Int] = [:]
    private var finished: [(ClaimedDelivery, DeliveryOutcome, Int)] = []
    private var flushing = false
    private var draining = false
    private var storeFailureLogged = false

    public init(
        lanes: [Lane], store: any StateStore, log: EventLog, settings: DeliverySettings,
        policy: RetryPolicy? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.lanes = Dictionary(lanes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.store = store
        self.log = log
        self.policy = policy ?? RetryPolicy(settings: settings)
        self.onUncertain = settings.onUncertain
        self.now = now
    }

    /// Something may have become due (a post was accepted, an operator asked for a retry).
    public nonisolated func wake() { signal.fire() }

    /// Attempts in flight now, all channels together.
    public var activeCount: Int { inFlight.values.reduce(0, +) }

    /// Closes the attempts a previous run left open, before the first claim.
    public func recover() async throws {
        let safe = Set(lanes.values.filter(\.resendIsSafe).map(\.name))
        for recovered in try await store.recoverInterrupted(resendSafe: safe, onUncertain: onUncertain, now: now()) {
            guard recovered.wasUncertain else { continue }
            let next = recovered.state == .uncertain
                ? "held for an operator (on_uncertain = \"hold\"): check the channel, then run trobador retry \(recovered.postID)"
                : "sending again (on_uncertain = \"retry\"); the network may show it twice"
            log.log(LogEvent(
                .uncertain, level: .warning, post: recovered.postID, channel: recovered.channel, attempt: recovered.attempt,
                error: "the daemon stopped during this attempt; \(next)"))
        }
    }

    /// Runs until cancelled or drained.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !draining {
                await claimAndStart(in: &group)
                let open = lanes.values.filter { (inFlight[$0.name] ?? 0) < $0.concurrency }.map(\.name)
                let next: Date?
                do {
                    next = try await store.nextDueDate(channels: open)
                } catch {
                    reportStoreFailure(error)
                    next = now().addingTimeInterval(5)
                }
                await signal.wait(until: next)
            }
            // Let the attempts under way end; `drain` bounds how long by cancelling.
            while activeCount > 0 && !Task.isCancelled {
                await signal.wait(until: nil)
            }
        }
    }

    /// Stops claiming; returns once nothing is in flight or `timeout` passed. What did not
    /// finish stays `in_flight` on disk and is recovered at the next start.
    public func drain(timeout: Duration) async -> Bool {
        draining = true
        signal.fire()
        let deadline = ContinuousClock.now + timeout
        while activeCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return activeCount == 0
    }

    private func claimAndStart(in group: inout DiscardingTaskGroup) async {
        for lane in lanes.values.sorted(by: { $0.name < $1.name }) {
            let free = lane.concurrency - (inFlight[lane.name] ?? 0)
            guard free > 0, !draining else { continue }
            let batch: ClaimBatch
            do {
                batch = try await store.claimDue(channel: lane.name, limit: free, now: now())
                storeFailureLogged = false
            } catch {
                reportStoreFailure(error)
                continue
            }
            for expired in batch.expired {
                log.log(LogEvent(
                    .expired, level: .warning, post: expired.postID, channel: expired.channel,
                    error: "not published: its expires_at (\(LogEvent.timestamp(expired.expiresAt))) has passed"))
            }
            for claimed in batch.claimed {
                inFlight[lane.name, default: 0] += 1
                let adapter = lane.adapter
                group.addTask {
                    let start = ContinuousClock.now
                    let outcome = await adapter.deliver(claimed.message)
                    let elapsed = ContinuousClock.now - start
                    await self.finish(claimed, outcome, milliseconds: Int(elapsed.seconds * 1000))
                }
            }
        }
    }

    private func finish(_ claimed: ClaimedDelivery, _ outcome: DeliveryOutcome, milliseconds: Int) async {
        if Task.isCancelled {
            // Shutting down mid-request: whether it arrived is unknown, so the attempt stays
            // open on disk and the next start decides, as after a crash.
            inFlight[claimed.message.channel, default: 1] -= 1
            signal.fire()
            return
        }
        finished.append((claimed, outcome, milliseconds))
        guard !flushing else { return }
        flushing = true
        defer { flushing = false }
        while !finished.isEmpty {
            let batch = finished
            finished.removeAll(keepingCapacity: true)
            let stamp = now()
            let completions = batch.map { completion(for: $0.0, $0.1, milliseconds: $0.2, at: stamp) }
            do {
                try await store.complete(completions.map(\.record))
                storeFailureLogged = false
            } catch {
                // Not recorded: the attempts stay `in_flight` and are recovered at the next start.
                reportStoreFailure(error)
            }
            for (claimedDelivery, event) in zip(batch.map(\.0), completions.map(\.event)) {
                log.log(event)
                inFlight[claimedDelivery.message.channel, default: 1] -= 1
            }
            signal.fire()
        }
    }

    private func completion(
        for claimed: ClaimedDelivery, _ outcome: DeliveryOutcome, milliseconds: Int, at stamp: Date
    ) -> (record: AttemptCompletion, event: LogEvent) {
        let message = claimed.message
        var event = LogEvent(
            .delivered, time: stamp, post: message.post.id, channel: message.channel, attempt: message.attempt,
            http: outcome.httpStatus, milliseconds: milliseconds)
        var record = AttemptCompletion(
            deliveryID: claimed.deliveryID, attemptID: claimed.attemptID, finishedAt: stamp, milliseconds: milliseconds,
            result: .delivered, httpStatus: outcome.httpStatus, error: nil, receipt: nil, newState: .delivered, nextAt: nil)
        switch outcome {
        case .delivered(let receipt):
            record.receipt = receipt
            event.event = switch message.action {
            case .publish: .delivered
            case .update: .updated
            case .retract: .retracted
            }
            event.remoteID = receipt.remoteID
            event.url = receipt.url
            if message.action == .retract { record.newState = .retracted }
        case .failed(let reason, _):
            record.result = .failed
            record.error = reason
            record.newState = .failed
            event.event = .failed
            event.level = .error
            event.error = reason
        case .retry(let after, let reason, _):
            record.result = .retry
            record.error = reason
            switch policy.decide(afterAttempt: message.attempt, requested: after, acceptedAt: claimed.acceptedAt, now: stamp) {
            case .retry(let at, let delay):
                record.newState = .retrying
                record.nextAt = at
                event.event = .retrying
                event.level = .warning
                event.nextIn = delay
                event.error = reason
            case .giveUp(let why):
                record.newState = .failed
                record.error = "\(reason); \(why)"
                event.event = .failed
                event.level = .error
                event.error = record.error
            }
        }
        return (record, event)
    }

    private func reportStoreFailure(_ error: any Error) {
        guard !storeFailureLogged else { return }
        storeFailureLogged = true
        log.log(LogEvent(
            .failed, level: .error,
            error: "cannot write the state database: \(error); deliveries wait until it can be written again"))
    }
}
