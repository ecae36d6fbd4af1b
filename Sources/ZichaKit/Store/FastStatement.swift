import GRDB
import GRDBSQLite

/// A prepared statement bound and stepped through SQLite's C API: the bulk paths (a million students, three
/// million events per night) spend more in GRDB's per-row `StatementArguments` boxing than in SQLite itself.
/// GRDB keeps owning the statement; this only binds values and steps it.
///
/// Text is copied into one buffer per statement and bound in place (`SQLITE_STATIC`): bound as a transient
/// copy, SQLite frees and allocates a buffer for every parameter of every row, 25 of each per roster row, under
/// its memory mutex (with the batches freed by their producer: 1M roster stored in 6.1 s instead of 6.7). The buffer is reused from row to row, so every parameter must be bound
/// again before each `execute` (all callers bind them all).
struct FastStatement {
    let statement: Statement
    private let arena: TextArena
    private var handle: OpaquePointer { statement.sqliteStatement }
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        arena = TextArena(capacity: 1 << 16)
    }

    @inline(__always) func bind(_ i: Int32, _ s: String) {
        s.withBytes { b in
            let count = b.count
            if let slot = arena.take(count) {
                if count > 0 { slot.initialize(from: b.baseAddress!, count: count) }
                _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(slot).assumingMemoryBound(to: CChar.self), Int32(count), nil)
            } else {
                // A value larger than what is left of the buffer (a cell of tens of kilobytes): SQLite copies it.
                _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(count), Self.transient)
            }
        }
    }
    @inline(__always) func bind(_ i: Int32, _ s: String?) { if let s { bind(i, s) } else { sqlite3_bind_null(handle, i) } }
    @inline(__always) func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(handle, i, v) }
    @inline(__always) func bind(_ i: Int32, _ v: Int) { sqlite3_bind_int64(handle, i, Int64(v)) }
    @inline(__always) func bind(_ i: Int32, _ v: Bool) { sqlite3_bind_int64(handle, i, v ? 1 : 0) }
    /// Binds a copy of `bytes` as a blob.
    func bind(_ i: Int32, blob bytes: UnsafeRawBufferPointer) {
        _ = sqlite3_bind_blob(handle, i, bytes.baseAddress, Int32(bytes.count), Self.transient)
    }

    /// Runs the statement once and resets it for the next row; a failure becomes GRDB's `DatabaseError`.
    func execute(_ db: Database) throws {
        try step(db) { _ in }
    }

    /// Runs a query once and returns its first row's first two columns as integers (nil when there is no row).
    func fetchInt64Pair(_ db: Database) throws -> (Int64, Int64)? {
        try step(db) { hasRow in hasRow ? (sqlite3_column_int64(handle, 0), sqlite3_column_int64(handle, 1)) : nil }
    }

    /// Steps once, lets `read` take what it needs of the row (true when there is one), then resets the statement.
    @inline(__always) private func step<T>(_ db: Database, _ read: (Bool) -> T) throws -> T {
        let code = sqlite3_step(handle)
        let value = read(code == SQLITE_ROW)
        sqlite3_reset(handle)
        arena.reset()
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return value
    }
}

/// The bytes of one row's text parameters, bound in place until the statement has run.
private final class TextArena {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Room for `count` bytes (never a null pointer, so "" stays text, not NULL), or nil when the row's text no
    /// longer fits.
    @inline(__always) func take(_ count: Int) -> UnsafeMutablePointer<UInt8>? {
        guard used + count <= capacity else { return nil }
        defer { used += count }
        return base + used
    }

    @inline(__always) func reset() { used = 0 }
}
