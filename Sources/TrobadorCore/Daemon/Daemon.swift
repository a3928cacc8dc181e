import CurlHTTP
import Foundation

/// The daemon: inbox watcher → intake → store → delivery engine → adapters, wired from one
/// configuration, until SIGTERM.
public struct Daemon: Sendable {
    public var configuration: Configuration
    public var channelTypes: [any ChannelType]
    public var http: any HTTPClient
    public var log: EventLog
    /// Longest wait for requests in flight at SIGTERM.
    public var shutdownGrace: Duration = .seconds(10)

    public init(configuration: Configuration, channelTypes: [any ChannelType], http: any HTTPClient, log: EventLog) {
        self.configuration = configuration
        self.channelTypes = channelTypes
        self.http = http
        self.log = log
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public func run(signals: AsyncStream<ProcessSignals.Kind>) async throws -> Int32 {
        let spool = Spool(root: configuration.spoolDirectory)
        try spool.prepare()
        let store = try SQLiteStateStore(path: configuration.statePath)
        let lanes = makeLanes(spool: spool)
        let engine = DeliveryEngine(lanes: lanes, store: store, log: log, settings: configuration.delivery)
        log.log(LogEvent(.started, extra: [
            ("config", configuration.sourcePath ?? "embedded default"), ("spool", spool.root),
            ("channels", lanes.map(\.name).joined(separator: ",")), ("pid", String(getpid())),
        ]))
        try await engine.recover()

        let (watcher, inboxSignals) = try InboxWatcher.start(directory: spool.inbox)
        let intake = Intake(
            spool: spool, rules: configuration.posts, router: Router(configuration: configuration), store: store, log: log,
            onAccepted: { engine.wake() })
        log.log(LogEvent(.ready, extra: [("inbox", spool.inbox)]))

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await intake.run(signals: inboxSignals) }
            group.addTask { await engine.run() }
            for await signal in signals {
                if signal == .terminate { break }
                log.reopen()
                log.log(LogEvent(.reloaded, extra: [("note", "log file reopened")]))
            }
            log.log(LogEvent(.stopping, extra: [("in_flight", String(await engine.activeCount))]))
            watcher.stop()
            let drained = await engine.drain(timeout: shutdownGrace)
            if !drained {
                log.log(LogEvent(.stopping, level: .warning, error: "requests still in flight after \(LogEvent.shortDuration(shutdownGrace)); they stay queued and are resolved at the next start"))
            }
            group.cancelAll()
        }
        log.log(LogEvent(.stopped))
        return 0
    }

    /// One lane per enabled channel. A channel that cannot be set up is logged and left out;
    /// the others run.
    func makeLanes(spool: Spool) -> [DeliveryLane] {
        let context = ChannelContext(http: http, spoolDirectory: spool.root)
        var lanes: [DeliveryLane] = []
        for channel in configuration.channels where channel.enabled {
            guard let type = channelTypes.first(where: { $0.name == channel.type }) else {
                log.log(LogEvent(.started, level: .error, channel: channel.name, error: "unknown channel type \"\(channel.type)\"; this channel is disabled"))
                continue
            }
            do {
                let adapter = try type.makeAdapter(for: channel, context: context)
                lanes.append(DeliveryLane(
                    name: channel.name, adapter: adapter, concurrency: channel.concurrency ?? type.defaultConcurrency,
                    rate: channel.rate ?? type.defaultRate, resendIsSafe: type.capabilities.resendIsSafe))
            } catch {
                log.log(LogEvent(.started, level: .error, channel: channel.name, error: "\(error); this channel is disabled"))
            }
        }
        return lanes
    }
}
