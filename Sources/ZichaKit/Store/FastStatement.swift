import GRDB
import GRDBSQLite

/// A prepared statement bound and stepped through SQLite's C API: the bulk paths (a million students, three
/// million events per night) spend more in GRDB's per-row `StatementArguments` boxing than in SQLite itself.
/// GRDB keeps owning the statement; this only binds values and steps it.
struct FastStatement {
    let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws { statement = try db.makeStatement(sql: sql) }

    @inline(__always) func bind(_ i: Int32, _ s: String) {
        var s = s
        s.withUTF8 { b in
            if let base = b.baseAddress {
                _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(b.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(handle, i, "", 0, Self.transient)  // "" stays text, not NULL
            }
        }
    }
    @inline(__always) func bind(_ i: Int32, _ s: String?) { if let s { bind(i, s) } else { sqlite3_bind_null(handle, i) } }
    @inline(__always) func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(handle, i, v) }
    @inline(__always) func bind(_ i: Int32, _ v: Int) { sqlite3_bind_int64(handle, i, Int64(v)) }
    @inline(__always) func bind(_ i: Int32, _ v: Bool) { sqlite3_bind_int64(handle, i, v ? 1 : 0) }
    @inline(__always) func bindNull(_ i: Int32) { sqlite3_bind_null(handle, i) }

    /// Runs the statement once and resets it for the next row; a failure becomes GRDB's `DatabaseError`.
    func execute(_ db: Database) throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
