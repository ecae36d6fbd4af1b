import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps two zicha runs off one database, and off one reports folder, for the whole night: an exclusive `flock`
/// held until the run ends. SQLite's locks guard one transaction at a time, so without this a second run (cron
/// and a run by hand) slipped in between the first's import and reconcile, took the night as already stored and
/// wrote the same night's reports into the same temporary folder, which the first then published half-written.
/// The kernel drops the lock when the process ends, killed or not: no stale lock is ever left behind.
final class RunLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }  // closing the descriptor releases the lock

    /// Takes the lock on `path` — a file created empty (0600) when missing, or a folder — waiting up to `wait`
    /// seconds for another run to let go. Nil when `path` cannot be made or its file system has no `flock`: then
    /// opening the database or writing the reports fails on its own, with its own message, or runs unguarded.
    /// Throws `error` when another run still holds the lock after `wait`, and says so when the lock file is there but
    /// another account's, closed to this one (left by a run as root: without the lock, two runs could meet).
    static func take(_ path: String, folder: Bool = false, wait: TimeInterval, error: @autoclosure () -> ZichaError) throws -> RunLock? {
        var fd = folder ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0, !folder, errno == EACCES {
            fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)  // flock needs no write access: another account's readable file will do
            if fd < 0, errno == EACCES {
                var info = stat()
                let owner = stat(path, &info) == 0 ? Account.name(info.st_uid) : "another account"
                throw ZichaError(.database, "the lock file cannot be opened by \(Account.current): it belongs to \(owner)",
                                 at: SourceLocation(file: path),
                                 hint: "run zicha as the account that runs the nights, or remove the file (it holds nothing) when no zicha run is going")
            }
        }
        guard fd >= 0 else { return nil }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK || errno == EINTR
            if !busy || Date() >= deadline {
                close(fd)
                if busy { throw error() }
                return nil
            }
            usleep(100_000)
        }
        return RunLock(fd: fd)
    }
}
