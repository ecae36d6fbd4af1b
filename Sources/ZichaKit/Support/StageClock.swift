import Foundation

/// Wall time per stage on standard error when `ZICHA_PROFILE` is set (for the benchmark; silent otherwise):
/// `stage NAME SECONDS` lines, and `step STAGE.PART SECONDS` lines for the parts of a stage, each with the
/// resident memory; `ZICHA_PROFILE=memory` adds the part SQLite holds (counting it slows SQLite down), and
/// `ZICHA_PROFILE=sql` the statements that take longest.
enum StageClock {
    nonisolated(unsafe) static var last = ProcessStart.time
    nonisolated(unsafe) static var lastStep = ProcessStart.time
    static let enabled = ProcessInfo.processInfo.environment["ZICHA_PROFILE"] != nil
    static let countsSQLiteMemory = ProcessInfo.processInfo.environment["ZICHA_PROFILE"] == "memory"
    /// `ZICHA_PROFILE=sql`: each statement that runs for more than a tenth of a second, with its time (`sqlLine`).
    static let tracesStatements = ProcessInfo.processInfo.environment["ZICHA_PROFILE"] == "sql"

    /// One `sql SECONDS TEXT` line for a statement that took `seconds` (its text on one line, cut at 160 characters).
    static func sqlLine(_ sql: String, _ seconds: TimeInterval) {
        let flat = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let text = String(format: "sql   %8.3f s  ", seconds) + String(flat.prefix(160))
        StandardError.write(text + "\n")
    }

    static func mark(_ stage: String) {
        guard enabled else { return }
        let now = Date()
        line("stage", stage, now.timeIntervalSince(last))
        last = now
        lastStep = now
    }

    /// Times `body` on its own (a part that runs beside others, on another thread).
    static func timed<T>(_ part: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = Date()
        defer { line("step ", part, Date().timeIntervalSince(start)) }
        return try body()
    }

    /// A part of the current stage, timed from the stage's start or its previous part.
    static func step(_ part: String) {
        guard enabled else { return }
        let now = Date()
        line("step ", part, now.timeIntervalSince(lastStep))
        lastStep = now
    }

    /// One line on standard error, written at once (parts on two threads do not interleave), with the memory
    /// the process holds at that moment (and the part of it SQLite holds, when counted).
    private static func line(_ kind: String, _ name: String, _ seconds: TimeInterval) {
        var text = String(format: "%@ %-24@ %8.3f s  rss %4d MB", kind, name, seconds, residentMegabytes())
        if countsSQLiteMemory { text += String(format: "  sqlite %4d MB", Int(AppDatabase.sqliteMemoryUsed >> 20)) }
        StandardError.write(text + "\n")
    }

    /// Resident memory now, from /proc/self/statm (0 where it cannot be read).
    private static func residentMegabytes() -> Int {
        // Read to the end: /proc files report a size of 0.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/statm")?.readDataToEndOfFile() else { return 0 }
        let text = String(decoding: data, as: UTF8.self)
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (pages * Int(sysconf(Int32(_SC_PAGESIZE)))) >> 20
    }
}

/// When the clock was first read (the night's start: `Pipeline` sets `StageClock.last` first): where the first part is timed from.
enum ProcessStart {
    nonisolated(unsafe) static var time = Date()
}
