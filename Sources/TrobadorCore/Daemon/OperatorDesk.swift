import Foundation

/// Applies operator requests dropped into `spool/control/` (see `OperatorRequest`), then
/// removes them. Looks at what is already there first, for requests made while the daemon
/// was down.
actor OperatorDesk {
    private let spool: Spool
    private let store: any StateStore
    private let log: EventLog
    private let onChange: @Sendable () -> Void

    init(spool: Spool, store: any StateStore, log: EventLog, onChange: @escaping @Sendable () -> Void) {
        self.spool = spool
        self.store = store
        self.log = log
        self.onChange = onChange
    }

    func run(signals: AsyncStream<InboxWatcher.Signal>) async {
        await handle((try? FileManager.default.contentsOfDirectory(atPath: spool.control).sorted()) ?? [])
        for await signal in signals {
            switch signal {
            case .entries(let names): await handle(names)
            case .overflow: await handle((try? FileManager.default.contentsOfDirectory(atPath: spool.control).sorted()) ?? [])
            }
        }
    }

    private func handle(_ names: [String]) async {
        for name in names where !Spool.isIgnored(name) && name.hasSuffix(".json") {
            let path = spool.control + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            defer { unlink(path) }
            guard let request = try? JSONDecoder().decode(OperatorRequest.self, from: data) else {
                log.log(LogEvent(.rejected, level: .error, error: "not an operator request; removed", file: "control/" + name))
                continue
            }
            switch request.command {
            case .retry:
                do {
                    let channels = try await store.requeue(postID: request.post, channel: request.channel, now: Date())
                    for channel in channels {
                        log.log(LogEvent(.retrying, post: request.post, channel: channel, nextIn: .zero, extra: [("note", "queued again by an operator (trobador retry)")]))
                    }
                    if channels.isEmpty {
                        log.log(LogEvent(.retrying, level: .warning, post: request.post, channel: request.channel,
                                         error: "trobador retry: nothing failed or uncertain to queue again"))
                    }
                    onChange()
                } catch {
                    log.log(LogEvent(.retrying, level: .error, post: request.post, channel: request.channel, error: "trobador retry could not be applied: \(error)"))
                }
            }
        }
    }
}
