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
