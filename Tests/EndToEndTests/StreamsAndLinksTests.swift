import Foundation
import Testing
import ZichaKit
import ZichaTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What cron and shell scripts hand zicha besides files: a closed standard error, an input that is a pipe, a database
/// reached through a symbolic link or by a path too long for SQLite (found by an audit of cron's environment, session 33).
@Suite struct StreamsAndLinksTests {
    /// Runs `sh -c 'exec zicha arguments… REDIRECTIONS'` in the package root, `input` on its standard input (a pipe);
    /// returns the exit status and standard error.
    static func runInShell(_ arguments: [String], redirections: String, input: Data = Data()) throws -> (status: Int32, stderr: String) {
        let command = ([ZichaBinary.url.path] + arguments).map(FaultTests.quoted).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \(command) \(redirections)"]
        process.currentDirectoryURL = PackagePaths.root
        let stdin = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)  // a sample log: less than a pipe's buffer, so this never waits on zicha
        try stdin.fileHandleForWriting.close()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test("a log piped in as /dev/stdin is refused as a pipe, not read as an empty file")
    func aPipedInputIsRefusedAsAPipe() throws {
        let folder = try TempFolder("streams-pipe")
        let log = try Data(contentsOf: PackagePaths.root.appendingPathComponent("SampleData/night1/log.txt"))
        var arguments = SampleNights.arguments(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports"))
        arguments[arguments.firstIndex(of: "SampleData/night1/log.txt")!] = "/dev/stdin"
        let run = try Self.runInShell(arguments, redirections: "", input: log)
        // Read once for its digest, the pipe was empty the second time: "the file is empty" (and a named pipe's second
        // open waited for ever, holding the run lock)
        #expect(run.status == 65)
        #expect(run.stderr.contains("/dev/stdin: error: this is a pipe"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("Reports/2026-11-28")))
    }

    @Test("a named pipe is refused without being opened")
    func aNamedPipeIsRefused() throws {
        let folder = try TempFolder("streams-fifo")
        let fifo = folder.file("log.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let error = #expect(throws: ZichaError.self) { try TableFile.refuseStream(path: fifo) }
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains("a pipe (a named pipe, <(…) or a piped standard input), not a file on disk") == true)
        try TableFile.refuseStream(path: PackagePaths.root.appendingPathComponent("SampleData/night1/log.txt").path)
        try TableFile.refuseStream(path: folder.file("missing.csv"))  // said when it is opened
    }

    @Test("a closed standard error: the night's messages are lost, not written into the run lock")
    func aClosedStandardErrorLeavesTheLockEmpty() throws {
        let folder = try TempFolder("streams-closed")
        let arguments = SampleNights.arguments(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports"))
        let run = try Self.runInShell(arguments, redirections: "2>&-")
        #expect(run.status == 0)
        // The lock took descriptor 2, and the night's warnings (night 1 has some) went into it
        let lock = try FileManager.default.attributesOfItem(atPath: folder.file("db.sqlite.lock"))
        #expect(lock[.size] as? Int == 0)
    }

    @Test("a database reached through a symbolic link shares the run lock of the file it names")
    func aLinkedDatabaseSharesItsLock() throws {
        let folder = try TempFolder("streams-link")
        #expect(try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports"))).status == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.sqlite"), withDestinationPath: "db.sqlite")
        // Given a run holding the real database's lock (this test, standing in for a run by its own path)
        let fd = open(folder.file("db.sqlite.lock"), O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        // Then a run through the link waits, then stops (before: it took link.sqlite.lock and ran beside the other)
        let run = try ZichaBinary.run(arguments: SampleNights.arguments(night: 2, db: folder.file("link.sqlite"), out: folder.file("Reports-2")))
        #expect(run.status == 1)
        #expect(run.stderr.contains("the database is in use by another zicha run"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("link.sqlite.lock")))
    }

    @Test("a database path too long for SQLite and its journal is refused, saying so, before anything is made")
    func aDatabasePathTooLongIsSaidAsSuch() throws {
        let folder = try TempFolder("streams-long")
        // A name of 250 bytes: the system takes it, and its journal's (258) not; a path of 600 bytes: SQLite's 512 not
        let deep = folder.file(String(repeating: "d", count: 200) + "/" + String(repeating: "e", count: 200))
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        for (db, words) in [(folder.file(String(repeating: "c", count: 243) + ".sqlite"), "its file name is 250 bytes long"),
                            (deep + "/" + String(repeating: "f", count: 150) + ".sqlite", "bytes long, and SQLite opens a database (with its journal) only below 504")] {
            let run = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: db, out: folder.file("Reports")))
            // Before: "unable to open database file", and an empty database left behind
            #expect(run.status == 1)
            #expect(run.stderr.contains("cannot open the database: ") && run.stderr.contains(words), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db))
            #expect(!FileManager.default.fileExists(atPath: db + ".lock"))
        }
    }

    @Test("a reports folder linked to nowhere, and a database link in a loop, are said as such")
    func linksToNowhereAreSaidAsSuch() throws {
        let folder = try TempFolder("streams-nowhere")
        try FileManager.default.createSymbolicLink(atPath: folder.file("Reports"), withDestinationPath: folder.file("gone"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("a.sqlite"), withDestinationPath: "b.sqlite")
        try FileManager.default.createSymbolicLink(atPath: folder.file("b.sqlite"), withDestinationPath: "a.sqlite")
        // Before: "A file with the same name already exists", and "unable to open database file"
        let out = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: folder.file("db.sqlite"), out: folder.file("Reports")))
        #expect(out.status == 1)
        #expect(out.stderr.contains("the reports folder is a symbolic link to \(folder.file("gone")), which does not exist"), "\(out.stderr)")
        let loop = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: folder.file("a.sqlite"), out: folder.file("R")))
        #expect(loop.status == 1)
        #expect(loop.stderr.contains("the database is a symbolic link that leads back to itself"), "\(loop.stderr)")
        // A folder of --out in a loop: said before the night is stored (before: stored, then "A file with the same name
        // already exists" when publishing)
        let inLoop = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: folder.file("db.sqlite"), out: folder.file("a.sqlite/Reports")))
        #expect(inLoop.status == 1)
        #expect(inLoop.stderr.contains("\(folder.file("a.sqlite")), a folder of the path to the reports folder, is a symbolic link that leads back to itself"),
                "\(inLoop.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("db.sqlite")))
        // A database link to a file in a folder that does not exist: that folder is named, and no lock is left beside the link
        try FileManager.default.createSymbolicLink(atPath: folder.file("d.sqlite"), withDestinationPath: "nodir/zicha.sqlite")
        let dangling = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: folder.file("d.sqlite"), out: folder.file("R")))
        #expect(dangling.status == 1)
        #expect(dangling.stderr.contains("the folder for the database does not exist") && dangling.stderr.contains("mkdir -p \(folder.file("nodir"))"),
                "\(dangling.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("d.sqlite.lock")))
    }
}
