import Foundation

/// The `sqlite3` command-line shell (Debian package sqlite3): an outside witness of the database file.
public enum SQLiteShell {
    /// The shell's path: `$SQLITE3`, else the first `sqlite3` on a usual bin folder.
    public static var path: String {
        if let forced = ProcessInfo.processInfo.environment["SQLITE3"] { return forced }
        return ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "sqlite3"
    }

    /// Runs `sqlite3 -bail db sql…` and returns its standard output; throws when it fails.
    public static func run(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-bail", database, sql]
        let scratch = try TempFolder("sqlite")
        let outPath = scratch.file("out"), errPath = scratch.file("err")
        process.standardOutput = try FileHandle.emptyFile(atPath: outPath)
        process.standardError = try FileHandle.emptyFile(atPath: errPath)
        try process.run()
        process.waitUntilExit()
        let out = try String(contentsOfFile: outPath, encoding: .utf8)
        guard process.terminationStatus == 0 else {
            throw SQLiteShellError(message: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "sqlite3 failed")
        }
        return out
    }

    /// `sqlite3 db .dump`: the whole database as SQL text, to compare byte for byte.
    public static func dump(_ database: String) throws -> String { try run(database, ".dump") }

    /// `PRAGMA integrity_check`, trimmed (`ok` when sound).
    public static func integrityCheck(_ database: String) throws -> String {
        try run(database, "PRAGMA integrity_check;").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first column of the first row of `sql` as an integer.
    public static func integer(_ database: String, _ sql: String) throws -> Int {
        Int(try run(database, sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// The sqlite3 shell failed; its standard error.
public struct SQLiteShellError: Error, CustomStringConvertible {
    /// What sqlite3 printed.
    public var message: String
    /// The message.
    public var description: String { "sqlite3: " + message }
}
