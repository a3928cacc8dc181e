import GRDB

/// Statements through the connection's statement cache. The hot paths (accepting posts,
/// claiming and completing attempts) run the same few statements for every post and attempt,
/// and preparing one (parsing, planning, GRDB's authorizer) costs more than running it.
extension Database {
    func executeCached(sql: String, arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchAllCached(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOneCached(_ db: Database, sql: String, arguments: StatementArguments) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabasePool {
    /// `write`: `updates` in one IMMEDIATE transaction, committed, or rolled back if it throws.
    /// GRDB's own prepares its `BEGIN` and `COMMIT` anew for every transaction (parsing, its
    /// authorizer: 0.7 % of the daemon's CPU in a drain, which commits a transaction every few
    /// milliseconds); here both come from the connection's statement cache.
    func writeTransaction<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            do {
                let result = try updates(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                // A failed statement may have ended the transaction already (SQLITE_FULL does).
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                throw error
            }
        }
    }
}
