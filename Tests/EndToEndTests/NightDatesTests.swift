import Foundation
import Testing
import ZichaKit
import ZichaTestSupport

/// A night's date and the times of its log, through the real binary: what an audit of dates found (session 32).
@Suite struct NightDatesTests {
    @Test func aNightDatedBeforeTheStudentsWereBornIsRefusedAndLosesNothing() throws {
        // Given twelve students born in 2006 and a log of their checks, and the night typed 2004-10-05 for 2026-11-28
        let season = try SyntheticSeason("night-typo", students: 0..<12, eventDay: "2026-11-27")
        let (db, out, night) = (season.db, season.out, season.night)
        // When it runs
        let typo = try night("2004-10-05")
        // Then it is refused, saying why, and nothing is stored
        #expect(typo.status == 1, "\(typo.stderr)")
        #expect(typo.stderr.contains("12 of the 12 students of this roster (在籍名单) have an ID whose birth date is after the night of 2004-10-05"), "\(typo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/2004-10-05"))
        // And the night with its right date reads every row of the same files (the log is not "already imported")
        let right = try night("2026-11-28")
        #expect(right.status == 0, "\(right.stderr)")
        #expect(!right.stderr.contains("already imported"), "\(right.stderr)")
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM import_file") == 2)
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM reject") == 0)
        #expect(try FindingsFile(path: out + "/2026-11-28/findings.json").studentCount == 12)
    }

    @Test func aLogWithTimesGivenAgainOnTheNextNightChangesNothing() throws {
        // Given a log with times where a few rows have none: 李三's 未查 without a time, then 自查完成 at 11:00
        let tmp = try TempFolder("untimed-rows")
        let roster = try tmp.write("""
            考生号,姓名,身份证号,学院,班级
            26420101000001,王二,\(SyntheticNight.idNumber(1)),计算机学院,计科2601
            26420101000002,李三,\(SyntheticNight.idNumber(2)),计算机学院,计科2601
            26420101000003,张四,\(SyntheticNight.idNumber(3)),计算机学院,计科2601

            """, to: "roster.csv")
        let log = try tmp.write("""
            时间,身份证号,姓名,事件
            2026-11-28 10:00:00,\(SyntheticNight.idNumber(1)),王二,未查
            ,\(SyntheticNight.idNumber(1)),王二,自查完成
            2026-11-28 09:00:00,\(SyntheticNight.idNumber(2)),李三,注册成功
            ,\(SyntheticNight.idNumber(2)),李三,未查
            2026-11-28 11:00:00,\(SyntheticNight.idNumber(2)),李三,自查完成
            2026-11-28 10:00:00,\(SyntheticNight.idNumber(3)),张四,自查完成
            ,\(SyntheticNight.idNumber(3)),张四,未查

            """, to: "log.csv")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        func states(_ asOf: String) throws -> [String: String] {
            let r = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", db, "--out", out, "--as-of", asOf, "--no-mail", "-q"])
            #expect(r.status == 0, "\(r.stderr)")
            return try FindingsFile(path: out + "/\(asOf)/findings.json").studentsByKsh.compactMapValues { $0["state"] as? String }
        }
        // When the same unchanged log comes on the next night too
        let first = try states("2026-11-28"), second = try states("2026-11-29")
        // Then every student's state is what it was: a row without a time is dated the night the file first came
        #expect(first == ["26420101000001": "unchecked", "26420101000002": "checked", "26420101000003": "checked"])
        #expect(second == first)
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM import_file WHERE kind = 'log'") == 1)
    }

    @Test func aNightLongAfterTheLastOneIsWarnedOfUnderQuiet() throws {
        // Given a first night whose --as-of was typed a year early (2025-10-07 for 2026-10-07)
        let night = try SyntheticSeason("night-gap", students: 0..<3, eventDay: "2025-10-06").night
        #expect(try night("2025-10-07").status == 0)
        // When the next night comes, and the one after it
        let next = try night("2026-10-08"), after = try night("2026-10-09")
        // Then the first is warned of under --quiet (days outstanding count through the gap), the second is not
        #expect(next.status == 0)
        #expect(next.stderr.contains("warning: the last night in this database is 2025-10-07, 366 days before 2026-10-08"), "\(next.stderr)")
        #expect(after.status == 0 && !after.stderr.contains("the last night in this database"), "\(after.stderr)")
    }
}

/// SyntheticNight's students and their log in a folder of their own, a fresh database and reports folder, and a night
/// run on them with `--no-mail -q`.
private struct SyntheticSeason {
    let folder: TempFolder
    let roster: String, log: String, db: String, out: String

    init(_ name: String, students: Range<Int>, eventDay: String) throws {
        folder = try TempFolder(name)
        let inputs = folder.file("night")
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        (roster, log) = try SyntheticNight.write(students: students, eventDay: eventDay, to: inputs)
        (db, out) = (folder.file("zicha.sqlite"), folder.file("Reports"))
    }

    func night(_ asOf: String) throws -> ProcessResult {
        try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", db, "--out", out, "--as-of", asOf, "--no-mail", "-q"])
    }
}
