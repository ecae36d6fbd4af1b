import Foundation
import Testing
import ZichaTestSupport

/// `zicha prune` on SampleData's nights: the latest nights keep their results, a later night comes out byte for byte
/// as it would without pruning, and a pruned night run again is reconciled again.
@Suite("Prune")
struct PruneTests {
    static let night2 = ["--roster", "SampleData/night2/roster.csv", "--log", "SampleData/night2/log.csv",
                         "--log", "SampleData/night2/status.txt", "--counselors", "SampleData/night2/counselors.csv",
                         "--config", "SampleData/zicha.json", "--no-mail"]

    private func night(_ folder: String, asOf: String, extra: [String] = []) throws -> ProcessResult {
        let run = try ZichaBinary.run(arguments: ["nightly"] + Self.night2 + extra
                                      + ["--db", folder + "/zicha.sqlite", "--out", folder + "/Reports", "--as-of", asOf],
                                      cwd: PackagePaths.root.path)
        try #require(run.status == 0, "\(asOf): \(run.stderr)")
        return run
    }

    private func prune(_ arguments: [String]) throws -> ProcessResult {
        try ZichaBinary.run(arguments: ["prune"] + arguments, cwd: PackagePaths.root.path)
    }

    /// Stored results and findings per night: `as_of results findings`, one line each.
    private func storedCounts(_ folder: String) throws -> String {
        try SQLiteShell.run(folder + "/zicha.sqlite", """
            SELECT r.as_of, (SELECT count(*) FROM student_result WHERE run_id = r.id), (SELECT count(*) FROM finding WHERE run_id = r.id)
            FROM run r ORDER BY r.as_of
            """)
    }

    @Test("the latest nights keep their results; the next night is as without pruning; a pruned night runs again")
    func pruneKeepsTheLatestNights() throws {
        let tmp = try TempFolder("prune")
        let pruned = tmp.file("pruned"), kept = tmp.file("kept")
        try FileManager.default.createDirectory(atPath: pruned, withIntermediateDirectories: true)
        for n in 1...2 {
            let run = try SampleNights.run(night: n, db: pruned + "/zicha.sqlite", out: pruned + "/Reports")
            try #require(run.status == 0, "\(run.stderr)")
        }
        _ = try night(pruned, asOf: "2026-11-30")
        _ = try night(pruned, asOf: "2026-12-01")
        try FileManager.default.copyItem(atPath: pruned, toPath: kept)
        let before = try storedCounts(pruned)

        let run = try prune(["--db", pruned + "/zicha.sqlite", "--keep-nights", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("zicha prune: 2 nights pruned (2026-11-28 to 2026-11-29): 84 student results and "), "\(run.stdout)")
        let after = try storedCounts(pruned).split(separator: "\n")
        #expect(after.prefix(2) == ["2026-11-28|0|0", "2026-11-29|0|0"], "\(after)")
        #expect(after.suffix(2) == before.split(separator: "\n").suffix(2), "the two latest nights are untouched")

        // The next night, with a late log: the same reports with and without pruning (the trend keeps every night).
        let late = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-12-02 09:00:00,420103200611220221,李静,自查完成,\n", to: "late.csv")
        for folder in [pruned, kept] { _ = try night(folder, asOf: "2026-12-02", extra: ["--log", late]) }
        #expect(try diffFolders(pruned + "/Reports/2026-12-02", kept + "/Reports/2026-12-02", skipping: "outbox") == "")
        let summary = try String(contentsOfFile: pruned + "/Reports/2026-12-02/summary.html", encoding: .utf8)
        #expect(summary.contains("2026-11-28"), "the trend still shows the pruned nights")

        // A night after a pruned one, earlier than the latest, is not run again: its history is gone, and its
        // results (or the kept night's) would lose days outstanding and new/persisting; its reports stay as they were.
        let reportsBefore = try String(contentsOfFile: pruned + "/Reports/2026-11-30/findings.json", encoding: .utf8)
        for (asOf, previous) in [("2026-11-29", "2026-11-28"), ("2026-11-30", "2026-11-29")] {
            let refused = try ZichaBinary.run(arguments: ["nightly"] + Self.night2
                                              + ["--db", pruned + "/zicha.sqlite", "--out", pruned + "/Reports", "--as-of", asOf],
                                              cwd: PackagePaths.root.path)
            #expect(refused.status == 1, "\(asOf): \(refused.stderr)")
            #expect(refused.stderr.contains("the night \(asOf) cannot be run again: the night before it, \(previous), was pruned"),
                    "\(refused.stderr)")
            #expect(!refused.stderr.contains("mailed already"), "the refusal comes first, alone\n\(refused.stderr)")
        }
        #expect(try String(contentsOfFile: pruned + "/Reports/2026-11-30/findings.json", encoding: .utf8) == reportsBefore)
        // A night whose night before is kept runs again as it would without pruning (here with a later log too).
        for folder in [pruned, kept] { _ = try night(folder, asOf: "2026-12-01", extra: ["--log", late]) }
        #expect(try diffFolders(pruned + "/Reports/2026-12-01", kept + "/Reports/2026-12-01", skipping: "outbox") == "")
        // The first night pruned has no history to lose: it runs again, reconciled again as the first night it was.
        let rerun = try night(pruned, asOf: "2026-11-28")
        #expect(!rerun.stderr.contains("nothing changed"), "\(rerun.stderr)")
        let findings = try FindingsFile(path: pruned + "/Reports/2026-11-28/findings.json")
        #expect(findings.json["previous_as_of"] == nil)
        #expect(findings.studentCount == 42)
        let again = try prune(["--db", pruned + "/zicha.sqlite", "--keep-nights", "3", "--vacuum"])
        #expect(again.stdout.hasPrefix("zicha prune: 1 night pruned (2026-11-28): 42 student results and "), "\(again.stdout)")
        #expect(again.stdout.contains("; database "), "\(again.stdout)")
        #expect(try SQLiteShell.run(pruned + "/zicha.sqlite", "PRAGMA integrity_check") == "ok\n")
    }

    @Test("fewer than 2 nights, a missing database: exit 1 with the reason")
    func refusals() throws {
        let tmp = try TempFolder("prune-refusals")
        let one = try prune(["--db", tmp.file("zicha.sqlite"), "--keep-nights", "1"])
        #expect(one.status == 1 && one.stderr.contains("--keep-nights must be 2 or more"), "\(one.stderr)")
        let missing = try prune(["--db", tmp.file("none.sqlite"), "--keep-nights", "7"])
        #expect(missing.status == 1 && missing.stderr.contains("none.sqlite: error: there is no database here"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("none.sqlite")), "prune creates no database")
    }
}
