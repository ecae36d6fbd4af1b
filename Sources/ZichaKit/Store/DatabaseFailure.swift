import Foundation
import GRDB

extension AppDatabase {
    /// A plain-language `ZichaError` for a database failure met after opening (a full disk, a file size
    /// limit, a read-only file, another run holding the database); other errors pass through unchanged.
    /// Only the SQLite message is kept: never the statement or its arguments (they hold ID numbers).
    public static func describe(_ error: Error, path: String) -> Error {
        guard let error = error as? DatabaseError else { return error }
        let location = SourceLocation(file: path)
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return ZichaError(.database, "the database is in use by another zicha run", at: location,
                              hint: "wait for the other run to finish, or check for a stuck process")
        case .SQLITE_FULL, .SQLITE_IOERR:
            return ZichaError(.database, "cannot write the database: \(error.message ?? "disk I/O error")", at: location,
                              hint: "the disk may be full or a file size limit (ulimit -f) reached; free space and run the night again")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            let folder = PathText.parent(path).isEmpty ? "." : PathText.parent(path)
            if PathText.isOnReadOnlyFileSystem(FileManager.default.fileExists(atPath: path) ? path : folder) {
                return ZichaError(.database, "cannot write the database: it is on a read-only file system", at: location,
                                  hint: "mount that file system read-write, or give a --db on another one")
            }
            return ZichaError(.database, "cannot write the database: \(error.message ?? "read-only")", at: location,
                              hint: "check that the database and its folder are writable by this user")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return ZichaError(.database, "the database is damaged: \(error.message ?? "corrupt")", at: location,
                              hint: "restore it from a backup, or start a new database with --db")
        default:
            return ZichaError(.database, "database failure: \(error.message ?? "\(error.resultCode)")", at: location)
        }
    }
}
