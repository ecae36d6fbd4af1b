import Foundation
import Testing
import ZichaTestSupport

/// SIGKILLs `zicha nightly` on a large night at moments spread over an uninterrupted run's duration, then checks
/// that the database is sound and either exactly as before or holding the whole import (then a re-run gives
/// exactly the uninterrupted run's findings), and that no report folder looks complete without being complete.
/// The moments are fractions of a measured run, not fixed delays: wherever a kill lands, the assertions hold.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static let environment = ProcessInfo.processInfo.environment
    /// 10,000 students ≈ 27,000 rows: about 3 s per run in a debug build. ZICHA_CRASH_STUDENTS raises it.
    static let students = Int(environment["ZICHA_CRASH_STUDENTS"] ?? "") ?? 10_000
    /// Fractions of the uninterrupted run at which to kill; ZICHA_CRASH_TRIALS=n spreads n of them evenly.
    static let fractions: [Double] = Int(environment["ZICHA_CRASH_TRIALS"] ?? "").map { n in
        (0..<n).map { (Double($0) + 0.5) / Double(n) }
    } ?? [0.01, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9]

    @Test("SIGKILL at any moment: database sound and as before, or complete; no half report")
    func killedNights() throws {
        let tmp = try TempFolder("crash")
        // Night 0 (a small roster) gives the database content; the large night 1 is the one killed.
        let small = tmp.file("night0"), large = tmp.file("night1")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: large, withIntermediateDirectories: true)
        let night0 = try SyntheticNight.write(students: 0..<2_000, eventDay: "2026-11-26", to: small)
        let night1 = try SyntheticNight.write(students: 0..<Self.students, eventDay: "2026-11-27", to: large)
        let base = tmp.file("base.sqlite")
        let first = try ZichaBinary.run(arguments: ["nightly", "--roster", night0.roster, "--log", night0.log, "--db", base,
                                                    "--out", tmp.file("base-reports"), "--as-of", "2026-11-27", "--quiet"])
        try #require(first.status == 0, "night 0: \(first.stderr)")
        let dumpBefore = try SQLiteShell.dump(base)
        let filesBefore = try SQLiteShell.integer(base, "SELECT count(*) FROM import_file;")
        let arguments = { (db: String, out: String) in
            ["nightly", "--roster", night1.roster, "--log", night1.log, "--db", db, "--out", out, "--as-of", "2026-11-28", "--quiet"]
        }

        // The uninterrupted run: its findings are what every interrupted night must end with.
        let reference = try copyDatabase(base, to: tmp.file("reference"))
        let started = Date()
        let full = try ZichaBinary.run(arguments: arguments(reference, tmp.file("reference-reports")))
        let duration = Date().timeIntervalSince(started)
        try #require(full.status == 0, "uninterrupted night: \(full.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: tmp.file("reference-reports/2026-11-28/findings.json")))

        var outcomes: [String] = []
        for (n, fraction) in Self.fractions.enumerated() {
            let db = try copyDatabase(base, to: tmp.file("trial\(n)"))
            let out = tmp.file("trial\(n)-reports")
            let process = try ZichaBinary.start(arguments: arguments(db, out), cwd: tmp.path, captureDirectory: tmp.path)
            Thread.sleep(forTimeInterval: duration * fraction)
            process.kill()
            let killed = try process.wait()
            let label = "kill at \(Int(fraction * 100))% (exit \(killed.status))"

            #expect(try SQLiteShell.integrityCheck(db) == "ok", "\(label): integrity_check")
            try checkNoHalfReport(in: out, expected: expected, label: label)

            if try SQLiteShell.dump(db) == dumpBefore {
                outcomes.append("\(label): database as before")
                continue
            }
            // Not as before: then the whole import must be there (both files, one transaction), and a re-run
            // must end exactly like the uninterrupted night.
            #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM import_file;") == filesBefore + 2, "\(label): a partial import")
            let rerun = try ZichaBinary.run(arguments: arguments(db, out), cwd: tmp.path)
            #expect(rerun.status == 0, "\(label): re-run failed: \(rerun.stderr)")
            // The files came in on this night's stopped run, not on an earlier night: no warning says they did.
            #expect(!rerun.stderr.contains("came in on an earlier night"), "\(label): \(rerun.stderr)")
            let findings = try Data(contentsOf: URL(fileURLWithPath: out + "/2026-11-28/findings.json"))
            #expect(findings == expected, "\(label): the re-run's findings.json differs from the uninterrupted run's")
            outcomes.append("\(label): import committed; re-run matches")
        }
        print("CrashSafetyTests: \(Self.students) students, uninterrupted run \(String(format: "%.1f", duration)) s\n  "
              + outcomes.joined(separator: "\n  "))
    }

    /// Only hidden work folders may be left; a visible night folder must be the complete one.
    private func checkNoHalfReport(in out: String, expected: Data, label: String) throws {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] where !entry.hasPrefix(".") {
            if entry == "latest" {
                let target = try FileManager.default.destinationOfSymbolicLink(atPath: out + "/latest")
                #expect(target == "2026-11-28" && FileManager.default.fileExists(atPath: out + "/2026-11-28"), "\(label): latest → \(target)")
                continue
            }
            #expect(entry == "2026-11-28", "\(label): unexpected \(entry) in the reports folder")
            let findings = try? Data(contentsOf: URL(fileURLWithPath: out + "/" + entry + "/findings.json"))
            #expect(findings == expected, "\(label): Reports/\(entry) looks complete but its findings.json is not the full one")
            #expect(FileManager.default.fileExists(atPath: out + "/" + entry + "/rejects.csv"), "\(label): Reports/\(entry) lacks rejects.csv")
        }
    }

    /// Copies a closed database (and its -wal, if any) to `<prefix>.sqlite`.
    private func copyDatabase(_ source: String, to prefix: String) throws -> String {
        let target = prefix + ".sqlite"
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: source + suffix) {
            try FileManager.default.copyItem(atPath: source + suffix, toPath: target + suffix)
        }
        return target
    }
}
