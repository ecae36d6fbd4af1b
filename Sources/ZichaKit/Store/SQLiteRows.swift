import GRDB
import GRDBSQLite

/// The rows of a query read through SQLite's C API, for the passes that read every student and event of a night.
/// GRDB's `Row` subscripts ask SQLite for each column's type, then make a `String` with `String(cString:)` (a
/// `strlen` before the UTF-8 check) behind several calls per column; the merge join reads 19 columns of a million
/// students and 6 of three million events. Here a column is read with its length, as SQLite keeps it.
/// GRDB keeps owning the statement; this only steps it and reads the current row.
final class SQLiteRows {
    private let statement: Statement
    private let handle: OpaquePointer
    private let db: Database

    /// Prepares `sql` with `arguments`; call `next()` for the first row.
    init(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        handle = statement.sqliteStatement
    }

    deinit { sqlite3_reset(handle) }

    /// Steps to the next row: true when there is one. A failure becomes GRDB's `DatabaseError`.
    func next() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Column `i` as text ("" for NULL).
    @inline(__always) func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))), as: UTF8.self)
    }

    /// Column `i` as text, nil for NULL.
    @inline(__always) func optionalText(_ i: Int32) -> String? {
        sqlite3_column_type(handle, i) == SQLITE_NULL ? nil : text(i)
    }

    @inline(__always) func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
    @inline(__always) func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    @inline(__always) func bool(_ i: Int32) -> Bool { sqlite3_column_int64(handle, i) != 0 }
}
