import Foundation
import GRDB

/// The audit trail and the retractions scheduled by `retract_on_expiry`, written in the same
/// transaction as the attempt's end.
extension SQLiteStateStore {
    /// The statement `recordAudit` runs: one row of values, which SQLite writes without the
    /// statement journal and the lookup of the delivery that an `INSERT … SELECT` costs.
    static let insertAuditSQL = """
        INSERT INTO audit (at, delivery_id, attempt_id, post_id, version, channel, performed, attempt, outcome,
                           http_status, remote_id, remote_url, note, requests)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Appends the attempt's audit record with `statement` (`insertAuditSQL`, prepared on the
    /// writing connection). The table refuses updates and deletions (triggers), so a record,
    /// once written, is never altered, whatever a later attempt does.
    static func recordAudit(_ completion: AttemptCompletion, attemptID: Int64, with statement: Statement) throws {
        guard let audit = completion.audit else { return }
        try statement.run(
            completion.finishedAt.millis, completion.deliveryID, attemptID, completion.postID, completion.version,
            completion.channel, audit.performed, completion.attempt, completion.result.rawValue,
            completion.httpStatus, completion.receipt?.remoteID, completion.receipt?.url, audit.note, SQLiteText(bytes: audit.requests.json))
    }

    /// Keeps the channel's scheduled retraction in step with what is published there.
    static func schedule(_ completion: AttemptCompletion, db: Database) throws {
        switch completion.expirySchedule {
        case .unchanged:
            return
        case .retract(let at):
            try db.executeCached(
                sql: """
                    INSERT OR REPLACE INTO expiry_retractions (post_id, channel, due_at)
                    SELECT post_id, channel, ? FROM deliveries WHERE id = ?
                    """,
                arguments: [at.millis, completion.deliveryID])
        case .cancel:
            try db.executeCached(
                sql: """
                    DELETE FROM expiry_retractions
                    WHERE (post_id, channel) = (SELECT post_id, channel FROM deliveries WHERE id = ?)
                    """,
                arguments: [completion.deliveryID])
        }
    }

    public func nextExpiryRetraction() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(due_at) FROM expiry_retractions").map(Date.init(millis:))
        }
    }

    public func retractExpired(now: Date) async throws -> [ExpiryRetraction] {
        try await pool.writeTransaction { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT post_id, channel, due_at FROM expiry_retractions WHERE due_at <= ? ORDER BY due_at, post_id, channel",
                arguments: [now.millis])
            try db.execute(sql: "DELETE FROM expiry_retractions WHERE due_at <= ?", arguments: [now.millis])
            var byPost: [(post: String, due: Date, channels: [String])] = []
            for row in rows {
                let post: String = row["post_id"]
                if let index = byPost.firstIndex(where: { $0.post == post }) {
                    byPost[index].channels.append(row["channel"])
                } else {
                    byPost.append((post, Date(millis: row["due_at"] as Int64), [row["channel"]]))
                }
            }
            var retractions: [ExpiryRetraction] = []
            for (postID, due, scheduled) in byPost {
                // A copy already retracted, or being retracted, by an operator is left alone.
                let retracting = Set(try String.fetchAll(
                    db,
                    sql: """
                        SELECT channel FROM deliveries WHERE post_id = ? AND action = 'retract'
                        AND state NOT IN ('cancelled', 'failed')
                        """,
                    arguments: [postID]))
                let channels = scheduled.filter { !retracting.contains($0) }
                guard !channels.isEmpty,
                      let latest = try Row.fetchOne(
                        db, sql: "SELECT version, post_json FROM posts WHERE id = ? ORDER BY version DESC LIMIT 1", arguments: [postID])
                else { continue }
                var post = try Self.storedPost(latest["post_json"] as String)
                post.action = .retract
                let source = Array("retract_on_expiry: \(postID) expired at \(LogEvent.timestamp(due)) (after version \(latest["version"] as Int))".utf8)
                let submission = Submission(
                    post: post, media: [], source: source, format: "expiry", contentHash: ContentHash.sha256Hex(source),
                    fileName: "(expires_at passed; retract_on_expiry)", routes: channels)
                if case .accepted(let version, let deliveries) = try Self.accept(submission, now: now, db: db) {
                    retractions.append(ExpiryRetraction(postID: postID, version: version, channels: deliveries.map(\.channel), expiresAt: due))
                }
            }
            return retractions
        }
    }
}
