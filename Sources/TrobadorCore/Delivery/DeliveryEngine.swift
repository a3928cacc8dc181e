import Foundation

/// Sends what is due, within each channel's limits (concurrency, rate, breaker), and
/// decides what follows each attempt. The one place where a retry is decided.
///
/// Every attempt is on disk as `in_flight` before its request leaves (`claimDue`), and its
/// end is on disk before the log line says so. The ends are written in groups, with the
/// claims of the same turn (`StateStore.step`): while one step commits, the next gathers, so
/// a busy engine pays one fsync for many attempts ended and started. A channel that can safely
/// send an interrupted attempt again also claims ahead (`LaneState.readyDepth`): each request
/// that ends hands its place to one of those at once, so the channel keeps sending while the
/// step that records the end commits, instead of idling until it has.
/// The loop sleeps until the earliest moment something can start; with nothing due it sets
/// no timer at all, unless a service watchdog is armed: then the loop itself pings it at
/// every turn and wakes at least every `interval`, so that a loop stuck anywhere stops
/// pinging and the service manager restarts the daemon.
public actor DeliveryEngine {
    private let store: any StateStore
    private let log: EventLog
    private var policy: RetryPolicy
    private var onUncertain: UncertainPolicy
    private let now: @Sendable () -> Date
    private let signal = WakeSignal()

    private var lanes: [String: LaneState] = [:]
    private let breaker: BreakerSettings
    /// How long to wait before writing attempt ends again when the state database refused them.
    private let completionRetryDelay: Duration
    /// Turns of the loop so far: which channel claims first.
    private var turn = 0
    /// Work was done since the store last gave memory back.
    private var memoryInUse = false
    /// Attempt ends not yet on disk: the next turn of the loop writes them.
    private var finished: [AttemptEnding] = []
    /// Deliveries claimed ahead that will not be sent (stopping, a reload, a channel paused):
    /// the next turn puts them back as they were.
    private var releasing: [ClaimedDelivery] = []
    /// The earliest retraction scheduled by `retract_on_expiry`, read at start and lowered as
    /// deliveries schedule new ones; nil when none is known.
    private var nextExpiry: Date?
    private var draining = false
    private var storeFailureLogged = false
    private let watchdog: ServiceWatchdog?
    private var lastPing: ContinuousClock.Instant?
    private let metrics: DeliveryMetrics?

    public init(
        lanes: [DeliveryLane], store: any StateStore, log: EventLog, settings: DeliverySettings,
        policy: RetryPolicy? = nil, breaker: BreakerSettings = BreakerSettings(),
        now: @escaping @Sendable () -> Date = { Date() },
        watchdog: ServiceWatchdog? = nil, metrics: DeliveryMetrics? = nil,
        completionRetryDelay: Duration = .seconds(5)
    ) {
        self.completionRetryDelay = completionRetryDelay
        self.watchdog = watchdog
        self.metrics = metrics
        self.breaker = breaker
        self.store = store
        self.log = log
        self.policy = policy ?? RetryPolicy(settings: settings)
        self.onUncertain = settings.onUncertain
        self.now = now
        let start = now()
        for lane in lanes where self.lanes[lane.name] == nil {
            self.lanes[lane.name] = LaneState(lane: lane, breaker: breaker, now: start)
        }
    }

    /// Something may have become due (a post was accepted, an operator asked for a retry).
    public nonisolated func wake() { signal.fire() }

    /// Attempts in flight now, all channels together.
    public var activeCount: Int { lanes.values.reduce(0) { $0 + $1.inFlight } }

    /// Deliveries claimed ahead and not yet put back: waiting in a channel's `ready` list or
    /// in `releasing`.
    private var unreleased: Int { releasing.count + lanes.values.reduce(0) { $0 + $1.ready.count } }

    /// Moves a channel's deliveries claimed ahead to `releasing`.
    private func setAside(_ name: String) {
        guard let ready = lanes[name]?.ready, !ready.isEmpty else { return }
        releasing.append(contentsOf: ready)
        lanes[name]?.ready.removeAll()
    }

    /// Moves every channel's deliveries claimed ahead to `releasing`.
    private func setAsideAll() {
        for name in lanes.keys { setAside(name) }
    }

    /// Takes a new set of channels and settings (SIGHUP). Attempts under way finish on the
    /// adapter that started them; a removed channel's deliveries wait until it comes back.
    public func reconfigure(lanes newLanes: [DeliveryLane], settings: DeliverySettings) {
        let stamp = now()
        // Claimed under the old settings: put back, and claimed again under the new ones.
        setAsideAll()
        var next: [String: LaneState] = [:]
        for lane in newLanes where next[lane.name] == nil {
            if var existing = lanes[lane.name] {
                existing.reconfigure(lane, now: stamp)
                next[lane.name] = existing
            } else {
                next[lane.name] = LaneState(lane: lane, breaker: breaker, now: stamp)
            }
        }
        // Removed lanes with attempts under way are kept, closed to new claims, until they end.
        for (name, state) in lanes where next[name] == nil && state.inFlight > 0 {
            var closed = state
            closed.lane.concurrency = 0
            next[name] = closed
        }
        lanes = next
        policy.settings = settings
        onUncertain = settings.onUncertain
        signal.fire()
    }

    /// Closes the attempts a previous run left open, before the first claim.
    public func recover() async throws {
        let safe = Set(lanes.values.filter(\.lane.resendIsSafe).map(\.lane.name))
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

    /// Runs until cancelled or drained. Each turn is one step of the store: the attempt ends
    /// gathered since the last turn are recorded, each channel takes what it can now, and the
    /// due moments are read back; then the loop sleeps until something can start or ends.
    public func run() async {
        do {
            nextExpiry = try await store.nextExpiryRetraction()
        } catch {
            // Unreadable now: `retractExpired` tries at once, and reports it if it fails too.
            nextExpiry = now()
        }
        await withDiscardingTaskGroup { group in
            // Draining: no new claims, but the ends of the attempts under way are still written,
            // and what was claimed ahead is put back.
            while !Task.isCancelled && !(draining && activeCount == 0 && unreleased == 0) {
                if !draining { await retractExpired() }
                if draining { setAsideAll() }
                let stamp = now()
                let ends = finished
                finished.removeAll(keepingCapacity: true)
                let releases = releasing
                let completions = ends.map {
                    $0.completion(policy: policy, corrections: lanes[$0.claimed.message.channel]?.lane.corrections, at: stamp)
                }
                // Each turn starts with the next channel: requests queue in claim order for the
                // connections of a host that channels share, and a fixed order would let the
                // first channel always go first and run ahead of the others. The attempts ending
                // in this step free their places for the claims of the same step: both are on
                // disk together, before any new request leaves.
                let order = lanes.keys.sorted()
                turn += 1
                let ending = Dictionary(ends.map { ($0.claimed.message.channel, 1) }, uniquingKeysWith: +)
                let claims = draining ? [] : order.indices.compactMap { offset -> (channel: String, limit: Int)? in
                    let name = order[(offset + turn) % order.count]
                    let allowance = lanes[name]?.allowance(now: stamp, ending: ending[name] ?? 0) ?? 0
                    return allowance > 0 ? (name, allowance) : nil
                }
                // The claiming channels as they are now, for `start` should a reload remove one
                // while the step is written. Without their `ready` lists: a copy of a list kept
                // alive across the step would make every request ending meanwhile copy it whole
                // to take its next delivery (`startReady`), and `start` drops a removed
                // channel's list anyway.
                let claimedAs = Dictionary(uniqueKeysWithValues: claims.compactMap { claim in
                    lanes[claim.channel].map { (claim.channel, $0.withoutReady) }
                })
                let result: EngineStepResult
                do {
                    result = try await store.step(
                        EngineStep(completions: completions.map(\.record), releases: releases, claims: claims, channels: Array(lanes.keys)),
                        now: stamp)
                    // Set aside meanwhile by a reload or a pause: kept for the next turn.
                    releasing.removeFirst(releases.count)
                    reportStoreRecovered()
                } catch {
                    // Not recorded (a full disk, say): keep these ends, oldest first, and write them
                    // again shortly. Their deliveries stay counted in flight, so their channels take
                    // nothing new meanwhile; the log says nothing of them until they are on disk.
                    // Stopping first leaves them `in_flight` on disk, recovered at the next start.
                    reportStoreFailure(error)
                    finished.insert(contentsOf: ends, at: 0)
                    await pause(for: completionRetryDelay)
                    continue
                }
                // What the ends say of their channels is taken before the claims start (a probe
                // follows the breaker's state as the ends left it); their log lines are written
                // after, in one write, so as not to hold back the requests the step claimed.
                let transitions = settleEnds(ends, completions, at: stamp)
                for (channel, _) in claims {
                    start(result.claimed[channel] ?? ClaimBatch(), on: channel, as: claimedAs[channel], at: stamp, in: &group)
                }
                await logEnds(ends, completions, transitions, at: stamp)
                // More ends came while the step was written, or claims were set aside: record them at once.
                guard finished.isEmpty && releasing.isEmpty else { continue }
                // Nothing under way any more after a burst of work: the memory it used goes back.
                if !ends.isEmpty { memoryInUse = true }
                if memoryInUse && activeCount == 0 {
                    memoryInUse = false
                    store.releaseMemory()
                }
                // The earliest moment a lane can start something. A moment already past (a lane
                // with room and something due, limited only by its allowance) means at once.
                let wake = (lanes.compactMap { name, state in state.wakeTime(due: result.nextDue[name], now: stamp) }
                    + [nextExpiry].compactMap { $0 }).min()
                await signal.wait(until: feedWatchdog(sleepingUntil: draining ? nil : wake))
            }
        }
    }

    /// Turns the retractions that `retract_on_expiry` scheduled and that are now due into
    /// retraction deliveries, which the lanes then send like any other.
    private func retractExpired() async {
        guard let due = nextExpiry, due <= now() else { return }
        do {
            for retraction in try await store.retractExpired(now: now()) {
                for channel in retraction.channels {
                    log.log(LogEvent(
                        .expired, post: retraction.postID, channel: channel,
                        extra: [("version", String(retraction.version)), ("note",
                            "its expires_at (\(LogEvent.timestamp(retraction.expiresAt))) has passed: retracting the published copy (retract_on_expiry = true)")]))
                }
            }
            nextExpiry = try await store.nextExpiryRetraction()
            metrics?.changed()
        } catch {
            // Tried again shortly, not at every turn of the loop.
            reportStoreFailure(error)
            nextExpiry = now().addingTimeInterval(5)
        }
    }

    /// Pings the watchdog if a ping is due, and returns when the loop must wake at the latest:
    /// `wake`, or the next ping if that comes first. Without a watchdog, `wake` as it is.
    private func feedWatchdog(sleepingUntil wake: Date?) -> Date? {
        guard let watchdog else { return wake }
        let clock = ContinuousClock.now
        var last = lastPing ?? clock
        if lastPing == nil || clock - last >= watchdog.interval {
            watchdog.ping()
            last = clock
            lastPing = clock
        }
        let next = Date().addingTimeInterval((last + watchdog.interval - clock).seconds)
        return min(wake ?? next, next)
    }

    /// Sleeps for `delay` whatever arrives meanwhile (the state database refused the last
    /// step: trying again at every attempt's end would only fail again), still pinging the
    /// service watchdog, since the loop is not stuck.
    private func pause(for delay: Duration) async {
        let end = Date().addingTimeInterval(delay.seconds)
        while !Task.isCancelled, Date() < end {
            let until = feedWatchdog(sleepingUntil: end) ?? end
            try? await Task.sleep(for: .milliseconds(Int64(max(0, until.timeIntervalSinceNow) * 1000) + 1))
        }
    }

    /// Stops claiming; returns once nothing is in flight and what was claimed ahead is put
    /// back, or `timeout` passed. What did not finish stays `in_flight` on disk and is
    /// recovered at the next start.
    public func drain(timeout: Duration) async -> Bool {
        draining = true
        signal.fire()
        let deadline = ContinuousClock.now + timeout
        while (activeCount > 0 || unreleased > 0) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return activeCount == 0 && unreleased == 0
    }

    /// Takes the deliveries just claimed for one channel and starts as many as the channel
    /// sends at once; the rest wait in its `ready` list (see `LaneState.readyDepth`).
    /// `claimedAs` is the channel as it was when the claim was asked for.
    private func start(_ batch: ClaimBatch, on name: String, as claimedAs: LaneState?, at stamp: Date, in group: inout DiscardingTaskGroup) {
        if !batch.claimed.isEmpty || !batch.expired.isEmpty { metrics?.changed() }
        for expired in batch.expired {
            log.log(LogEvent(
                .expired, level: .warning, post: expired.postID, channel: expired.channel,
                error: "not published: its expires_at (\(LogEvent.timestamp(expired.expiresAt))) has passed"))
        }
        guard !batch.claimed.isEmpty else { return }
        let launch: Int
        if lanes[name] != nil {
            // In place: a copy of the lane would copy its `ready` list to append to it.
            lanes[name]?.ready.append(contentsOf: batch.claimed)
            launch = lanes[name].map { min($0.ready.count, max(0, $0.lane.concurrency - $0.running)) } ?? 0
        } else if var state = claimedAs {
            // Removed by a reload while the claim was written: what it claimed runs all the
            // same, and it takes nothing new, as `reconfigure` keeps such a lane. What it had
            // claimed ahead before the step, the reload set aside (`claimedAs` has none of it).
            state.lane.concurrency = 0
            state.ready = batch.claimed
            launch = state.ready.count
            lanes[name] = state
        } else {
            return
        }
        for _ in 0..<launch {
            guard let attempt = takeReady(name, at: stamp) else { break }
            group.addTask { await self.send(attempt) }
        }
        // A channel that no longer claims ahead (paused by the ends of this very step, or
        // reloaded with a rate): what it took beyond what it sends goes back on disk.
        if lanes[name]?.readyDepth == 0 { setAside(name) }
    }

    /// One attempt, ready to go: the delivery claimed and what its channel needs to send it.
    private struct Attempt: Sendable {
        let claimed: ClaimedDelivery
        let route: DeliveryRoute
        let adapter: any ChannelAdapter
        let redactions: [(secret: String, shown: String)]

        func run() async -> AttemptEnding {
            let start = ContinuousClock.now
            let result: AttemptEnding.Result
            switch route {
            case .withhold(let withheld):
                result = .withheld(withheld)
            case .send(let message), .republish(let message, _):
                let recorder = SentRequestRecorder(redactions: redactions)
                // A retraction deletes every copy the channel shows, one at a time.
                let ending = await recorder.recording {
                    message.action == .retract
                        ? await CopyRetraction(message: message).run { await adapter.deliver($0) }
                        : CopyRetraction.Ending(outcome: await adapter.deliver(message), progress: nil)
                }
                var note: String? = nil
                if case .republish(_, let why) = route { note = why }
                result = .sent(ending.outcome, note: note, sent: recorder.recorded, progress: ending.progress)
            }
            let elapsed = ContinuousClock.now - start
            return AttemptEnding(claimed: claimed, result: result, milliseconds: Int(elapsed.seconds * 1000))
        }
    }

    /// Sends `first`, then, as long as its channel has deliveries claimed ahead, the next one.
    private nonisolated func send(_ first: Attempt) async {
        var next: Attempt? = first
        while let attempt = next {
            next = await finish(await attempt.run())
        }
    }

    /// The first delivery of a channel's `ready` list, counted in flight and prepared for its
    /// channel; nil when the list is empty.
    private func takeReady(_ name: String, at stamp: Date) -> Attempt? {
        // In place: a copy of the lane would copy its `ready` list to take one out of it.
        guard let claimed = lanes[name]?.startReady(at: stamp), let lane = lanes[name]?.lane else { return nil }
        var message = claimed.message
        message.post = message.post.view(forChannel: name, language: lane.language)
        return Attempt(
            claimed: claimed, route: DeliveryRoute.decide(message, settings: lane.corrections),
            adapter: lane.adapter, redactions: lane.redactions)
    }

    /// Hands an attempt's end to the loop, which writes it with its next step; returns the
    /// channel's next delivery claimed ahead, if it has one and may send it now.
    private func finish(_ ending: AttemptEnding) -> Attempt? {
        let channel = ending.claimed.message.channel
        lanes[channel]?.running -= 1
        if Task.isCancelled {
            // Shutting down mid-request: whether it arrived is unknown, so the attempt stays
            // open on disk and the next start decides, as after a crash.
            lanes[channel]?.inFlight -= 1
            signal.fire()
            return nil
        }
        finished.append(ending)
        signal.fire()
        guard !draining, lanes[channel]?.sendsNextAtOnce == true else { return nil }
        return takeReady(channel, at: now())
    }

    /// Once the ends are on disk: what they say of each channel (attempts in flight, scheduled
    /// retractions, the breaker); the breaker's transition of each end, for `logEnds`.
    private func settleEnds(
        _ ends: [AttemptEnding], _ completions: [(record: AttemptCompletion, event: LogEvent)], at stamp: Date
    ) -> [ChannelBreaker.Transition] {
        zip(ends, completions).map { ending, completion in
            let channel = ending.claimed.message.channel
            lanes[channel]?.inFlight -= 1
            if case .retract(let at) = completion.record.expirySchedule { nextExpiry = min(nextExpiry ?? at, at) }
            guard let outcome = ending.outcome else { return .none }
            let transition = recordHealth(channel: channel, outcome: outcome, at: stamp)
            if case .paused = transition { setAside(channel) }
            return transition
        }
    }

    /// The ends' log lines and metrics, each line followed by the pause or resumption its end
    /// caused; the lines in one write, then the pauses kept on disk for `status`.
    private func logEnds(
        _ ends: [AttemptEnding], _ completions: [(record: AttemptCompletion, event: LogEvent)],
        _ transitions: [ChannelBreaker.Transition], at stamp: Date
    ) async {
        var lines: [LogEvent] = []
        lines.reserveCapacity(ends.count)
        var changes: [(channel: String, transition: ChannelBreaker.Transition)] = []
        for ((ending, completion), transition) in zip(zip(ends, completions), transitions) {
            lines.append(completion.event)
            let channel = ending.claimed.message.channel
            metrics?.recordAttempt(channel: channel, outcome: completion.event.event, milliseconds: completion.record.milliseconds, at: stamp)
            if let line = line(for: transition, channel: channel, at: stamp) {
                lines.append(line)
                changes.append((channel, transition))
            }
        }
        log.log(lines)
        for (channel, transition) in changes { await keep(transition, channel: channel, at: stamp) }
    }

    /// Feeds the channel's breaker; returns the transition it made.
    private func recordHealth(channel: String, outcome: DeliveryOutcome, at stamp: Date) -> ChannelBreaker.Transition {
        guard var state = lanes[channel] else { return .none }
        let healthy: Bool?
        let reason: String
        switch outcome {
        case .delivered, .failed:
            healthy = true
            reason = ""
        case .retry(_, let why, let status, _):
            // A 429 says the endpoint is well and busy: the rate limit and Retry-After deal with it.
            healthy = status == 429 ? nil : false
            reason = why
        }
        let transition = state.breaker.record(healthy: healthy, reason: reason, now: stamp)
        lanes[channel] = state
        return transition
    }

    /// The log line of a channel's pause or resumption; nil when the breaker did not change.
    private func line(for transition: ChannelBreaker.Transition, channel: String, at stamp: Date) -> LogEvent? {
        switch transition {
        case .none:
            return nil
        case .paused(let until, let why):
            return LogEvent(
                .channelPaused, level: .warning, channel: channel, nextIn: .seconds(until.timeIntervalSince(stamp)),
                error: "\(breaker.threshold)+ consecutive failures, last: \(why); other channels keep flowing, this one probes with one request at next_in")
        case .resumed:
            return LogEvent(.channelResumed, channel: channel, extra: [("note", "the probe succeeded; deliveries resume")])
        }
    }

    /// Keeps a channel's pause (or its end) on disk for `status`.
    private func keep(_ transition: ChannelBreaker.Transition, channel: String, at stamp: Date) async {
        switch transition {
        case .none:
            return
        case .paused(let until, let why):
            try? await store.setPause(channel: channel, since: stamp, until: until, reason: why)
        case .resumed:
            try? await store.setPause(channel: channel, since: stamp, until: nil, reason: "")
        }
    }

    private func reportStoreFailure(_ error: any Error) {
        guard !storeFailureLogged else { return }
        storeFailureLogged = true
        // Not `failed`: no delivery failed; they all wait, and nothing is lost.
        log.log(LogEvent(
            .deliveryPaused, level: .error,
            error: "cannot write the state database: \(error); deliveries wait until it can be written again "
                + "(tried every few seconds): free space (or fix the fault) on the file system that holds it"))
    }

    private func reportStoreRecovered() {
        guard storeFailureLogged else { return }
        storeFailureLogged = false
        log.log(LogEvent(.deliveryResumed, extra: [("note", "the state database can be written again; deliveries go on")]))
    }
}
