import GRDB

/// A delivery waiting for its `next_at`, as a claim reads it: columns read by position in
/// the order of `query(state:)` (GRDB looks a column up by name case-insensitively, lowercasing the
/// name each time, for every column of every row claimed).
struct WaitingDelivery {
    /// The deliveries of one channel in `state` (one of `SQLiteStateStore.waitingStates`) due by
    /// a moment, oldest first. The state is written in the statement, not bound: SQLite would
    /// otherwise check whether each value bound lets it use the partial index
    /// `deliveries_problems` ('retrying' would), and prepare the statement again whenever the
    /// state changes from one execution to the next.
    static func query(state: String) -> String {
        """
        SELECT d.id, d.post_id, d.version, d.action, d.attempts, d.expires_at, d.idempotency_key,
               d.budget_attempts, COALESCE(d.budget_since, p.accepted_at), d.remote_id, d.remote_url, d.remote_parts, d.next_at
        FROM deliveries d JOIN posts p ON p.id = d.post_id AND p.version = d.version
        WHERE d.channel = ? AND d.state = '\(state)' AND d.next_at <= ? AND \(notBehindEarlierVersion)
        ORDER BY d.next_at, d.id
        LIMIT ?
        """
    }

    /// A version of a post waits on a channel while an earlier version there is in flight or
    /// still to be sent: an update or a retraction needs the id that the publication's end
    /// records (claimed before it, a retraction would find nothing to delete, and the
    /// publication would then go out). Comparisons rather than an `IN` list: see
    /// `SQLiteSchema`'s v4 migration.
    static let notBehindEarlierVersion = """
        NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.post_id = d.post_id AND e.version < d.version AND e.channel = d.channel
                    AND (e.state = 'in_flight' OR e.state = 'pending' OR e.state = 'scheduled' OR e.state = 'retrying'))
        """

    var id: Int64
    var postID: String
    var version: Int
    var action: String
    var attempts: Int
    var expiresAt: Int64?
    var idempotencyKey: String
    var budgetAttempts: Int
    /// Since when the attempt budget counts: an operator's last retry, or the post's acceptance.
    var budgetSince: Int64
    var remoteID: String?
    var remoteURL: String?
    var remoteParts: String?
    var nextAt: Int64
    /// The state the row was read in: what the delivery goes back to if its claim is released.
    var state: DeliveryState

    /// A row of `query(state:)`, read through SQLite's C interface (see `Statement.forEachRow`).
    init(_ row: SQLiteRow, state: DeliveryState) {
        self.state = state
        id = row.int64(0)
        postID = row.string(1)
        version = row.int(2)
        action = row.string(3)
        attempts = row.int(4)
        expiresAt = row.optionalInt64(5)
        idempotencyKey = row.string(6)
        budgetAttempts = row.int(7)
        budgetSince = row.int64(8)
        remoteID = row.optionalString(9)
        remoteURL = row.optionalString(10)
        remoteParts = row.optionalString(11)
        nextAt = row.int64(12)
    }
}
