import Foundation
import Testing
import ZichaTestSupport

/// Faults injected into real runs of the built binary: a full disk (a small tmpfs) and a file size limit,
/// read-only folders, and a database held by another process. Each must end with a clear message naming
/// the path, exit status 1, an intact database and no report folder that looks complete.
@Suite(.serialized) struct FaultTests {
    static let sh = "/bin/sh"

    /// `s` as one word for sh, in single quotes.
    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Night 1 of SampleData into `folder`: db.sqlite and Reports/.
    static func arguments(_ folder: TempFolder, night: Int = 1) -> [String] {
        SampleNights.arguments(night: night, db: folder.file("db.sqlite"), out: folder.file("Reports"))
    }

    /// Runs zicha under `/bin/sh -c 'ulimit -f BLOCKS; exec zicha …'` (blocks of 512 bytes).
    static func runLimited(blocks: Int, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let command = ([ZichaBinary.url.path] + arguments).map(quoted)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sh)
        process.arguments = ["-c", "ulimit -f \(blocks); exec " + command.joined(separator: " ")]
        process.currentDirectoryURL = PackagePaths.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        _ = stdout
        return (status, String(decoding: stderr, as: UTF8.self))
    }

    /// The error lines of a run (the sample night's own row errors left out).
    static func failure(_ stderr: String) -> String {
        stderr.split(separator: "\n").filter { !$0.hasPrefix("SampleData/") && !$0.hasPrefix("  hint: add it") }.joined(separator: "\n")
    }

    static func integrity(_ db: String) throws -> String {
        try SQLiteShell.integrityCheck(db)
    }

    /// Files of the night folder, relative, sorted.
    static func files(_ folder: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: folder)
        var out: [String] = []
        while let f = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + f, isDirectory: &isDir), !isDir.boolValue { out.append(f) }
        }
        return out.sorted()
    }

    /// Checks one limited run of night 2 over `folder` (night 1 already in it); returns the error text.
    static func checkLimited(blocks: Int, _ arguments: [String], folder: TempFolder, night: String, complete: [String]) throws -> String? {
        let r = try Self.runLimited(blocks: blocks, arguments)
        let published = folder.file("Reports/" + night)
        #expect(r.status == 0 || r.status == 1, "ulimit -f \(blocks): status \(r.status) (killed by a signal?)\n\(r.stderr)")
        var message: String? = nil
        if r.status == 1 {
            let text = Self.failure(r.stderr)
            #expect(text.contains("error:") && text.contains(folder.path), "ulimit -f \(blocks): unclear error: \(text)")
            #expect(!text.contains("SQLite error"), "ulimit -f \(blocks): raw SQLite error: \(text)")
            #expect(!FileManager.default.fileExists(atPath: published), "ulimit -f \(blocks): a night folder was published after a failure")
            message = text
        } else {
            #expect(Self.files(published) == complete, "ulimit -f \(blocks): exit 0 but the night folder is incomplete")
        }
        #expect(try Self.integrity(folder.file("db.sqlite")) == "ok", "ulimit -f \(blocks): database damaged")
        // The same night without the limit then completes, in full.
        let again = try ZichaBinary.run(arguments: arguments)
        #expect(again.status == 0, "after ulimit -f \(blocks): \(again.stderr)")
        #expect(Self.files(published) == complete)
        return message
    }

    /// Small limits on the sample's second night: the database write fails first (the file or its journal
    /// outgrows the limit) with a message naming the database, exit 1, the database intact, nothing published.
    @Test func fileSizeLimitOnTheDatabase() throws {
        let reference = try TempFolder("fault-ref")
        #expect(try SampleNights.run(night: 1, db: reference.file("db.sqlite"), out: reference.file("Reports")).status == 0)
        #expect(try SampleNights.run(night: 2, db: reference.file("db.sqlite"), out: reference.file("Reports")).status == 0)
        let complete = Self.files(reference.file("Reports/" + SampleNights.asOf[1]))
        var databaseFailures = 0
        for blocks in [8, 40, 64, 72] {
            let folder = try TempFolder("fault-fsize")
            #expect(try SampleNights.run(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports")).status == 0)
            let message = try Self.checkLimited(blocks: blocks, Self.arguments(folder, night: 2), folder: folder,
                                                night: SampleNights.asOf[1], complete: complete)
            if message?.contains("db.sqlite") == true { databaseFailures += 1 }
        }
        #expect(databaseFailures >= 1, "no limit hit the database")
    }

    /// Limits below the largest report file of a 3,000-student night whose reports are written again (the
    /// night is stored, its folder was deleted: only the reports are written): the report write fails with
    /// EFBIG — not SIGXFSZ — naming the file; the hidden partial folder is removed and the previous night's
    /// reports stay as they were.
    @Test func fileSizeLimitOnTheReports() throws {
        let data = try TempFolder("fault-data")
        let (roster, log) = try SyntheticNight.write(students: 0..<3000, eventDay: "2026-11-26", to: data.path)
        func arguments(_ folder: TempFolder, _ night: String) -> [String] {
            ["nightly", "--roster", roster, "--log", log, "--db", folder.file("db.sqlite"), "--out", folder.file("Reports"), "--as-of", night]
        }
        let reference = try TempFolder("fault-ref3k")
        #expect(try ZichaBinary.run(arguments: arguments(reference, "2026-11-27")).status == 0)
        #expect(try ZichaBinary.run(arguments: arguments(reference, "2026-11-28")).status == 0)
        let complete = Self.files(reference.file("Reports/2026-11-28"))
        let largest = complete.map { (try? FileManager.default.attributesOfItem(atPath: reference.file("Reports/2026-11-28/" + $0))[.size] as? Int) ?? 0 }.max() ?? 0
        #expect(largest > 100_000)
        var reportFailures = 0
        for fraction in [0.5, 0.65, 0.8, 0.9] {
            let folder = try TempFolder("fault-fsize3k")
            #expect(try ZichaBinary.run(arguments: arguments(folder, "2026-11-27")).status == 0)
            #expect(try ZichaBinary.run(arguments: arguments(folder, "2026-11-28")).status == 0)
            try FileManager.default.removeItem(atPath: folder.file("Reports/2026-11-28"))
            let before = Self.files(folder.file("Reports/2026-11-27"))
            let blocks = Int(Double(largest) * fraction) / 512
            let message = try Self.checkLimited(blocks: blocks, arguments(folder, "2026-11-28"), folder: folder,
                                                night: "2026-11-28", complete: complete)
            if let message, message.contains("/Reports/") {
                reportFailures += 1
                #expect(message.contains("File too large"), "\(message)")
            }
            #expect(Self.files(folder.file("Reports/2026-11-27")) == before, "the previous night changed")
            #expect(!folder.contents(of: "Reports").contains { $0.hasSuffix(".partial") }, "a partial folder was left")
        }
        #expect(reportFailures >= 1, "no limit hit the report files")
    }

    /// `unshare` options that give a child process a mount namespace of its own (as root, or mapped to root in a
    /// new user namespace), where it may mount a small tmpfs that no one else sees; nil where neither is allowed.
    static let privateMount: [String]? = {
        guard let probe = try? TempFolder("fault-unshare") else { return nil }
        for options in geteuid() == 0 ? [["-m"], ["-r", "-m"]] : [["-r", "-m"]] {
            let r = try? ZichaBinary.run(arguments: options + [sh, "-c", "mount -t tmpfs -o size=64k tmpfs " + quoted(probe.path)],
                                         executable: URL(fileURLWithPath: "/usr/bin/unshare"))
            if r?.status == 0 { return options }
        }
        return nil
    }()

    /// A real full disk (ENOSPC, where `ulimit -f` above gives EFBIG): the sample's second night written to a tmpfs
    /// mounted in a private namespace, with room for the first night's database and a little more. As the room
    /// grows, the database's journal (SQLite's SQLITE_FULL), then a report file, then the outbox runs out of
    /// space: exit 1, a message naming the file and saying why, the database intact, nothing published — and the
    /// same night then completes from that database on a disk with room. Skipped where no namespace can be made.
    @Test(.enabled(if: FaultTests.privateMount != nil)) func diskFullOnARealFilesystem() throws {
        let reference = try TempFolder("fault-ref")
        #expect(try SampleNights.run(night: 1, db: reference.file("db.sqlite"), out: reference.file("Reports")).status == 0)
        #expect(try SampleNights.run(night: 2, db: reference.file("db.sqlite"), out: reference.file("Reports")).status == 0)
        let night = SampleNights.asOf[1]
        let complete = Self.files(reference.file("Reports/" + night))
        let first = try TempFolder("fault-enospc-night1")
        #expect(try SampleNights.run(night: 1, db: first.file("db.sqlite"), out: first.file("Reports")).status == 0)
        let databaseKiB = (try FileManager.default.attributesOfItem(atPath: first.file("db.sqlite"))[.size] as? Int ?? 0) / 1024
        var failedIn: Set<String> = []
        for room in Array(stride(from: 32, through: 352, by: 32)) + [4096] {
            let folder = try TempFolder("fault-enospc")
            let disk = folder.file("disk"), after = folder.file("after")
            for f in [disk, after] { try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: false) }
            let zicha = ([ZichaBinary.url.path] + SampleNights.arguments(night: 2, db: disk + "/db.sqlite", out: disk + "/Reports"))
                .map(Self.quoted).joined(separator: " ")
            // The tmpfs goes away with the namespace: the database (and a journal, were one left) is copied out first.
            let script = """
                mount -t tmpfs -o size=\(databaseKiB + room)k tmpfs \(Self.quoted(disk)) || exit 97
                cp \(Self.quoted(first.file("db.sqlite"))) \(Self.quoted(disk))/db.sqlite || exit 98
                \(zicha) > /dev/null; status=$?
                cp \(Self.quoted(disk))/db.sqlite* \(Self.quoted(after))/
                ls -A \(Self.quoted(disk))/Reports > \(Self.quoted(folder.file("listing"))) 2> /dev/null
                exit $status
                """
            let r = try ZichaBinary.run(arguments: Self.privateMount! + [Self.sh, "-c", script], executable: URL(fileURLWithPath: "/usr/bin/unshare"))
            let listing = ((try? String(contentsOfFile: folder.file("listing"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            #expect(r.status == 0 || r.status == 1, "room \(room) KiB: status \(r.status)\n\(r.stderr)")
            if r.status == 1 {
                let text = Self.failure(r.stderr)
                #expect(text.contains(disk + "/") && text.contains(": error: cannot write"), "room \(room) KiB: unclear error: \(text)")
                #expect(text.contains("full") || text.contains("No space left"), "room \(room) KiB: no reason given: \(text)")
                #expect(!text.contains("SQLite error"), "room \(room) KiB: raw SQLite error: \(text)")
                #expect(!listing.contains(night), "room \(room) KiB: a night folder was published after a failure")
                failedIn.insert(text.contains("db.sqlite: error") ? "database" : text.contains("/outbox/") ? "outbox" : "reports")
            } else {
                #expect(listing.contains(night), "room \(room) KiB: exit 0 but nothing published")
            }
            #expect(try Self.integrity(after + "/db.sqlite") == "ok", "room \(room) KiB: database damaged")
            let again = try SampleNights.run(night: 2, db: after + "/db.sqlite", out: folder.file("Reports"))
            #expect(again.status == 0, "after room \(room) KiB: \(again.stderr)")
            #expect(Self.files(folder.file("Reports/" + night)) == complete, "after room \(room) KiB")
        }
        #expect(failedIn.isSuperset(of: ["database", "reports"]), "the full disk was met in \(failedIn.sorted())")
    }

    /// A read-only reports folder: a clear error naming it, exit 1, nothing published. Root ignores
    /// file modes, so as root the folder is /sys/kernel, which sysfs refuses to write even for root.
    @Test func readOnlyOutputFolder() throws {
        let folder = try TempFolder("fault-ro-out")
        var out = folder.file("Reports")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        chmod(out, 0o500)
        defer { chmod(folder.file("Reports"), 0o700) }
        if access(out, W_OK) == 0 { out = "/sys/kernel" }
        let args = SampleNights.arguments(night: 1, db: folder.file("db.sqlite"), out: out)
        let r = try ZichaBinary.run(arguments: args)
        #expect(r.status == 1)
        #expect(Self.failure(r.stderr).contains(out + ": error:"), "\(r.stderr)")
        #expect(folder.contents(of: "Reports").isEmpty)
        #expect(try Self.integrity(folder.file("db.sqlite")) == "ok")
    }

    /// A read-only database folder: a clear error naming the database, exit 1, no reports. As root,
    /// the database goes in /sys, where even root cannot create a file.
    @Test func readOnlyDatabaseFolder() throws {
        let folder = try TempFolder("fault-ro-db")
        try FileManager.default.createDirectory(atPath: folder.file("ro"), withIntermediateDirectories: false)
        chmod(folder.file("ro"), 0o500)
        defer { chmod(folder.file("ro"), 0o700) }
        let db = access(folder.file("ro"), W_OK) == 0 ? "/sys/zicha-fault-test.sqlite" : folder.file("ro/db.sqlite")
        let args = SampleNights.arguments(night: 1, db: db, out: folder.file("Reports"))
        let r = try ZichaBinary.run(arguments: args)
        #expect(r.status == 1)
        #expect(Self.failure(r.stderr).contains(db + ": error:"), "\(r.stderr)")
        #expect(!Self.failure(r.stderr).contains("SQLite error"))
        #expect(!folder.exists("Reports"))
    }

    /// A reports folder the account cannot write: said before anything is imported, naming the folder and the account.
    /// As root (who may write anywhere), the night runs as nobody, with a database folder nobody may write.
    @Test func unwritableReportsFolderIsFoundAtStart() throws {
        let folder = try TempFolder("fault-ro-reports")
        try Self.makeSharedFolders(folder)
        chmod(folder.file("Reports"), geteuid() == 0 ? 0o700 : 0o500)
        defer { chmod(folder.file("Reports"), 0o700) }
        let r = try Self.runCopiedNight1(folder, asNobody: true)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Self.failure(r.stderr).contains(folder.file("Reports") + ": error: the reports folder cannot be written by "), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("db/zicha.sqlite")), "nothing imported")
    }

    @Test(.enabled(if: geteuid() == 0, "needs another account's files")) func nightFolderLeftByAnotherAccountIsFoundAtStart() throws {
        // Given a night run once as root, its database then opened to all, but its reports folder root's (0700)
        let folder = try TempFolder("fault-root-night")
        try Self.makeSharedFolders(folder)
        #expect(try Self.runCopiedNight1(folder, asNobody: false).status == 0)
        chmod(folder.file("db/zicha.sqlite"), 0o666)
        chmod(folder.file("db/zicha.sqlite.lock"), 0o666)
        let stored = try Data(contentsOf: URL(fileURLWithPath: folder.file("db/zicha.sqlite")))
        // When another account runs the night again, then it stops before the import, naming the folder and itself
        // (it used to store the night, then fail to replace the folder with Foundation's words)
        let r = try Self.runCopiedNight1(folder, asNobody: true)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Self.failure(r.stderr).contains(folder.file("Reports/2026-11-28") + ": error: the night's reports folder cannot be written by nobody"),
                "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("db/zicha.sqlite"))) == stored)
    }

    @Test(.enabled(if: geteuid() == 0, "needs another account's files")) func lockFileOfAnotherAccountIsNotPassedSilently() throws {
        // Given a night run once as root, the database then opened to all but its lock file root's (0600)
        let folder = try TempFolder("fault-root-lock")
        try Self.makeSharedFolders(folder)
        #expect(try Self.runCopiedNight1(folder, asNobody: false).status == 0)
        chmod(folder.file("db/zicha.sqlite"), 0o666)
        // When another account runs the next night, then it says the lock cannot be taken (it went on unguarded,
        // where a second run could meet it), naming the file and its owner
        let r = try Self.runCopiedNight1(folder, asNobody: true, asOf: "2026-11-29")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Self.failure(r.stderr).contains(folder.file("db/zicha.sqlite.lock") + ": error: the lock file cannot be opened by nobody: it belongs to root"),
                "\(r.stderr)")
    }

    /// `folder` open to every account (0755), with db/ (0777) and Reports/ (0777) in it.
    static func makeSharedFolders(_ folder: TempFolder) throws {
        chmod(folder.path, 0o755)
        for name in ["db", "Reports"] {
            try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: false)
            chmod(folder.file(name), 0o777)
        }
    }

    /// Night 1's roster and log, copied into `folder` with the binary (the checkout itself may be closed to other
    /// accounts), run into `folder`'s db/zicha.sqlite and Reports/ without mail — as the account nobody (`setpriv`)
    /// when `asNobody` and this process is root, else as this account.
    static func runCopiedNight1(_ folder: TempFolder, asNobody: Bool, asOf: String = "2026-11-28") throws -> ProcessResult {
        for file in ["roster.csv", "log.txt"] where !FileManager.default.fileExists(atPath: folder.file(file)) {
            try FileManager.default.copyItem(atPath: PackagePaths.root.path + "/SampleData/night1/" + file, toPath: folder.file(file))
        }
        if !FileManager.default.fileExists(atPath: folder.file("zicha")) {
            try FileManager.default.copyItem(atPath: ZichaBinary.url.path, toPath: folder.file("zicha"))
        }
        let args = ["nightly", "--roster", folder.file("roster.csv"), "--log", folder.file("log.txt"), "--db", folder.file("db/zicha.sqlite"),
                    "--out", folder.file("Reports"), "--as-of", asOf, "--no-mail"]
        guard asNobody, geteuid() == 0 else { return try ZichaBinary.run(arguments: args) }
        return try ZichaBinary.run(arguments: ["--reuid=65534", "--regid=65534", "--clear-groups", folder.file("zicha")] + args,
                                   cwd: folder.path, executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
    }

    /// Read-only as root too: a read-only bind is not available to tests, so a database file whose
    /// folder is a file (ENOTDIR) stands in for an unwritable path.
    @Test func databasePathThroughAFile() throws {
        let folder = try TempFolder("fault-notdir")
        try folder.write("not a folder", to: "file")
        let args = SampleNights.arguments(night: 1, db: folder.file("file/db.sqlite"), out: folder.file("Reports"))
        let r = try ZichaBinary.run(arguments: args)
        #expect(r.status == 1)
        #expect(Self.failure(r.stderr).contains(folder.file("file/db.sqlite")), "\(r.stderr)")
    }

    /// Another process holds a write transaction: zicha waits (about 5 s), then says the database is
    /// in use by another run, exit 1, and the holder's database stays intact.
    @Test func lockedDatabaseWaitsThenSaysSo() throws {
        let folder = try TempFolder("fault-lock")
        #expect(try ZichaBinary.run(arguments: Self.arguments(folder)).status == 0)
        // sqlite3 holds an exclusive transaction for as long as its input stays open: the test keeps the pipe open
        // until zicha has given up, then closes it. sqlite3 writes a marker file once it has the lock, so the test
        // waits on facts (the marker, zicha's exit), never on a delay.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: SQLiteShell.path)
        holder.arguments = [folder.file("db.sqlite")]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        let marker = folder.file("locked")
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\n.output \(marker)\nSELECT 1;\n.output stdout\n".utf8))
        #expect(Self.waitForMarker(marker), "the holder never took the lock")
        let r = try ZichaBinary.run(arguments: Self.arguments(folder, night: 2))
        try input.fileHandleForWriting.close()  // sqlite3 reads the end of its input, rolls back and exits
        holder.waitUntilExit()
        #expect(r.status == 1)
        let message = Self.failure(r.stderr)
        #expect(message.contains("in use by another zicha run") && message.contains(folder.file("db.sqlite")), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("Reports/" + SampleNights.asOf[1])))
        #expect(try Self.integrity(folder.file("db.sqlite")) == "ok")
    }

    /// Waits (up to 20 s) for a lock holder's marker file to say "1": it holds the lock from then on.
    static func waitForMarker(_ marker: String) -> Bool {
        for _ in 0..<400 {
            if ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").contains("1") { return true }
            usleep(50_000)
        }
        return false
    }

    /// Runs sample night `night` into `folder` (db.sqlite, Reports) while util-linux's flock(1) holds an exclusive
    /// lock on `lockPath` (a file or a folder), as another zicha run would; expects exit 1 and returns the error lines.
    /// flock writes a marker file once it holds the lock and lets go when the test closes its input: facts, no delay.
    static func runWhileLocked(_ lockPath: String, night: Int, in folder: TempFolder) throws -> String {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        let marker = folder.file("flock-held")
        holder.arguments = ["-x", lockPath, sh, "-c", "echo 1 > " + quoted(marker) + "; cat > /dev/null"]
        let input = Pipe()
        holder.standardInput = input
        try holder.run()
        #expect(waitForMarker(marker), "flock never took the lock")
        let r = try SampleNights.run(night: night, db: folder.file("db.sqlite"), out: folder.file("Reports"))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(r.status == 1)
        return failure(r.stderr)
    }

    /// Another zicha run holds the database for the night (its run lock, `<db>.lock`, between transactions too):
    /// this one waits about 5 s, then says the database is in use, exit 1, the database untouched, nothing published.
    @Test func anotherRunOnTheDatabaseWaitsThenSaysSo() throws {
        let folder = try TempFolder("fault-runlock-db")
        #expect(try SampleNights.run(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports")).status == 0)
        let before = try SQLiteShell.run(folder.file("db.sqlite"), "SELECT count(*) FROM import_file")
        let message = try Self.runWhileLocked(folder.file("db.sqlite.lock"), night: 2, in: folder)
        #expect(message.contains(folder.file("db.sqlite") + ": error: the database is in use by another zicha run"), "\(message)")
        #expect(try SQLiteShell.run(folder.file("db.sqlite"), "SELECT count(*) FROM import_file") == before, "the night was imported")
        #expect(!FileManager.default.fileExists(atPath: folder.file("Reports/" + SampleNights.asOf[1])))
        #expect(try SampleNights.run(night: 2, db: folder.file("db.sqlite"), out: folder.file("Reports")).status == 0)
    }

    /// Another zicha run, on another database, writes into the same reports folder: this one imports its night,
    /// waits about 5 s for the folder, then says so, exit 1, nothing published; the next run completes.
    @Test func anotherRunInTheReportsFolderWaitsThenSaysSo() throws {
        let folder = try TempFolder("fault-runlock-out")
        try FileManager.default.createDirectory(atPath: folder.file("Reports"), withIntermediateDirectories: false)
        let message = try Self.runWhileLocked(folder.file("Reports"), night: 1, in: folder)
        #expect(message.contains(folder.file("Reports") + ": error: the reports folder is in use by another zicha run"), "\(message)")
        #expect(folder.contents(of: "Reports").isEmpty, "something was written into the reports folder")
        #expect(try Self.integrity(folder.file("db.sqlite")) == "ok")
        #expect(try SampleNights.run(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports")).status == 0)
        #expect(folder.exists("Reports/" + SampleNights.asOf[0] + "/summary.html"))
    }
}
