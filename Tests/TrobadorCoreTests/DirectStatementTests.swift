import Foundation
import GRDB
import GRDBSQLite
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

/// `Statement.run` / `forEachRow` / `firstRow`: values bound and columns read through SQLite's
/// C interface must store and read what GRDB's own binding does, and fail as it fails.
@Suite("SQLite statements bound directly")
struct DirectStatementTests {
    static func withTable(_ body: (Database) throws -> Void) throws {
        let directory = try TemporaryDirectory("direct")
        defer { directory.remove() }
        let queue = try DatabaseQueue(path: directory.file("direct.sqlite"))
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER, note TEXT, data BLOB)")
            try body(db)
        }
    }

    @Test func values_are_stored_as_GRDB_stores_them() throws {
        try Self.withTable { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (name, n, note, data) VALUES (?, ?, ?, ?)")
            let text = "Fête \"en\" ville\n🎉 é\u{1}après"
            try insert.run(text, Int64(-5), String?.none, SQLiteBlob(bytes: [0, 1, 255]))
            try insert.run("vide", 7, "", SQLiteBlob(bytes: []))
            try insert.run("octets", Int?.none, SQLiteText(bytes: Array("déjà 🎉".utf8)), SQLiteBlob(bytes: [9]))
            try db.execute(sql: "INSERT INTO t (name, n, note, data) VALUES (?, ?, ?, ?)", arguments: ["grdb", 7, "", Data([9])])

            let rows = try Row.fetchAll(db, sql: "SELECT name, n, note, data, typeof(note), typeof(data) FROM t ORDER BY id")
            #expect(rows.map { $0[0] as String } == [text, "vide", "octets", "grdb"])
            #expect(rows.map { $0[1] as Int64? } == [-5, 7, nil, 7])
            #expect(rows.map { $0[2] as String? } == [nil, "", "déjà 🎉", ""])
            #expect(rows.map { $0[4] as String } == ["null", "text", "text", "text"])
            #expect(rows.map { $0[3] as Data? } == [Data([0, 1, 255]), Data(), Data([9]), Data([9])])
            #expect(rows[0][5] as String == "blob")

            var read: [String] = []
            try db.cachedStatement(sql: "SELECT name, n, note FROM t WHERE id <= ? ORDER BY id").forEachRow(3) { row in
                read.append("\(row.string(0))|\(row.optionalInt64(1).map(String.init) ?? "nil")|\(row.optionalString(2) ?? "nil")")
            }
            #expect(read == ["\(text)|-5|nil", "vide|7|", "octets|nil|déjà 🎉"])
            let count = try db.cachedStatement(sql: "SELECT count(*) FROM t WHERE n = ?").firstRow(7) { $0.int(0) }
            #expect(count == 2)
            let none = try db.cachedStatement(sql: "SELECT name FROM t WHERE id = ?").firstRow(Int64(99)) { $0.string(0) }
            #expect(none == nil)
        }
    }

    @Test func a_failure_throws_SQLites_error_and_leaves_the_statement_usable() throws {
        try Self.withTable { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (name, n) VALUES (?, ?)")
            try insert.run("a", 1)
            let error = #expect(throws: DatabaseError.self) { try insert.run("a", 2) }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(error?.message?.contains("UNIQUE constraint failed: t.name") == true)
            #expect(error?.sql == "INSERT INTO t (name, n) VALUES (?, ?)")
            // Reset by the failure: the next run binds and steps afresh.
            try insert.run("b", 3)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 2)

            let missing = #expect(throws: DatabaseError.self) { try insert.run("c") }
            #expect(missing?.resultCode == .SQLITE_MISUSE)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 2)
        }
    }

    @Test func a_query_stopped_early_holds_no_read_open() throws {
        try Self.withTable { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (name) VALUES (?)")
            for name in ["a", "b", "c"] { try insert.run(name) }
            let query = try db.cachedStatement(sql: "SELECT name FROM t ORDER BY id")
            #expect(try query.firstRow { $0.string(0) } == "a")
            // Reset after the first row: SQLite no longer counts it as running.
            #expect(sqlite3_stmt_busy(query.sqliteStatement) == 0)
            #expect(try query.firstRow { $0.string(0) } == "a")
        }
    }
}
