import Foundation

/// Takes posts out of the inbox: reads and checks each entry, stores the good ones with their
/// deliveries in one transaction per batch, then moves every entry out (archive or rejected).
/// An entry leaves the inbox only after what it asked for is on disk.
public actor Intake {
    private let spool: Spool
    private var parser: PostParser
    private var router: Router
    private let store: any StateStore
    private let log: EventLog
    private let now: @Sendable () -> Date
    /// Called after posts were accepted, to wake the delivery engine.
    private let onAccepted: @Sendable () -> Void
    private var storeFailureLogged = false

    /// Most entries stored in one transaction. The transaction holds the database's one writer,
    /// which every delivery step waits for: 256 posts held it about four times as long as 64,
    /// long enough for the requests in flight to end and wait with nothing to replace them. With
    /// 64, a 10,000-post drain on three channels took 4.4-5.7 s instead of 5.4-7.0 (interleaved
    /// runs), and a 100,000-file backlog is accepted in 27 s instead of 17-19 (32: 32 s, and a
    /// drain no faster than with 64).
    static let batchSize = 64
    /// How long to wait before trying a batch again when the state database cannot be written.
    static let storeRetryDelay: Duration = .seconds(5)

    public init(
        spool: Spool, rules: PostRules, router: Router, store: any StateStore, log: EventLog,
        now: @escaping @Sendable () -> Date = { Date() }, onAccepted: @escaping @Sendable () -> Void
    ) {
        self.spool = spool
        self.parser = PostParser(rules: rules)
        self.router = router
        self.store = store
        self.log = log
        self.now = now
        self.onAccepted = onAccepted
    }

    /// Takes new post rules and routing (SIGHUP).
    public func reconfigure(rules: PostRules, router: Router) {
        parser = PostParser(rules: rules)
        self.router = router
    }

    /// Consumes the watcher's signals until the stream ends or the task is cancelled.
    /// Scans the inbox once first, for what arrived while the daemon was down.
    ///
    /// Entries still being written (a post folder whose media are being copied, a file a scan
    /// met while it was written in place) wait in `settling` and are looked at again every
    /// second, between signals: one slow copy does not hold up the posts that come after it.
    /// Everything runs on this one loop, so entries are never read twice at once.
    public func run(signals: AsyncStream<InboxWatcher.Signal>) async {
        let (work, feed) = AsyncStream<IntakeWork>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await signal in signals { feed.yield(.signal(signal)) }
                feed.finish()
            }
            var settling = await take(scan(), foldersOnly: false)
            var recheckPending = false
            func scheduleRecheck() {
                guard !settling.isEmpty, !recheckPending else { return }
                recheckPending = true
                group.addTask {
                    try? await Task.sleep(for: .seconds(1))
                    feed.yield(.recheck)
                }
            }
            scheduleRecheck()
            for await item in work {
                if Task.isCancelled { break }
                switch item {
                case .signal(.entries(let names)):
                    // A file announced is whole (closed after writing, or renamed in); a folder
                    // may have been renamed in before its media were all copied into it.
                    settling.formUnion(await take(names, foldersOnly: true))
                case .signal(.overflow):
                    settling.formUnion(await take(scan(), foldersOnly: false))
                case .recheck:
                    recheckPending = false
                    settling = await take(oldestFirst(Array(settling)), foldersOnly: false)
                }
                scheduleRecheck()
            }
            group.cancelAll()
        }
    }

    /// How long an entry must have been left alone before it is read, when it may still be written.
    static let settleTime: TimeInterval = 2

    /// Takes the entries that are settled now, in batches, and returns those still changing
    /// (entries gone meanwhile are dropped). With `foldersOnly`, files count as settled.
    private func take(_ names: [String], foldersOnly: Bool) async -> Set<String> {
        let settledBefore = now().timeIntervalSince1970 - Self.settleTime
        var ready: [(name: String, kind: PostFileReader.Kind)] = []
        var waiting: Set<String> = []
        for name in names {
            let path = spool.inbox + "/" + name
            // One lstat says what the entry is and, for a file, when it last changed; reading
            // the entry then takes what it said (and checks what it opens with fstat).
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let kind = PostFileReader.kind(of: info)
            if foldersOnly && kind != .directory {
                ready.append((name, kind))
            } else if let changed = kind == .directory ? Spool.lastChange(at: path) : Spool.changeTime(info), changed > settledBefore {
                waiting.insert(name)
            } else {
                ready.append((name, kind))
            }
        }
        // Each batch is read while the one before it is stored: the reading is this actor's
        // work, the storing mostly the database's (its writer thread, and the wait for the disk).
        let batches = stride(from: 0, to: ready.count, by: Self.batchSize).map {
            Array(ready[$0..<min(ready.count, $0 + Self.batchSize)])
        }
        var submissions = batches.first.map(read) ?? []
        for index in batches.indices {
            guard index + 1 < batches.count else {
                await store(submissions)
                break
            }
            async let next = read(batches[index + 1])
            await store(submissions)
            submissions = await next
        }
        return waiting
    }

    /// The inbox's entries, oldest change first.
    private func scan() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: spool.inbox) else { return [] }
        return oldestFirst(names)
    }

    /// Entries of the inbox, oldest change first (then by name), those gone left out: a post
    /// and the correction written after it are taken in that order, in one batch or two.
    private func oldestFirst(_ names: [String]) -> [String] {
        var entries: [(name: String, changed: Double)] = []
        for name in names where !Spool.isIgnored(name) {
            guard let changed = Spool.lastChange(at: spool.inbox + "/" + name) else { continue }
            entries.append((name, changed))
        }
        entries.sort { ($0.changed, $0.name) < ($1.changed, $1.name) }
        return entries.map(\.name)
    }

    /// Reads and checks a batch of entries: what can be stored, the others moved to `rejected/`.
    private func read(_ entries: [(name: String, kind: PostFileReader.Kind)]) -> [Submission] {
        var submissions: [Submission] = []
        for (name, kind) in entries {
            let path = spool.inbox + "/" + name
            // An entry gone since it was listed is passed over below, where reading it fails.
            guard !Spool.isIgnored(name) else { continue }
            do {
                let loaded = try parser.load(entry: path, known: kind)
                let routes: [String]
                switch loaded.post.action {
                case .publish:
                    switch router.routes(for: loaded.post) {
                    case .success(let found): routes = found
                    case .failure(let problem):
                        reject(name, PostRejection(problem))
                        continue
                    }
                case .update, .retract:
                    // `channels:` narrows an update or a retraction to some of the post's channels.
                    if loaded.post.channels != nil, case .failure(let problem) = router.routes(for: loaded.post) {
                        reject(name, PostRejection(problem))
                        continue
                    }
                    routes = loaded.post.channels ?? []
                }
                submissions.append(Submission(
                    post: loaded.post, media: loaded.media, source: loaded.source, format: loaded.format.rawValue,
                    contentHash: loaded.contentHash, fileName: name, routes: routes))
            } catch {
                // Taken back between the event and the reading: there is nothing left to reject.
                if PostFileReader.kind(at: path) == nil { continue }
                reject(name, error)
            }
        }
        return submissions
    }

    /// Stores a batch in one transaction, then moves its entries out of the inbox and logs them.
    private func store(_ submissions: [Submission]) async {
        guard !submissions.isEmpty else { return }
        var stamp = now()
        var results: [AcceptResult]
        while true {
            do {
                results = try await store.accept(submissions, now: stamp)
                if storeFailureLogged {
                    storeFailureLogged = false
                    log.log(LogEvent(.intakeResumed, extra: [("note", "the state database can be written again; the posts that waited are taken now")]))
                }
                break
            } catch {
                // Nothing can be stored: the entries stay in the inbox untouched, and the same
                // batch is tried again every few seconds (the disk may be full), logged once.
                // Not `rejected`: nothing is, and nothing moves.
                if !storeFailureLogged {
                    storeFailureLogged = true
                    log.log(LogEvent(
                        .intakePaused, level: .error,
                        error: "cannot write the state database (\(error)); \(submissions.count) post(s) wait in the inbox, untouched, "
                            + "and are taken again every \(ConfigValueSyntax.text(for: Self.storeRetryDelay)) until it can be written: "
                            + "free space (or fix the fault) on the file system that holds it"))
                }
                try? await Task.sleep(for: Self.storeRetryDelay)
                if Task.isCancelled { return }
                stamp = now()
            }
        }
        var toArchive: [(Submission, AcceptResult)] = []
        for (submission, result) in zip(submissions, results) {
            if case .refused(let problem) = result {
                reject(submission.fileName, PostRejection(problem))
            } else {
                toArchive.append((submission, result))
            }
        }
        let names = toArchive.map(\.0.fileName)
        var archived: [String]
        var stranded = false
        do {
            archived = try spool.moveToArchive(names, on: stamp)
        } catch {
            // Stored durably, so accepted and deliverable; only the move failed. Nothing is
            // lost, but a file left in the inbox would only be seen again at the next start.
            log.log(LogEvent(
                .accepted, level: .error,
                error: "stored, but could not archive: \(error); the files stay in the inbox and are moved again every "
                    + "\(ConfigValueSyntax.text(for: Self.storeRetryDelay)) (they are not published twice); check the spool's file system"))
            archived = names.map { "inbox/" + $0 }
            stranded = true
        }
        var anyNew = false
        var lines: [LogEvent] = []
        for ((submission, result), file) in zip(toArchive, archived) {
            lines += Self.lines(for: submission, result, file: file)
            if case .accepted = result { anyNew = true }
        }
        log.log(lines)
        // Delivery starts while the moves are synced: what it needs is on disk already.
        if anyNew { onAccepted() }
        if stranded {
            await archiveWhenPossible(names, stamp: stamp)
        } else if !names.isEmpty {
            do {
                try spool.syncArchive(on: stamp)
            } catch {
                log.log(LogEvent(
                    .accepted, level: .warning,
                    error: "stored and archived, but the archive could not be synced to disk: \(error); if the machine stops "
                        + "before the file system writes it, the files may be back in the inbox, where they are recognised as "
                        + "stored and archived again (not published twice); check the spool's file system",
                    extra: [("moved_to", archived.joined(separator: ","))]))
            }
        }
    }

    /// Moves stored entries still in the inbox to the archive, trying again every few seconds
    /// until the spool lets it (the same pause as for a state database that cannot be written).
    private func archiveWhenPossible(_ names: [String], stamp: Date) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.storeRetryDelay)
            let left = names.filter { PostFileReader.kind(at: spool.inbox + "/" + $0) != nil }
            guard !left.isEmpty else { return }
            if let moved = try? spool.archive(left, on: stamp) {
                log.log(LogEvent(.accepted, extra: [("moved_to", moved.joined(separator: ",")), ("note", "archived now that the spool can be written")]))
                return
            }
        }
    }

    /// The log lines of a stored submission: accepted (and what became of each channel's
    /// delivery when it is not simply pending), or a duplicate.
    private static func lines(for submission: Submission, _ result: AcceptResult, file: String) -> [LogEvent] {
        let post = submission.post
        switch result {
        case .accepted(let version, let deliveries):
            var lines = [LogEvent(
                .accepted, post: post.id, file: file,
                extra: [("action", post.action.rawValue), ("version", String(version)),
                        ("channels", deliveries.map(\.channel).joined(separator: ","))])]
            for delivery in deliveries {
                switch delivery.state {
                case .scheduled:
                    lines.append(LogEvent(.scheduled, post: post.id, channel: delivery.channel, extra: [("publish_at", LogEvent.timestamp(delivery.due))]))
                case .cancelled where delivery.action == .retract:
                    lines.append(LogEvent(.retracted, post: post.id, channel: delivery.channel, extra: [("note", delivery.note ?? "")]))
                case .cancelled:
                    lines.append(LogEvent(
                        .expired, level: .warning, post: post.id, channel: delivery.channel,
                        error: "not published: its expires_at (\(post.expiresAt.map(LogEvent.timestamp) ?? "")) had already passed"))
                default:
                    break
                }
            }
            return lines
        case .duplicate(let version):
            return [LogEvent(
                .duplicate, post: post.id, file: file,
                extra: [("version", String(version)), ("note", "same content as already accepted; not published again")])]
        case .refused:
            return []
        }
    }

    private func reject(_ name: String, _ error: any Error) {
        let rejection = error as? PostRejection ?? PostRejection(PostProblem(message: "\(error)"))
        let summary = rejection.problems.map(\.description).joined(separator: "; ")
        do {
            let moved = try spool.reject(name, report: rejection.report(fileName: name))
            log.log(LogEvent(.rejected, level: .error, error: summary, file: "inbox/" + name, extra: [("moved_to", moved)]))
        } catch {
            // No .error file can go with it, so the log line carries the hint too.
            let hints = rejection.problems.compactMap(\.hint).joined(separator: " ")
            log.log(LogEvent(
                .rejected, level: .error,
                error: "\(summary); it stays in the inbox, since it could not be moved to rejected/ (\(error))"
                    + (hints.isEmpty ? "" : "; how to fix it: \(hints)"),
                file: "inbox/" + name))
        }
    }
}

/// What the intake loop does next: what the watcher said, or a second look at entries still
/// being written.
private enum IntakeWork: Sendable {
    case signal(InboxWatcher.Signal)
    case recheck
}
