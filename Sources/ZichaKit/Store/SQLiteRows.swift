import Foundation
import GRDB
import GRDBSQLite

/// The rows of a query read through SQLite's C API, for the passes that read every student and event of a night.
/// GRDB's `Row` subscripts ask SQLite for each column's type, then make a `String` with `String(cString:)` (a
/// `strlen` before the UTF-8 check) behind several calls per column; the merge join reads 16 columns of a million
/// students and 8 of three million events. Here a column is read with its length, as SQLite keeps it.
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

    /// Column `i` as text, `last` itself when the bytes are the same: consecutive rows of an ordered pass repeat their
    /// college, class and counselor, and checking the bytes costs less than making and later freeing a String.
    @inline(__always) func text(_ i: Int32, sameAs last: inout String) -> String {
        let column = bytes(i)
        if !last.withBytes({ Self.equal($0, column) }) { last = String(decoding: column, as: UTF8.self) }
        return last
    }

    /// Column `i`'s bytes, valid until the next step ("" for NULL).
    @inline(__always) func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: sqlite3_column_text(handle, i), count: Int(sqlite3_column_bytes(handle, i)))
    }

    /// Whether column `i` is NULL.
    @inline(__always) func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    /// Column `i` as text, nil for NULL.
    @inline(__always) func optionalText(_ i: Int32) -> String? {
        isNull(i) ? nil : text(i)
    }

    /// Byte equality of two spans.
    @inline(__always) static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    @inline(__always) func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
    @inline(__always) func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    @inline(__always) func bool(_ i: Int32) -> Bool { sqlite3_column_int64(handle, i) != 0 }
}

/// Decodes the texts of a column that holds few distinct values (finding codes, states, remedy lists) once each:
/// a pass reads them a million times, and comparing bytes with the few seen costs less than a String and a parse.
struct ColumnDecoder<Value> {
    private var known: [(text: String, value: Value)] = []
    private let decode: (String) -> Value

    init(_ decode: @escaping (String) -> Value) { self.decode = decode }

    /// The value of column `i` of the current row.
    mutating func value(_ rows: SQLiteRows, _ i: Int32) -> Value {
        let column = rows.bytes(i)
        for k in known where k.text.withBytes({ SQLiteRows.equal($0, column) }) { return k.value }
        let text = String(decoding: column, as: UTF8.self)
        let value = decode(text)
        if known.count < 64 { known.append((text, value)) }  // a bound, should a column hold more than expected
        return value
    }
}
