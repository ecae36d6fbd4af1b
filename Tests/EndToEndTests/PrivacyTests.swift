import Foundation
import Testing
import ZichaKit
import ZichaTestSupport

/// PIPL: what zicha creates is owner-only, and full ID numbers and phones never reach the console,
/// counselor-facing files or mail, nor a database error message.
@Suite(.serialized) struct PrivacyTests {
    /// Every student ID (18 characters) and mobile (11 digits) of both sample nights, read with
    /// zicha's own table reader from the roster and log files.
    static func personalNumbers() throws -> Set<String> {
        let files = ["SampleData/night1/roster.csv", "SampleData/night1/log.txt", "SampleData/night2/roster.csv",
                     "SampleData/night2/log.csv", "SampleData/night2/status.txt"]
        var found: Set<String> = []
        for f in files {
            let reader = try TableFile.open(path: PackagePaths.file(f).path, options: TableOptions()) { _ in true }
            try reader.read { record in
                for cell in record.cells {
                    let id = IDNumber(cell, today: 20261129)
                    if id.normalized.utf8.count == 18, id.problem != .badCharacter { found.insert(id.normalized) }
                    let phone = PhoneNumber(cell)
                    if phone.isMobile { found.insert(phone.normalized) }
                }
            }
        }
        return found
    }

    /// A text with every base64 block of a message decoded and appended (the mail parts are base64).
    static func decodedMail(_ raw: String) -> String {
        var out = raw
        var block = ""
        for line in raw.components(separatedBy: "\r\n") + [""] {
            if !line.isEmpty, line.count <= 76, line.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber || "+/=".contains($0) }) {
                block += line
            } else {
                if let data = Data(base64Encoded: block) { out += "\n" + String(decoding: data, as: UTF8.self) }
                block = ""
            }
        }
        return out
    }

    static func mode(_ path: String) -> Int {
        var st = stat()
        return lstat(path, &st) == 0 ? Int(st.st_mode) & 0o777 : -1
    }

    /// Both sample nights; returns the folder and everything printed.
    static func runNights() throws -> (TempFolder, String) {
        let folder = try TempFolder("privacy")
        var printed = ""
        for night in 1...2 {
            let r = try SampleNights.run(night: night, db: folder.file("db.sqlite"), out: folder.file("Reports"))
            #expect(r.status == 0, "\(r.stderr)")
            printed += r.stdout + r.stderr
        }
        return (folder, printed)
    }

    @Test func createdFilesAreOwnerOnly() throws {
        let (folder, _) = try Self.runNights()
        #expect(FileManager.default.fileExists(atPath: folder.file("db.sqlite.lock")), "the run lock's file")
        for suffix in ["", "-journal", "-wal", "-shm", ".lock"] where FileManager.default.fileExists(atPath: folder.file("db.sqlite" + suffix)) {
            #expect(Self.mode(folder.file("db.sqlite" + suffix)) == 0o600, "db.sqlite\(suffix)")
        }
        #expect(Self.mode(folder.file("Reports")) == 0o700, "the Reports folder zicha created")
        var checked = 0
        for night in SampleNights.asOf {
            let root = folder.file("Reports/" + night)
            #expect(Self.mode(root) == 0o700, "\(night)")
            #expect(FileManager.default.fileExists(atPath: root + "/rejects.csv"))
            let e = FileManager.default.enumerator(atPath: root)
            while let name = e?.nextObject() as? String {
                let path = root + "/" + name
                var isDir: ObjCBool = false
                #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDir), "\(path)")
                #expect(Self.mode(path) == (isDir.boolValue ? 0o700 : 0o600), "\(night)/\(name): \(String(Self.mode(path), radix: 8))")
                checked += 1
            }
        }
        #expect(checked > 10)
    }

    @Test func noFullNumbersOnTheConsoleNorInCounselorFiles() throws {
        let numbers = try Self.personalNumbers()
        #expect(numbers.count > 40, "the sample holds IDs and phones to look for")
        let (folder, printed) = try Self.runNights()
        for n in numbers { #expect(!printed.contains(n), "a full number reached the console: \(Masking.text(n))") }
        var files = 0
        for night in SampleNights.asOf {
            for sub in ["counselors", "outbox"] {
                let dir = folder.file("Reports/\(night)/\(sub)")
                for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                    guard name.hasSuffix(".csv") || name.hasSuffix(".html") || name.hasSuffix(".eml") else { continue }
                    let raw = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
                    let text = name.hasSuffix(".eml") ? Self.decodedMail(raw) : raw
                    for n in numbers { #expect(!text.contains(n), "\(sub)/\(name) holds a full number \(Masking.text(n))") }
                    files += 1
                }
            }
        }
        #expect(files >= 8, "counselor lists and mails were checked")
    }

    /// A database error provoked mid-import (a trigger refuses student rows) prints the database path
    /// and SQLite's message, never the statement's arguments — the ID numbers being inserted.
    @Test func databaseErrorsHideStatementArguments() throws {
        let numbers = try Self.personalNumbers()
        let folder = try TempFolder("privacy-dberror")
        #expect(try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt",
                                                "--db", folder.file("db.sqlite"), "--out", folder.file("R1"), "--as-of", "2026-11-27"]).status == 0)
        _ = try SQLiteShell.run(folder.file("db.sqlite"),
                                "CREATE TRIGGER refuse BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;")
        let r = try SampleNights.run(night: 2, db: folder.file("db.sqlite"), out: folder.file("Reports"))
        #expect(r.status == 1)
        #expect(r.stderr.contains("refused by test trigger") && r.stderr.contains(folder.file("db.sqlite")), "\(r.stderr)")
        #expect(!r.stderr.contains("arguments"), "\(r.stderr)")
        for n in numbers { #expect(!(r.stdout + r.stderr).contains(n), "a full number in a database error: \(Masking.text(n))") }
        #expect(try SQLiteShell.integrityCheck(folder.file("db.sqlite")) == "ok")
    }
}
