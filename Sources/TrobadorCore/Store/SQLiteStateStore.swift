import Foundation
import GRDB

/// The state store of one instance: SQLite through GRDB, in WAL mode so that `status` and
/// `history` read while the daemon writes, with `synchronous = FULL` so that a commit is on
/// disk when it returns (a power cut loses nothing acknowledged).
public final class SQLiteStateStore: StateStore {
    let pool: DatabasePool
    /// The posts claims decoded last, by id and version.
    let recentPosts = RecentValues<ExactText, Post>(capacity: 256)

    /// Opens (creating if needed) the database at `path`. `readOnly` for the operator commands.
    public init(path: String, readOnly: Bool = false) throws {
        var configuration = GRDB.Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A reader (the daemon's status count every 2 s while busy, `status`, `history`)
            // reads each page once per query: SQLite's default 2 MiB cache per connection only
            // held memory, as much as a count reads (1 MiB after a 10,000-post drain, more as
            // the database grows), in every reader the pool keeps open.
            if db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = \(Self.readerCacheKiB)") }
        }
        if !readOnly {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        if !readOnly {
            // Set here, on the one writer connection, not in `prepareDatabase`: GRDB turns WAL
            // on after that and sets `synchronous = NORMAL` with it, under which a commit
            // returns before the WAL is synced and a power cut can lose what was archived.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try SQLiteSchema.migrator.migrate(pool)
        }
    }

    /// The page cache of a reading connection, as `PRAGMA cache_size` takes it (negative: KiB).
    static let readerCacheKiB = -256

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// A post as `posts.post_json` keeps it: read by `StoredPostReader`, or by `JSONDecoder`
    /// when the text is not as `Post.storedJSON` writes it.
    static func storedPost(_ json: String) throws -> Post {
        if let post = StoredPostReader.post(from: json) { return post }
        return try decoder.decode(Post.self, from: Data(json.utf8))
    }

    /// A thread's message ids as stored: a JSON array, or NULL for a single message.
    static func partsText(_ parts: [String]?) -> String? {
        guard let parts, !parts.isEmpty else { return nil }
        return JSONValue.array(parts.map(JSONValue.string)).serialized
    }

    static func parts(_ text: String?) -> [String] {
        guard let text, let data = text.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    /// The media of a post version with their bytes, for channels that upload them.
    public func media(postID: String, version: Int) async throws -> [StoredMedia] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT name, alt, content_type, size, sha256, data FROM media WHERE post_id = ? AND version = ? ORDER BY position",
                arguments: [postID, version]
            ).map {
                StoredMedia(name: $0["name"], alt: $0["alt"], contentType: $0["content_type"], size: $0["size"], sha256: $0["sha256"],
                            data: Array(($0["data"] as Data?) ?? Data()))
            }
        }
    }

    // MARK: intake

    public func accept(_ submissions: [Submission], now: Date) async throws -> [AcceptResult] {
        try await pool.writeTransaction { db in
            try submissions.map { try Self.accept($0, now: now, db: db) }
        }
    }

    static func accept(_ submission: Submission, now: Date, db: Database) throws -> AcceptResult {
        let post = submission.post
        var existing: [AcceptancePolicy.StoredVersion] = []
        try db.cachedStatement(sql: "SELECT version, action, content_hash, accepted_at FROM posts WHERE id = ? ORDER BY version")
            .forEachRow(post.id) {
                existing.append(AcceptancePolicy.StoredVersion(
                    version: $0.int(0), action: PostAction(rawValue: $0.string(1)) ?? .publish,
                    contentHash: $0.string(2), acceptedAt: Date(millis: $0.int64(3))))
            }
        let existingChannels = existing.isEmpty ? [] : try String.fetchAll(
            db, sql: "SELECT channel FROM deliveries WHERE post_id = ? GROUP BY channel ORDER BY MIN(id)", arguments: [post.id])

        switch AcceptancePolicy.decide(submission, existing: existing, existingChannels: existingChannels) {
        case .duplicate(let version):
            return .duplicate(version: version)
        case .refuse(let problem):
            return .refused(problem)
        case .store(let version, let channels):
            try db.cachedStatement(
                sql: """
                    INSERT INTO posts (id, version, action, content_hash, format, source, post_json, file_name, accepted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).run(post.id, version, post.action.rawValue, submission.contentHash, submission.format,
                  SQLiteBlob(bytes: submission.source), submission.postJSON, submission.fileName, now.millis)
            for (position, file) in submission.media.enumerated() {
                try db.executeCached(
                    sql: """
                        INSERT INTO media (post_id, version, position, name, alt, content_type, size, sha256, data)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [post.id, version, position, file.name, file.alt, file.contentType, file.size, file.sha256, Data(file.data)])
            }
            var created: [NewDelivery] = []
            for channel in channels {
                let plan = try deliveryPlan(for: post, version: version, channel: channel, now: now, db: db)
                let key = AcceptancePolicy.idempotencyKey(postID: post.id, channel: channel, action: plan.action, version: version)
                try db.cachedStatement(
                    sql: """
                        INSERT INTO deliveries (post_id, version, channel, action, state, next_at, expires_at,
                                                created_at, updated_at, idempotency_key, last_error)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).run(post.id, version, channel, plan.action.rawValue, plan.state.rawValue, plan.due.millis,
                      plan.action == .publish ? post.expiresAt?.millis : nil, now.millis, now.millis, key, plan.note)
                created.append(NewDelivery(channel: channel, action: plan.action, state: plan.state, due: plan.due, note: plan.note))
            }
            return .accepted(version: version, deliveries: created)
        }
    }

    /// What one channel gets for a new version: a retraction or update of what may already be
    /// published there, or, when nothing went out yet, the new content in place of the old.
    private static func deliveryPlan(
        for post: Post, version: Int, channel: String, now: Date, db: Database
    ) throws -> (action: PostAction, state: DeliveryState, due: Date, note: String?) {
        var action = post.action
        if post.action != .publish {
            let mayBePublished = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM deliveries WHERE post_id = ? AND channel = ? AND action = 'publish'
                                   AND state IN ('delivered', 'in_flight', 'uncertain'))
                    """,
                arguments: [post.id, channel]) ?? false
            // What was waiting to go out is superseded by this version.
            try db.executeCached(
                sql: """
                    UPDATE deliveries SET state = 'cancelled', updated_at = ?, last_error = ?
                    WHERE post_id = ? AND channel = ? AND version < ? AND state IN ('pending', 'scheduled', 'retrying')
                    """,
                arguments: [now.millis, "superseded by version \(version) (\(post.action.rawValue)) before it was sent",
                            post.id, channel, version])
            if !mayBePublished {
                if post.action == .retract {
                    return (.retract, .cancelled, now, "withdrawn before it was published; nothing to remove")
                }
                action = .publish
            }
        }
        if action == .publish, let expiry = post.expiresAt, expiry <= now {
            return (action, .cancelled, now, "expired before it could be published")
        }
        if action == .publish, let publishAt = post.publishAt, publishAt > now {
            return (action, .scheduled, publishAt, nil)
        }
        return (action, .pending, now, nil)
    }

    // MARK: delivery

    public func recoverInterrupted(resendSafe: Set<String>, onUncertain: UncertainPolicy, now: Date) async throws -> [RecoveredDelivery] {
        try await pool.writeTransaction { db in
            // A new run starts with every channel's breaker closed.
            try db.execute(sql: "DELETE FROM channel_pauses")
            // Channel by channel through `deliveries_due` (channel, state, ...): the channels are
            // enumerated by one index lookup each rather than by reading every delivery.
            let rows = try Row.fetchAll(db, sql: """
                WITH RECURSIVE channels(name) AS (
                    SELECT MIN(channel) FROM deliveries
                    UNION ALL
                    SELECT (SELECT MIN(channel) FROM deliveries WHERE channel > name) FROM channels WHERE name IS NOT NULL
                )
                SELECT d.id, d.post_id, d.channel, d.attempts, d.updated_at FROM channels
                JOIN deliveries d ON d.channel = channels.name AND d.state = 'in_flight'
                """)
            var recovered: [RecoveredDelivery] = []
            for row in rows {
                let id: Int64 = row["id"]
                let channel: String = row["channel"]
                let safe = resendSafe.contains(channel)
                // The attempt's row, written at its end, is written now. A database of an earlier
                // version has it already, unfinished.
                let error = "interrupted: the daemon stopped before the answer came"
                try db.execute(
                    sql: "UPDATE attempts SET finished_at = ?, outcome = 'interrupted', error = ? WHERE delivery_id = ? AND finished_at IS NULL",
                    arguments: [now.millis, error, id])
                if db.changesCount == 0 {
                    try db.execute(
                        sql: """
                            INSERT INTO attempts (delivery_id, number, started_at, finished_at, outcome, error)
                            VALUES (?, ?, ?, ?, 'interrupted', ?)
                            """,
                        arguments: [id, row["attempts"] as Int, row["updated_at"] as Int64, now.millis, error])
                }
                let state: DeliveryState = safe || onUncertain == .retry ? .retrying : .uncertain
                let note = safe ? "interrupted; sent again with the same idempotency key"
                    : "interrupted; the network may or may not have published it"
                try db.execute(
                    sql: "UPDATE deliveries SET state = ?, next_at = ?, updated_at = ?, last_error = ? WHERE id = ?",
                    arguments: [state.rawValue, now.millis, now.millis, note, id])
                recovered.append(RecoveredDelivery(
                    postID: row["post_id"], channel: channel, attempt: row["attempts"], state: state, wasUncertain: !safe))
            }
            return recovered
        }
    }

    public func claimDue(channel: String, limit: Int, now: Date) async throws -> ClaimBatch {
        guard limit > 0 else { return ClaimBatch() }
        return try await pool.writeTransaction { db in
            try Self.claimDue(channel: channel, limit: limit, now: now, posts: self.recentPosts, db: db)
        }
    }

    public func release(_ claims: [ClaimedDelivery], now: Date) async throws {
        guard !claims.isEmpty else { return }
        try await pool.writeTransaction { db in try Self.release(claims, now: now, db: db) }
    }

    static func release(_ claims: [ClaimedDelivery], now: Date, db: Database) throws {
        guard !claims.isEmpty else { return }
        // Only a delivery still in flight: nothing else has touched it since its claim.
        let putBack = try db.cachedStatement(
            sql: "UPDATE deliveries SET state = ?, attempts = attempts - 1, updated_at = ? WHERE id = ? AND state = 'in_flight'")
        for claim in claims {
            try putBack.run(claim.claimedFrom.rawValue, now.millis, claim.deliveryID)
        }
    }

    public func step(_ step: EngineStep, now: Date) async throws -> EngineStepResult {
        try await pool.writeTransaction { db in
            try Self.complete(step.completions, db: db)
            try Self.release(step.releases, now: now, db: db)
            var result = EngineStepResult()
            for (channel, limit) in step.claims where limit > 0 {
                result.claimed[channel] = try Self.claimDue(channel: channel, limit: limit, now: now, posts: self.recentPosts, db: db)
            }
            result.nextDue = try Self.nextDueDates(channels: step.channels, db: db)
            return result
        }
    }

    static func claimDue(channel: String, limit: Int, now: Date, posts: RecentValues<ExactText, Post>, db: Database) throws -> ClaimBatch {
        // One ordered scan of the index per waiting state, each stopping at `limit`: with
        // `state IN (...)` SQLite sorted every waiting delivery of the channel at each
        // claim (0.15 s per claim with 100,000 posts waiting).
        var waiting: [WaitingDelivery] = []
        for (state, sql) in zip(DeliveryState.waiting, Self.claimQueries) {
            try db.cachedStatement(sql: sql).forEachRow(channel, now.millis, limit) { waiting.append(WaitingDelivery($0, state: state)) }
        }
        let due = waiting.sorted { ($0.nextAt, $0.id) < ($1.nextAt, $1.id) }.prefix(limit)
        var batch = ClaimBatch()
        guard !due.isEmpty else { return batch }
        let markInFlight = try db.cachedStatement(sql: "UPDATE deliveries SET state = 'in_flight', attempts = ?, updated_at = ? WHERE id = ?")
        for waiting in due {
            let (id, postID, version) = (waiting.id, waiting.postID, waiting.version)
            if let expiry = waiting.expiresAt, expiry <= now.millis {
                try db.executeCached(
                    sql: "UPDATE deliveries SET state = 'cancelled', updated_at = ?, last_error = ? WHERE id = ?",
                    arguments: [now.millis, "expired before it could be published", id])
                batch.expired.append(ExpiredDelivery(postID: postID, channel: channel, expiresAt: Date(millis: expiry)))
                continue
            }
            // A stored version never changes: the channels of a post claim it within moments of
            // each other, and all but the first take it as the first read it.
            let post = try posts.value(for: ExactText("\(postID)\u{0}\(version)")) { _ in
                let json = try db.cachedStatement(sql: "SELECT post_json FROM posts WHERE id = ? AND version = ?")
                    .firstRow(postID, version) { $0.string(0) }
                guard let json else { throw DatabaseError(message: "post \(postID) version \(version) is missing from the posts table") }
                return try Self.storedPost(json)
            }
            let attempt = waiting.attempts + 1
            // The state alone says the attempt may have gone out; its row in `attempts` is
            // written once, with its end (or by `recoverInterrupted` if the daemon stops first).
            try markInFlight.run(attempt, now.millis, id)
            let media = post.media.isEmpty ? [] : try Row.fetchAllCached(
                db,
                sql: "SELECT name, alt, content_type, size, sha256 FROM media WHERE post_id = ? AND version = ? ORDER BY position",
                arguments: [postID, version]
            ).map { StoredMedia(name: $0["name"], alt: $0["alt"], contentType: $0["content_type"], size: $0["size"], sha256: $0["sha256"]) }
            // Edits and deletions go to what an earlier version left; a first version has none.
            let previous = version == 1 ? nil : try Row.fetchOneCached(
                db,
                sql: """
                    SELECT remote_id, remote_url, remote_parts FROM deliveries
                    WHERE post_id = ? AND channel = ? AND version < ? AND remote_id IS NOT NULL
                    ORDER BY version DESC LIMIT 1
                    """,
                arguments: [postID, channel, version]
            ).map { Receipt(remoteID: $0["remote_id"], url: $0["remote_url"], parts: Self.parts($0["remote_parts"])) }
            let action = PostAction(rawValue: waiting.action) ?? .publish
            let copies = action == .retract
                ? Array(try Self.copiesOnline(postID: postID, channel: channel, through: version - 1, db: db).reversed()) : []
            let message = OutboundMessage(
                post: post, version: version, action: action,
                channel: channel, idempotencyKey: waiting.idempotencyKey, attempt: attempt, media: media,
                previousReceipt: copies.first ?? previous,
                progress: waiting.remoteID.map { Receipt(remoteID: $0, url: waiting.remoteURL, parts: Self.parts(waiting.remoteParts)) },
                copies: copies)
            batch.claimed.append(ClaimedDelivery(
                deliveryID: id, startedAt: now, message: message, budgetSince: Date(millis: waiting.budgetSince),
                budgetAttempts: waiting.budgetAttempts, claimedFrom: waiting.state))
        }
        return batch
    }

    public func complete(_ completions: [AttemptCompletion]) async throws {
        guard !completions.isEmpty else { return }
        try await pool.writeTransaction { db in try Self.complete(completions, db: db) }
    }

    static func complete(_ completions: [AttemptCompletion], db: Database) throws {
        guard !completions.isEmpty else { return }
        // Each statement looked up once per step, not once per attempt: the statement cache
        // hashes the whole text of the SQL at every lookup.
        let insertAttempt = try db.cachedStatement(
            sql: """
                INSERT INTO attempts (delivery_id, number, started_at, finished_at, outcome, http_status, duration_ms, error,
                                      remote_id, remote_url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let updateDelivery = try db.cachedStatement(
            sql: """
                UPDATE deliveries SET state = ?, next_at = COALESCE(?, next_at), updated_at = ?, last_http = ?,
                       last_error = ?, remote_id = COALESCE(?, remote_id), remote_url = COALESCE(?, remote_url),
                       remote_parts = COALESCE(?, remote_parts)
                WHERE id = ?
                """)
        let insertAudit = try db.cachedStatement(sql: Self.insertAuditSQL)
        for completion in completions {
            try insertAttempt.run(
                completion.deliveryID, completion.attempt, completion.startedAt.millis, completion.finishedAt.millis,
                completion.result.rawValue, completion.httpStatus, completion.milliseconds, completion.error,
                completion.receipt?.remoteID, completion.receipt?.url)
            let attemptID = db.lastInsertedRowID
            try updateDelivery.run(
                completion.newState.rawValue, completion.nextAt?.millis, completion.finishedAt.millis,
                completion.httpStatus, completion.error, completion.receipt?.remoteID,
                completion.receipt?.url, Self.partsText(completion.receipt?.parts), completion.deliveryID)
            try Self.recordAudit(completion, attemptID: attemptID, with: insertAudit)
            try Self.schedule(completion, db: db)
        }
    }

    public func nextDueDates(channels: [String]) async throws -> [String: Date] {
        guard !channels.isEmpty else { return [:] }
        return try await pool.read { db in try Self.nextDueDates(channels: channels, db: db) }
    }

    static func nextDueDates(channels: [String], db: Database) throws -> [String: Date] {
        // The earliest of each state apart: a MIN over one (channel, state) range of the
        // index is one lookup, where a GROUP BY over `state IN (...)` read every waiting row.
        var dates: [String: Date] = [:]
        for channel in channels {
            for sql in Self.dueQueries {
                guard let due = try db.cachedStatement(sql: sql).firstRow(channel, body: { $0.optionalInt64(0) }) ?? nil
                else { continue }
                dates[channel] = min(dates[channel] ?? Date(millis: due), Date(millis: due))
            }
        }
        return dates
    }

    /// SQLite's page caches (the reader connections are closed, and opened again when next
    /// needed), the values the process remembered for the burst of work (`RememberedValues`),
    /// then the free pages malloc kept: after a 10,000-post drain they held several MiB that an
    /// idle daemon does not need. Done on a utility thread: closing the readers waits for their
    /// reads to end.
    public func releaseMemory() {
        let pool = pool
        DispatchQueue.global(qos: .utility).async {
            pool.releaseMemory()
            FreeMemory.release()
        }
    }

    /// The states of a delivery that waits for its `next_at`.
    static let waitingStates = DeliveryState.waiting.map(\.rawValue)

    /// When the next delivery of a channel in `state` (one of `waitingStates`) that a claim
    /// could take falls due. The state written in, not bound: see `WaitingDelivery.query(state:)`.
    static func dueQuery(_ state: String) -> String {
        """
        SELECT d.next_at FROM deliveries d WHERE d.channel = ? AND d.state = '\(state)' AND \(WaitingDelivery.notBehindEarlierVersion)
        ORDER BY d.next_at LIMIT 1
        """
    }

    /// The claim and due-date statements of each waiting state, written once: every step runs
    /// them all for every channel.
    static let claimQueries = waitingStates.map { WaitingDelivery.query(state: $0) }
    static let dueQueries = waitingStates.map(dueQuery)

    public func requeue(postID: String, channel: String?, now: Date) async throws -> [String] {
        try await pool.writeTransaction { db in
            var sql = "SELECT id, channel FROM deliveries WHERE post_id = ? AND state IN ('failed', 'uncertain')"
            var arguments: StatementArguments = [postID]
            if let channel {
                sql += " AND channel = ?"
                arguments += [channel]
            }
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            for row in rows {
                try db.execute(
                    sql: """
                        UPDATE deliveries SET state = 'retrying', next_at = ?, updated_at = ?, budget_attempts = attempts,
                               budget_since = ?, last_error = 'queued again by an operator (trobador retry)'
                        WHERE id = ?
                        """,
                    arguments: [now.millis, now.millis, now.millis, row["id"] as Int64])
            }
            return rows.map { $0["channel"] as String }
        }
    }

    public func setPause(channel: String, since: Date, until: Date?, reason: String) async throws {
        try await pool.writeTransaction { db in
            if let until {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO channel_pauses (channel, since, until, reason) VALUES (?, ?, ?, ?)",
                    arguments: [channel, since.millis, until.millis, reason])
            } else {
                try db.execute(sql: "DELETE FROM channel_pauses WHERE channel = ?", arguments: [channel])
            }
        }
    }
}
