import Foundation

/// Publishes the daemon's figures where operators look: a Prometheus text file beside the
/// state database (`trobador.prom`, for node_exporter's textfile collector) and the STATUS=
/// line systemd shows in `systemctl status`.
///
/// Both are rewritten when something changed, at most once every `minimumInterval` (a busy
/// daemon writes every 2 s, not at every attempt), and never while nothing happens: an idle
/// daemon sets no timer for its metrics. The file stays valid meanwhile, since it only says
/// what was true when it was written, and node_exporter reports its age.
public actor StatusPublisher {
    private let metrics: DeliveryMetrics
    private let store: any StateStore
    private let path: String
    private let notifier: (any ServiceNotifier)?
    private let log: EventLog
    private let minimumInterval: Duration
    private var failureLogged = false

    public init(
        metrics: DeliveryMetrics, store: any StateStore, path: String, notifier: (any ServiceNotifier)?, log: EventLog,
        minimumInterval: Duration = .seconds(2)
    ) {
        self.metrics = metrics
        self.store = store
        self.path = path
        self.notifier = notifier
        self.log = log
        self.minimumInterval = minimumInterval
    }

    /// `trobador.prom` in the directory of the state database.
    public static func path(besideState statePath: String) -> String {
        (statePath as NSString).deletingLastPathComponent + "/trobador.prom"
    }

    /// Publishes now, then after each change, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            publish()
            await metrics.waitForChange()
            // Changes that come during the pause are gathered into the next publication.
            try? await Task.sleep(for: minimumInterval)
        }
    }

    /// Reads the queue from the store and writes both the file and the STATUS= line.
    public func publish() {
        let snapshot = metrics.snapshot()
        let status: StatusReport
        do {
            status = try store.status(latestProblems: 0)
        } catch {
            report("cannot read the state database for \(path): \(error)")
            return
        }
        notifier?.notify([.status(Self.statusLine(status, channels: snapshot.channels.count))])
        do {
            try Self.replace(path, with: PrometheusText.render(snapshot, status: status))
            failureLogged = false
        } catch {
            report("\(error); the metrics file is not updated")
        }
    }

    /// `3 pending, 1 in flight, 2 retrying, 0 failed; 4 channels` and, when there are some,
    /// scheduled and uncertain deliveries and paused channels.
    static func statusLine(_ status: StatusReport, channels: Int) -> String {
        var totals: [String: Int] = [:]
        for line in status.channels {
            totals.merge(line.counts, uniquingKeysWith: +)
        }
        func count(_ state: DeliveryState) -> Int { totals[state.rawValue] ?? 0 }
        var parts = [
            "\(count(.pending)) pending", "\(count(.inFlight)) in flight", "\(count(.retrying)) retrying", "\(count(.failed)) failed",
        ]
        if count(.uncertain) > 0 { parts.append("\(count(.uncertain)) uncertain") }
        if count(.scheduled) > 0 { parts.append("\(count(.scheduled)) scheduled") }
        var line = parts.joined(separator: ", ") + "; \(channels) channel" + (channels == 1 ? "" : "s")
        if !status.paused.isEmpty { line += ", \(status.paused.count) paused" }
        return line
    }

    /// Writes a temporary file and renames it over `path`, so that a reader sees the old
    /// file or the new one, never half of one. Not synced: after a crash the next
    /// publication rewrites it, and a metrics file is not worth an fsync every 2 s.
    /// Readable by node_exporter, whatever the service's umask: the figures are not secret.
    static func replace(_ path: String, with text: String) throws {
        try Spool.writeWhole(Array(text.utf8), to: path, mode: 0o644, exactMode: true, durability: .atomicOnly)
    }

    private func report(_ problem: String) {
        guard !failureLogged else { return }
        failureLogged = true
        log.log(LogEvent(.started, level: .warning, error: "metrics: \(problem)"))
    }
}
