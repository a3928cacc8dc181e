import Foundation
import GRDB

/// The state database's tables. Times are integer milliseconds since 1970 (UTC).
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per accepted post file: the first publication, then each update or retraction.
            try db.execute(sql: """
                CREATE TABLE posts (
                    id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    format TEXT NOT NULL,
                    source BLOB NOT NULL,
                    post_json TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    accepted_at INTEGER NOT NULL,
                    PRIMARY KEY (id, version)
                );
                CREATE TABLE media (
                    post_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    alt TEXT,
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    data BLOB NOT NULL,
                    PRIMARY KEY (post_id, version, position)
                );
                -- One row per (post version, channel): a message to send.
                CREATE TABLE deliveries (
                    id INTEGER PRIMARY KEY,
                    post_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    action TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    -- An operator's retry gives a delivery a fresh budget: attempts and age count from here.
                    budget_attempts INTEGER NOT NULL DEFAULT 0,
                    budget_since INTEGER,
                    next_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    remote_id TEXT,
                    remote_url TEXT,
                    -- Every message of a thread, first to last, as a JSON array of ids.
                    remote_parts TEXT,
                    last_http INTEGER,
                    last_error TEXT,
                    UNIQUE (post_id, version, channel)
                );
                CREATE INDEX deliveries_due ON deliveries (channel, state, next_at);
                CREATE INDEX deliveries_state ON deliveries (state, updated_at);
                -- Every attempt, never rewritten once finished.
                CREATE TABLE attempts (
                    id INTEGER PRIMARY KEY,
                    delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
                    number INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    outcome TEXT,
                    http_status INTEGER,
                    duration_ms INTEGER,
                    error TEXT,
                    remote_id TEXT,
                    remote_url TEXT
                );
                CREATE INDEX attempts_delivery ON attempts (delivery_id, number);
                -- Channels paused by their breaker, for `status` in another process.
                CREATE TABLE channel_pauses (
                    channel TEXT PRIMARY KEY,
                    since INTEGER NOT NULL,
                    until INTEGER NOT NULL,
                    reason TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-audit-and-expiry") { db in
            try db.execute(sql: """
                -- The audit trail: one row per attempt that published, edited or deleted something,
                -- or that sent nothing for a reason; written with the attempt's end, never rewritten.
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    delivery_id INTEGER NOT NULL,
                    attempt_id INTEGER NOT NULL,
                    post_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    performed TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    http_status INTEGER,
                    remote_id TEXT,
                    remote_url TEXT,
                    note TEXT,
                    -- The requests as sent, secrets redacted, uploads summarised: a JSON array.
                    requests TEXT NOT NULL
                );
                CREATE INDEX audit_post ON audit (post_id, channel, id);
                CREATE TRIGGER audit_never_rewritten BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: its records are never rewritten'); END;
                CREATE TRIGGER audit_never_deleted BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: its records are never deleted'); END;
                -- Published copies to retract once their post's expires_at passed (retract_on_expiry).
                CREATE TABLE expiry_retractions (
                    post_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    due_at INTEGER NOT NULL,
                    PRIMARY KEY (post_id, channel)
                );
                CREATE INDEX expiry_retractions_due ON expiry_retractions (due_at);
                """)
        }
        migrator.registerMigration("v3-lighter-delivery-indexes") { db in
            // `deliveries_state` had every delivery and was rewritten at each change of state
            // (twice per attempt); the queries it served read only deliveries with a problem
            // (status) or left in flight (recovery at start, which now scans channel by channel
            // in `deliveries_due`). A partial index holds only the former: nothing is written to
            // it while deliveries go out and succeed.
            try db.execute(sql: """
                DROP INDEX deliveries_state;
                CREATE INDEX deliveries_problems ON deliveries (updated_at) WHERE state IN ('failed', 'uncertain', 'retrying');
                """)
        }
        migrator.registerMigration("v4-problems-index-without-in-list") { db in
            // SQLite evaluates a partial index's condition for every row written to the table,
            // and an `IN` list of more than two constants is evaluated by building a temporary
            // B-tree of its values each time: a B-tree opened, created, filled and closed for
            // every delivery inserted, claimed or ended. The same condition written as
            // comparisons costs three of them. Queries that read the index must carry this very
            // condition (`SQLiteStateStore.problemCondition`) for SQLite to use it.
            try db.execute(sql: """
                DROP INDEX deliveries_problems;
                CREATE INDEX deliveries_problems ON deliveries (updated_at)
                    WHERE (state = 'failed' OR state = 'uncertain' OR state = 'retrying');
                """)
        }
        return migrator
    }
}

extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
