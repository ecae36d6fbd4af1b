import Foundation
import CSQLiteShim
import GRDB
import GRDBSQLite

/// The one type that owns zicha's SQLite database: migrations, pragmas and every write.
///
/// Only the Store folder imports GRDB. Statement arguments are hidden in errors (GRDB's default),
/// so ID numbers and phones never reach a log through a database error.
public final class AppDatabase: @unchecked Sendable {
    /// The underlying queue; used by the Store's own extensions only.
    let writer: DatabaseQueue
    /// The path as the user gave it, for messages.
    public let path: String
    /// The schema level the database had when this build opened and upgraded it; nil when it was new or up to date.
    public private(set) var upgradedFrom: Int?

    /// Each connection's page cache, in KiB, and so the size of each in-memory run of its sorts.
    static let cacheKiB = 4096

    /// Opens (creating if needed) the database at `path` and migrates it.
    /// Waits up to `busyTimeout` seconds for another zicha holding the database.
    public init(path: String, busyTimeout: TimeInterval = 5) throws {
        _ = Self.configureSQLite
        self.path = path
        var config = GRDB.Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            // A rollback journal, not WAL: a night writes hundreds of megabytes of new pages, which a rollback
            // journal leaves out (pages past the file's old end need no copy) while WAL writes each twice, once
            // into the log and again at the checkpoint. Readers of a night (the report's two passes, the join)
            // only read what is committed, or run while this connection writes nothing but temporary tables.
            // 16 KB pages for a new database (an existing one keeps its own size: changing it means a VACUUM): a
            // night's passes read a million rows through pread, a page at a time, and wide student rows spill onto
            // overflow pages less often. At 1M: 28.9 → 26.5 s a night (medians of 5 and 6 runs), the
            // kernel's share 5–9 → 3–7 s. 8 KB bought nothing measurable, 32 KB about as much as 16, 64 KB less.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA journal_mode = DELETE")  // the journal file goes at each commit: none is left beside the database
            try db.execute(sql: "PRAGMA synchronous = FULL")  // the few commits of a night are synced in full
            // Sorts (index builds, ORDER BY) spill to temporary files rather than memory: memory stays flat.
            try db.execute(sql: "PRAGMA temp_store = FILE")
            // SQLite is built with SECURE_DELETE (Sources/CSQLite, as Debian builds it): deleted rows are overwritten
            // with zeros. Kept for the database (no former ID or phone lingers in its free pages; `SQLiteBuildTests`),
            // but not for the temporary database, a file removed when the connection closes (as are the sorter's
            // spill files, never zeroed): dropping reconcile's staging tables zeroed ≈ 100 MB of pages a night at 1M
            // (0.17 vs 0.03 s per 1M-row table in `sqlite3`; reconcile.store 1.30 → 1.23 s, medians of 3 alternating
            // 1M nights).
            try db.execute(sql: "PRAGMA temp.secure_delete = OFF")
            // 4 MB of pages — which is also the size of each in-memory run of SQLite's sorter (index builds, ORDER
            // BY, GROUP BY), taken from this setting. A run is sorted as a linked list whose merges chase pointers
            // across the whole run: runs that fit the CPU's caches sort far faster, and the extra merging of more
            // runs costs less than that saves. Building the covering event index at 1M took 2.7 s with 32 MB, 2.1 s
            // with 8 MB, 1.7 s with 3–6 MB, 1.9 s with 2 MB (`sqlite3`); whole 1M first nights, alternating builds:
            // 25.3 s (32 MB) → 22.3 s (4 MB), peak memory 166 → 84 MB (medians of 3; 2 MB and 8 MB were slower).
            // The night's reads are sequential scans and ordered joins, which need few cached pages.
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
            // Large sorts (index builds after the import, reconcile's moves in key order) may sort a run on one
            // helper thread: at those moments the second core is otherwise idle. (Two helpers: no faster with 4 MB
            // runs, 21.68 vs 21.54 s at 1M; with a 64 MB cache they took the 1M night's peak from 250 to 320 MB.)
            try db.execute(sql: "PRAGMA threads = 1")
            Self.traceSlowStatements(db)
        }
        let directory = PathText.parent(PathText.resolvingLinks(path))  // the folder of the file a link names
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw ZichaError(.database, "the folder for the database does not exist", at: SourceLocation(file: path),
                             hint: "create the folder (mkdir -p \(directory)), or check --db: a relative path starts from the working folder")
        }
        try Self.checkPathLength(path)
        let umask = setUmask(0o077)  // the database and its journal owner-only (PIPL)
        defer { _ = setUmask(umask) }
        do {
            writer = try DatabaseQueue(path: path, configuration: config)
            try Self.checkIsOurs(writer, path: path)
            let applied = try writer.read { try Self.migrator.appliedIdentifiers($0).count }
            try Self.migrator.migrate(writer)
            if applied > 0, applied < Self.schemaLevel { upgradedFrom = applied }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw ZichaError(.database, "the database is in use by another zicha run", at: SourceLocation(file: path),
                             hint: "wait for the other run to finish, or check for a stuck process")
        } catch let error as DatabaseError {
            throw ZichaError(.database, "cannot open the database: \(error.message ?? "\(error.resultCode)")",
                             at: SourceLocation(file: path))
        }
    }

    /// The longest full path of a database SQLite opens, in bytes (the unix VFS's `MAX_PATHNAME`).
    static let longestPath = 512

    /// Refuses, before anything is created, a database path SQLite cannot open with its journal: a full path of 504
    /// bytes or more (SQLite's own limit, `MAX_PATHNAME`, far below the system's, with `-journal` added), or a file name
    /// whose journal's name passes the system's 255 bytes. SQLite said only "unable to open database file", which sent
    /// the administrator to permissions, and left an empty database file (found by an audit).
    static func checkPathLength(_ path: String) throws {
        guard path != ":memory:" else { return }
        let full = PathText.resolvingLinks(path), name = full.split(separator: "/").last.map { $0.utf8.count } ?? 0
        let journal = "-journal".utf8.count
        if full.utf8.count + journal >= longestPath {
            throw ZichaError(.database, "cannot open the database: its full path is \(full.utf8.count) bytes long, and SQLite opens a "
                + "database (with its journal) only below \(longestPath - journal)", at: SourceLocation(file: path), hint: "give --db a shorter path")
        }
        if name + journal > Int(NAME_MAX) {
            throw ZichaError(.database, "cannot open the database: its file name is \(name) bytes long, and its journal's name, "
                + "with \"-journal\" added, would pass the system's \(NAME_MAX)", at: SourceLocation(file: path), hint: "give --db a shorter name")
        }
    }

    /// Refuses another program's SQLite file (tables, none of them zicha's: zicha would add its own beside them) and a
    /// database a newer zicha has changed (after a rollback of the upgrade: this version would misread it).
    static func checkIsOurs(_ writer: DatabaseQueue, path: String) throws {
        // Applied steps this build does not know: a newer build's (GRDB's `hasBeenSuperseded`, naming them).
        let (tables, unknown) = try writer.read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"),
             try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted())
        }
        if !tables.isEmpty, !tables.contains("grdb_migrations") {
            throw ZichaError(.database, "the file is not a zicha database: it is another program's SQLite database (its tables: "
                + "\(tables.prefix(5).joined(separator: ", "))\(tables.count > 5 ? ", …" : ""))", at: SourceLocation(file: path),
                hint: "give --db the path of zicha's database, or a new file's")
        }
        if !unknown.isEmpty {
            throw ZichaError(.database, "the database was changed by a newer version of zicha than this one (\(zichaVersion()), database "
                             + "schema \(schemaLevel)): it has \(unknown.map { "“\($0)”" }.joined(separator: ", "))",
                             at: SourceLocation(file: path),
                             hint: "run the newer version again, or restore the database from before the upgrade")
        }
    }

    /// An in-memory database, for tests.
    public init(inMemory: Void = ()) throws {
        _ = Self.configureSQLite
        path = ":memory:"
        writer = try DatabaseQueue()
        try Self.migrator.migrate(writer)
    }

    /// SQLite's configuration, set once before the first connection opens. Multi-thread mode: SQLite
    /// defaults to serialized mode, a mutex taken and released around every call — every bind, step and column read
    /// of a million-row night — although GRDB never lets two threads use one connection at a time. Memory
    /// statistics off (unless `ZICHA_PROFILE=memory` asks for them): counting bytes takes a global mutex around
    /// every allocation and free of SQLite's, on the storing and the reading threads alike (a 100k first night:
    /// 37.41 → 36.69 G instructions).
    private static let configureSQLite: Void = { _ = zicha_sqlite_configure(StageClock.countsSQLiteMemory ? 1 : 0) }()

    /// Bytes SQLite holds in this process (page caches, sorters, statements), for the profile lines; 0 unless
    /// `StageClock.countsSQLiteMemory`.
    static var sqliteMemoryUsed: Int64 {
        var current: Int64 = 0, highwater: Int64 = 0
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highwater, 0)
        return current
    }

    /// Gives the page cache of the main connection back (after reconcile, before the report's own readers).
    public func releaseMemory() {
        writer.releaseMemory()
    }

    /// Runs `body` on a read-only connection of its own, so that two long reads (the report's two passes) run
    /// side by side on two cores. An in-memory database has one connection: reads then take turns.
    func readAlongside<T>(_ body: (Database) throws -> T) throws -> T {
        guard path != ":memory:" else { return try writer.read(body) }
        var config = GRDB.Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA temp_store = FILE")
            try db.execute(sql: "PRAGMA cache_size = -\(AppDatabase.cacheKiB)")  // the sorter's runs too (see `init`)
            AppDatabase.traceSlowStatements(db)
        }
        let reader = try DatabaseQueue(path: path, configuration: config)
        defer { try? reader.close() }
        return try reader.read(body)
    }

    /// Under `ZICHA_PROFILE=sql`, prints every statement of the connection that runs for more than 0.1 s: its SQL as
    /// written, never its arguments (no ID or phone reaches the output).
    private static func traceSlowStatements(_ db: Database) {
        guard StageClock.tracesStatements else { return }
        db.trace(options: .profile) { event in
            if case let .profile(statement, duration) = event, duration > 0.1 { StageClock.sqlLine(statement.sql, duration) }
        }
    }

    /// Closes the database and deletes its files (a new database whose first night failed).
    public func removeFiles() {
        try? writer.close()
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The database schema this build writes: how many migrations it knows (`zicha --version` says it).
    public static var schemaLevel: Int { migrator.migrations.count }

    /// Every schema change, registered in one place.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try Schema.createV1(db)
        }
        migrator.registerMigration("v2: class progress") { db in
            try Schema.createV2(db)
        }
        migrator.registerMigration("v3: no index of 15-digit IDs") { db in
            try Schema.dropV3(db)
        }
        migrator.registerMigration("v4: results keyed by the student's row id") { db in
            try Schema.keyByStudentV4(db)
        }
        migrator.registerMigration("v5: students a roster changed") { db in
            try Schema.trackChangesV5(db)
        }
        migrator.registerMigration("v6: a hash of each student's stored values") { db in
            try db.execute(sql: "ALTER TABLE student ADD COLUMN row_hash INTEGER")  // NULL until a roster rewrites the row
        }
        migrator.registerMigration("v7: the latest roster's rows in order") { db in
            try Schema.rosterSequenceV7(db)
        }
        migrator.registerMigration("v8: the 考生号 index apart from the student table") { db in
            try Schema.keyIndexV8(db)
        }
        migrator.registerMigration("v9: the latest event time of each log") { db in
            try Schema.lastEventTimeV9(db)
        }
        migrator.registerMigration("v10: college and class names as one spelling") { db in
            try Schema.unitNamesV10(db)
        }
        migrator.registerMigration("v11: a class's counselor within its college") { db in
            try Schema.classWithinCollegeV11(db)
        }
        migrator.registerMigration("v12: the order nights were reconciled in") { db in
            // 0 for nights reconciled before: their order is unknown, and nothing is redone for them.
            try db.execute(sql: "ALTER TABLE run ADD COLUMN reconciled INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v13: states said again by a later export") { db in
            try Schema.restatedStatesV13(db)
        }
        migrator.registerMigration("v14: time-less states of logs stored before v13") { db in
            try Schema.timelessStatesV14(db)
        }
        migrator.registerMigration("v15: events stored again by a later log before they were left out") { db in
            try Schema.repeatedEventsV15(db)
        }
        migrator.registerMigration("v16: names, phones and IDs in their compatibility form") { db in
            try Schema.compatibilityFormsV16(db)
        }
        return migrator
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func setUmask(_ mask: mode_t) -> mode_t { Glibc.umask(mask) }
#else
import Darwin
@inline(__always) func setUmask(_ mask: mode_t) -> mode_t { Darwin.umask(mask) }
#endif
