import GRDB
import GRDBSQLite

/// The statements every delivery and every post runs (a claim, an attempt's end, an
/// acceptance) bound and stepped through SQLite's C interface, on statements GRDB prepared and
/// caches. `execute(arguments:)` first boxes each value in a `StatementArguments` (an array of
/// existentials, copied) and binds through nested closures: on these statements that glue
/// cost about a tenth of a delivery's instructions, as much as SQLite's own work for some.
/// Only data statements (INSERT, UPDATE, SELECT) inside a transaction GRDB opened go this way:
/// GRDB begins, commits and rolls back, and nothing here changes the schema or needs its
/// transaction observers (trobador registers none).
extension Statement {
    /// Runs an INSERT, UPDATE or DELETE with `values` bound to its parameters in order.
    func run<each Value: SQLiteBindable>(_ values: repeat each Value) throws {
        try bind(repeat each values)
        defer { sqlite3_reset(sqliteStatement) }
        while true {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_DONE: return
            case SQLITE_ROW: continue
            case let code: throw failure(code)
            }
        }
    }

    /// Runs a query with `values` bound, handing each row to `body` in turn.
    func forEachRow<each Value: SQLiteBindable>(_ values: repeat each Value, body: (SQLiteRow) throws -> Void) throws {
        try bind(repeat each values)
        defer { sqlite3_reset(sqliteStatement) }
        let row = SQLiteRow(handle: sqliteStatement)
        while true {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_DONE: return
            case SQLITE_ROW: try body(row)
            case let code: throw failure(code)
            }
        }
    }

    /// The first row of a query, read by `body`; nil when it returns none.
    func firstRow<each Value: SQLiteBindable, T>(_ values: repeat each Value, body: (SQLiteRow) throws -> T) throws -> T? {
        try bind(repeat each values)
        defer { sqlite3_reset(sqliteStatement) }
        switch sqlite3_step(sqliteStatement) {
        case SQLITE_DONE: return nil
        case SQLITE_ROW: return try body(SQLiteRow(handle: sqliteStatement))
        case let code: throw failure(code)
        }
    }

    private func bind<each Value: SQLiteBindable>(_ values: repeat each Value) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        var index: Int32 = 0
        for value in repeat each values {
            index += 1
            let code = value.bind(to: handle, at: index)
            guard code == SQLITE_OK else { throw failure(code) }
        }
        guard index == sqlite3_bind_parameter_count(handle) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "\(index) values for \(sqlite3_bind_parameter_count(handle)) parameters", sql: sql)
        }
    }

    /// The error SQLite reported, as GRDB reports its own; the statement is reset for its next use.
    private func failure(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(sqliteStatement).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        sqlite3_reset(sqliteStatement)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

/// The current row of a statement being stepped, its columns read by position.
struct SQLiteRow {
    let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    /// A text column as a `String` (NULL reads as empty; ill-formed UTF-8 is repaired, as GRDB does).
    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
}

/// A value bound to a statement's parameter through SQLite's C interface.
protocol SQLiteBindable {
    /// `sqlite3_bind_*` for this value at `index` (from 1); SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

/// SQLite copies text and blobs bound with this destructor before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Int64: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, Int64(self)) }
}

extension String: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        var text = self
        return text.withUTF8 { SQLiteText.bind($0, to: statement, at: index) }
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .some(let value): value.bind(to: statement, at: index)
        case .none: sqlite3_bind_null(statement, index)
        }
    }
}

/// UTF-8 text held as bytes, bound as TEXT without making a `String` of it first.
struct SQLiteText: SQLiteBindable {
    let bytes: [UInt8]

    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        bytes.withUnsafeBufferPointer { Self.bind($0, to: statement, at: index) }
    }

    static func bind(_ bytes: UnsafeBufferPointer<UInt8>, to statement: OpaquePointer, at index: Int32) -> Int32 {
        // An empty buffer may have no address, and a text bound from no address is NULL.
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(statement, index, "", 0, transient) }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(statement, index, $0, Int32(bytes.count), transient)
        }
    }
}

/// Bytes bound as a BLOB.
struct SQLiteBlob: SQLiteBindable {
    let bytes: [UInt8]

    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return sqlite3_bind_blob(statement, index, base, Int32(raw.count), transient)
        }
    }
}
