import CurlHTTP
import Foundation

/// What the daemon runs with, read at start and again on SIGHUP: the configuration, the
/// channel types it may use (plugin folders are read again with it), and what is wrong with
/// those types (a broken plugin: its channels stop, the others run).
public struct DaemonSetup: Sendable {
    public var configuration: Configuration
    public var channelTypes: [any ChannelType]
    /// Each as `path:line:column: message`, errors and warnings.
    public var problems: [ConfigurationProblem]

    public init(configuration: Configuration, channelTypes: [any ChannelType], problems: [ConfigurationProblem] = []) {
        self.configuration = configuration
        self.channelTypes = channelTypes
        self.problems = problems
    }
}

/// The daemon: inbox watcher → intake → store → delivery engine → adapters, wired from one
/// configuration, until SIGTERM. SIGHUP reads the configuration and the plugins again.
public struct Daemon: Sendable {
    public var configuration: Configuration
    public var channelTypes: [any ChannelType]
    public var http: any HTTPClient
    public var log: EventLog
    /// Reads the configuration and the channel types again, for SIGHUP.
    public var reload: @Sendable () throws(ConfigurationError) -> DaemonSetup
    /// Longest wait for requests in flight at SIGTERM.
    public var shutdownGrace: Duration = .seconds(10)
    /// The service manager to tell about start, reloads, stops and the queue (systemd's
    /// `NOTIFY_SOCKET`), and whose watchdog the delivery loop feeds; nil outside one.
    public var notifier: (any ServiceNotifier)?

    public init(
        configuration: Configuration, channelTypes: [any ChannelType], http: any HTTPClient, log: EventLog,
        reload: @escaping @Sendable () throws(ConfigurationError) -> DaemonSetup
    ) {
        self.configuration = configuration
        self.channelTypes = channelTypes
        self.http = http
        self.log = log
        self.reload = reload
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public func run(signals: AsyncStream<ProcessSignals.Kind>) async throws -> Int32 {
        let spool = Spool(root: configuration.spoolDirectory)
        try spool.prepare()
        let store = try SQLiteStateStore(path: configuration.statePath)
        let lanes = makeLanes(configuration, types: channelTypes, spool: spool, store: store, event: .started)
        let metrics = DeliveryMetrics()
        metrics.setChannels(configuration.channels.filter(\.enabled).map(\.name))
        metrics.seedLastDelivered((try? store.lastDeliveredTimes()) ?? [:])
        let engine = DeliveryEngine(
            lanes: lanes, store: store, log: log, settings: configuration.delivery,
            watchdog: notifier?.watchdog, metrics: metrics)
        let publisher = StatusPublisher(
            metrics: metrics, store: store, path: StatusPublisher.path(besideState: configuration.statePath),
            notifier: notifier, log: log)
        log.log(LogEvent(.started, extra: [
            ("config", configuration.sourcePath ?? "embedded default"), ("spool", spool.root),
            ("channels", lanes.map(\.name).joined(separator: ",")), ("pid", String(getpid())),
        ]))
        for warning in configuration.warnings {
            log.log(LogEvent(.started, level: .warning, error: warning.description))
        }
        try await engine.recover()

        let (inboxWatcher, inboxSignals) = try InboxWatcher.start(directory: spool.inbox)
        let (controlWatcher, controlSignals) = try InboxWatcher.start(directory: spool.control)
        let intake = Intake(
            spool: spool, rules: configuration.posts, router: Router(configuration: configuration), store: store, log: log,
            onAccepted: { engine.wake(); metrics.changed() })
        let desk = OperatorDesk(spool: spool, store: store, log: log, onChange: { engine.wake(); metrics.changed() })
        log.log(LogEvent(.ready, extra: [("inbox", spool.inbox)]))

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await intake.run(signals: inboxSignals) }
            group.addTask { await desk.run(signals: controlSignals) }
            group.addTask { await engine.run() }
            group.addTask { await publisher.run() }
            // The inbox is watched and its backlog scan launched: whatever is dropped from now on is taken.
            notifier?.notify([.ready])
            var current = DaemonSetup(configuration: configuration, channelTypes: channelTypes)
            for await signal in signals {
                if signal == .terminate { break }
                notifier?.notify([.reloading, .status("Reloading the configuration")])
                current = await apply(reloading: current, spool: spool, store: store, engine: engine, intake: intake)
                metrics.setChannels(current.configuration.channels.filter(\.enabled).map(\.name))
                notifier?.notify([.ready])
            }
            let inFlight = await engine.activeCount
            notifier?.notify([.stopping, .status("Stopping: \(inFlight) request\(inFlight == 1 ? "" : "s") in flight")])
            log.log(LogEvent(.stopping, extra: [("in_flight", String(inFlight))]))
            inboxWatcher.stop()
            controlWatcher.stop()
            let drained = await engine.drain(timeout: shutdownGrace)
            if !drained {
                log.log(LogEvent(.stopping, level: .warning, error: "requests still in flight after \(LogEvent.shortDuration(shutdownGrace)); they stay queued and are resolved at the next start"))
            }
            await publisher.publish()
            group.cancelAll()
        }
        log.log(LogEvent(.stopped))
        return 0
    }

    /// SIGHUP: reopen the log file, read the configuration and the plugins again and apply
    /// them; an invalid configuration is logged with its problems and the running one kept; a
    /// broken plugin is logged with its path and line, and only its channels stop.
    private func apply(
        reloading running: DaemonSetup, spool: Spool, store: SQLiteStateStore, engine: DeliveryEngine, intake: Intake
    ) async -> DaemonSetup {
        log.reopen()
        let current = running.configuration
        let setup: DaemonSetup
        do {
            setup = try reload()
        } catch {
            log.log(LogEvent(
                .reloaded, level: .error,
                error: "configuration not reloaded, still running on the previous one: "
                    + error.problems.map(\.description).joined(separator: "; ")))
            return running
        }
        let next = setup.configuration
        var ignored: [String] = []
        if next.spoolDirectory != current.spoolDirectory { ignored.append("[spool] dir") }
        if next.statePath != current.statePath { ignored.append("[state] path") }
        var applied = next
        applied.spoolDirectory = current.spoolDirectory
        applied.statePath = current.statePath
        for problem in setup.problems {
            log.log(LogEvent(.reloaded, level: problem.severity == .error ? .error : .warning, error: "plugin: \(problem)"))
        }
        let lanes = makeLanes(applied, types: setup.channelTypes, spool: spool, store: store, event: .reloaded)
        await engine.reconfigure(lanes: lanes, settings: applied.delivery)
        await intake.reconfigure(rules: applied.posts, router: Router(configuration: applied))
        log.update(format: applied.log.format, file: applied.log.file, secrets: applied.channels.flatMap(\.secretValues))
        var extra: [(key: String, value: String)] = [("channels", lanes.map(\.name).joined(separator: ","))]
        if !ignored.isEmpty { extra.append(("note", "\(ignored.joined(separator: " and ")) changed: restart to apply")) }
        log.log(LogEvent(.reloaded, extra: extra))
        for warning in applied.warnings {
            log.log(LogEvent(.reloaded, level: .warning, error: warning.description))
        }
        return DaemonSetup(configuration: applied, channelTypes: setup.channelTypes, problems: setup.problems)
    }

    /// One lane per enabled channel. A channel that cannot be set up is logged (as part of
    /// `event`, the start or a reload) and left out; the others run.
    func makeLanes(
        _ configuration: Configuration, types channelTypes: [any ChannelType], spool: Spool, store: any StateStore, event: LogEventName
    ) -> [DeliveryLane] {
        // Requests go through the recording client, so that the audit trail keeps what was sent.
        let context = ChannelContext(
            http: RecordingHTTPClient(http), spoolDirectory: spool.root,
            loadMedia: { postID, version in try await store.media(postID: postID, version: version) })
        var lanes: [DeliveryLane] = []
        for channel in configuration.channels where channel.enabled {
            guard let type = channelTypes.first(where: { $0.name == channel.type }) else {
                log.log(LogEvent(event, level: .error, channel: channel.name, error: "unknown channel type \"\(channel.type)\"; this channel is disabled"))
                continue
            }
            do {
                let adapter = try type.makeAdapter(for: channel, context: context)
                lanes.append(DeliveryLane(
                    name: channel.name, adapter: adapter, concurrency: channel.concurrency ?? type.defaultConcurrency,
                    rate: channel.rate ?? type.defaultRate, resendIsSafe: type.capabilities.resendIsSafe,
                    language: channel.lang,
                    corrections: CorrectionSettings(capabilities: type.capabilities, channel: channel, delivery: configuration.delivery),
                    secrets: channel.secretValues))
            } catch {
                log.log(LogEvent(event, level: .error, channel: channel.name, error: "\(error); this channel is disabled"))
            }
        }
        return lanes
    }
}
