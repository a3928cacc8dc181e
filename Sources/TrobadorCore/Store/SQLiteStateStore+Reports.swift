import Foundation
import GRDB

extension SQLiteStateStore {
    /// The deliveries `status` lists as problems: the condition of the partial index
    /// `deliveries_problems` (migration v4), written the same way, so that SQLite uses the index.
    static let problemCondition = "(state = 'failed' OR state = 'uncertain' OR state = 'retrying')"

    public func status(latestProblems: Int) throws -> StatusReport {
        try pool.read { db in
            var lines: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT channel, state, COUNT(*) AS n FROM deliveries GROUP BY channel, state") {
                lines[row["channel"], default: [:]][row["state"]] = row["n"]
            }
            let channels = lines.keys.sorted().map { StatusReport.ChannelLine(channel: $0, counts: lines[$0]!) }
            let problems = try Row.fetchAll(
                db,
                sql: """
                    SELECT post_id, channel, state, attempts, last_http, last_error, updated_at, next_at FROM deliveries
                    WHERE \(Self.problemCondition)
                    ORDER BY updated_at DESC, id DESC LIMIT ?
                    """,
                arguments: [latestProblems]
            ).map { row in
                let state: String = row["state"]
                return StatusReport.Problem(
                    post: row["post_id"], channel: row["channel"], state: state, attempts: row["attempts"],
                    http: row["last_http"], error: row["last_error"], at: Date(millis: row["updated_at"] as Int64),
                    nextAt: state == "retrying" ? Date(millis: row["next_at"] as Int64) : nil)
            }
            let paused = try Row.fetchAll(db, sql: "SELECT channel, since, until, reason FROM channel_pauses ORDER BY channel").map {
                StatusReport.Pause(channel: $0["channel"], since: Date(millis: $0["since"] as Int64), probeAt: Date(millis: $0["until"] as Int64), reason: $0["reason"])
            }
            // The copies a failed retraction left: those still online once it ended, that is
            // without the ones it deleted before it failed. (`problemCondition` is the condition
            // of the index `deliveries_problems`, which SQLite uses only for a query that has it.)
            let removals = try Row.fetchAll(
                db,
                sql: """
                    SELECT post_id, channel, version, last_error, updated_at FROM deliveries
                    WHERE \(Self.problemCondition) AND state = 'failed' AND action = 'retract'
                    ORDER BY updated_at DESC, id DESC LIMIT ?
                    """,
                arguments: [latestProblems]
            ).map { row in
                var urls: [String] = []
                for copy in try Self.copiesOnline(postID: row["post_id"], channel: row["channel"], through: row["version"], db: db) {
                    if let url = copy.url, !urls.contains(url) { urls.append(url) }
                }
                return StatusReport.ManualRemoval(
                    post: row["post_id"], channel: row["channel"], urls: urls, reason: row["last_error"],
                    at: Date(millis: row["updated_at"] as Int64))
            }
            var corrections: [StatusReport.Correction] = []
            if try db.tableExists("audit") {
                corrections = try Row.fetchAll(
                    db,
                    sql: "SELECT post_id, channel, performed, note, at FROM audit WHERE performed IN (?, ?) ORDER BY id DESC LIMIT ?",
                    arguments: [AuditEntry.updateAsNewMessage, AuditEntry.updateSkipped, latestProblems]
                ).map {
                    StatusReport.Correction(
                        post: $0["post_id"], channel: $0["channel"], performed: $0["performed"], note: $0["note"],
                        at: Date(millis: $0["at"] as Int64))
                }
            }
            return StatusReport(
                channels: channels, paused: paused, corrections: corrections, removeByHand: removals, problems: problems)
        }
    }

    public func history(postID: String) throws -> PostHistory? {
        try pool.read { db -> PostHistory? in
            let versionRows = try Row.fetchAll(
                db, sql: "SELECT version, action, accepted_at, file_name, content_hash, post_json FROM posts WHERE id = ? ORDER BY version",
                arguments: [postID])
            guard !versionRows.isEmpty else { return nil }
            let versions = versionRows.map {
                PostHistory.Version(
                    version: $0["version"], action: $0["action"], acceptedAt: Date(millis: $0["accepted_at"] as Int64),
                    file: $0["file_name"], contentHash: $0["content_hash"])
            }
            let title = versionRows.compactMap { row -> String? in
                (try? Self.storedPost(row["post_json"] as String))?.title
            }.last
            var deliveries: [PostHistory.Delivery] = []
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM deliveries WHERE post_id = ? ORDER BY channel, version", arguments: [postID]
            ) {
                var attempts = try Row.fetchAll(
                    db, sql: "SELECT * FROM attempts WHERE delivery_id = ? ORDER BY number, id", arguments: [row["id"] as Int64]
                ).map { attempt in
                    PostHistory.Attempt(
                        number: attempt["number"], startedAt: Date(millis: attempt["started_at"] as Int64),
                        finishedAt: (attempt["finished_at"] as Int64?).map(Date.init(millis:)), outcome: attempt["outcome"],
                        http: attempt["http_status"], milliseconds: attempt["duration_ms"], error: attempt["error"],
                        audit: try Self.auditRecord(attemptID: attempt["id"], db: db))
                }
                let state: String = row["state"]
                // The attempt under way, whose row is written when it ends (a database of an
                // earlier version has the row already, unfinished).
                if state == DeliveryState.inFlight.rawValue, attempts.last?.finishedAt != nil || attempts.isEmpty {
                    attempts.append(PostHistory.Attempt(
                        number: row["attempts"], startedAt: Date(millis: row["updated_at"] as Int64), finishedAt: nil, outcome: nil))
                }
                deliveries.append(PostHistory.Delivery(
                    channel: row["channel"], version: row["version"], action: row["action"], state: state,
                    nextAt: DeliveryState(rawValue: state).map { DeliveryState.waiting.contains($0) } == true
                        ? Date(millis: row["next_at"] as Int64) : nil,
                    remoteID: row["remote_id"], url: row["remote_url"], lastError: row["last_error"], attempts: attempts))
            }
            return PostHistory(post: postID, title: title, versions: versions, deliveries: deliveries)
        }
    }

    static func auditRecord(attemptID: Int64, db: Database) throws -> PostHistory.AuditRecord? {
        // A database no daemon of this version has opened yet has no audit trail.
        guard try db.tableExists("audit") else { return nil }
        return try Row.fetchOne(
            db, sql: "SELECT * FROM audit WHERE attempt_id = ? ORDER BY id LIMIT 1", arguments: [attemptID]
        ).map {
            PostHistory.AuditRecord(
                at: Date(millis: $0["at"] as Int64), performed: $0["performed"], outcome: $0["outcome"], remoteID: $0["remote_id"],
                url: $0["remote_url"], note: $0["note"],
                sent: (try? decoder.decode([SentRequest].self, from: Data(($0["requests"] as String).utf8))) ?? [])
        }
    }
}
