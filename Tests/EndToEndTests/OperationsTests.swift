import Foundation
import Testing
import ZichaTestSupport

/// The administrator's operations as an audit tried them before trusting zicha with cron: each test failed before its fix.
@Suite("Operations")
struct OperationsTests {
    static let roster = "SampleData/night1/roster.csv"
    static let counselors = "SampleData/night1/counselors.csv"

    /// A log with one row to set aside, so that the night has an error line to print.
    static func badLog(_ tmp: TempFolder) throws -> String {
        try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-27 08:00,420102200703150113,王晓明,注册成功,\nbad,123,x,登录,\n", to: "log.csv")
    }

    static func night(_ tmp: TempFolder, db: String = "zicha.sqlite", extra: [String] = []) throws -> [String] {
        ["nightly", "--roster", roster, "--log", try badLog(tmp), "--counselors", counselors, "--db", tmp.file(db),
         "--out", tmp.file("Reports"), "--as-of", "2026-11-28", "--no-mail"] + extra
    }

    @Test("a standard error that cannot be written (a full disk behind 2>>log) loses messages, not the night")
    func aFullStandardErrorLosesNoNight() throws {
        let tmp = try TempFolder("ops-stderr")
        let run = try ZichaBinary.run(arguments: ["-c", "exec \"$0\" \"$@\" 2>/dev/full", ZichaBinary.url.path] + (try Self.night(tmp)),
                                      executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.file("Reports/2026-11-28/findings.json")))
    }

    @Test("a mistyped command and an option given twice are said as such")
    func commandLineMistakes() throws {
        let typo = try ZichaBinary.run(arguments: ["purne", "--keep-nights", "3"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("unknown command “purne”"), "\(typo.stderr)")
        let bare = try ZichaBinary.run(arguments: ["nightly", "roster.csv", "log.csv"])
        #expect(bare.status == 1 && bare.stderr.contains("“roster.csv” is not an option: name each file with its option"), "\(bare.stderr)")
        let files = try ZichaBinary.run(arguments: ["roster.csv", "log.csv"])
        #expect(files.status == 1 && files.stderr.contains("“roster.csv” is not a command or an option: name each file with its option"), "\(files.stderr)")
        let pruneWord = try ZichaBinary.run(arguments: ["prune", "purne"])
        #expect(pruneWord.status == 1 && pruneWord.stderr.contains("“purne” is not an option of prune"), "\(pruneWord.stderr)")
        let help = try ZichaBinary.run(arguments: ["help", "purne"])
        #expect(help.status == 1 && help.stderr.contains("unknown command “purne”"), "\(help.stderr)")
        let keep = try ZichaBinary.run(arguments: ["prune", "--keep-nights", "2", "--keep-nights", "3"])
        #expect(keep.status == 1 && keep.stderr.contains("--keep-nights is given more than once; give one number"), "\(keep.stderr)")
        let tmp = try TempFolder("ops-args")
        let twice = try ZichaBinary.run(arguments: try Self.night(tmp, extra: ["--roster", "SampleData/night2/roster.csv"]))
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("--roster is given more than once"), "\(twice.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.file("zicha.sqlite")))
    }

    @Test("another program's SQLite file and a database a newer zicha changed are refused, untouched")
    func notOurDatabase() throws {
        let tmp = try TempFolder("ops-db")
        let other = tmp.file("other.sqlite")
        _ = try SQLiteShell.run(other, "CREATE TABLE contacts(name, phone);")
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let foreign = try ZichaBinary.run(arguments: try Self.night(tmp, db: "other.sqlite"))
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("not a zicha database") && foreign.stderr.contains("contacts"), "\(foreign.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)

        let ours = try ZichaBinary.run(arguments: try Self.night(tmp))
        try #require(ours.status == 0, "\(ours.stderr)")
        _ = try SQLiteShell.run(tmp.file("zicha.sqlite"), "INSERT INTO grdb_migrations VALUES ('v99: a later version');")
        let newer = try ZichaBinary.run(arguments: try Self.night(tmp))
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("changed by a newer version of zicha than this one (0.1.0, database schema 16): it has “v99: a later version”"),
                "\(newer.stderr)")
        // --version names the schema, so that an administrator can tell two builds of one version apart
        let version = try ZichaBinary.run(arguments: ["--version"])
        #expect(version.status == 0 && version.stdout == "0.1.0 (database schema 16)\n", "\(version.stdout)")
    }

    @Test("a night whose reports were being written when its run stopped is warned of, under --quiet too, until run again")
    func unfinishedReportsAreWarnedOf() throws {
        let tmp = try TempFolder("ops-partial")
        try FileManager.default.createDirectory(atPath: tmp.file("Reports/.2026-11-27.partial/counselors"), withIntermediateDirectories: true)
        let run = try ZichaBinary.run(arguments: try Self.night(tmp, extra: ["--quiet"]))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains(".2026-11-27.partial: warning: the reports of the night of 2026-11-27 were not finished"), "\(run.stderr)")
        #expect(!run.stderr.contains("night of 2026-11-28"), "tonight's own folder is no leftover")
    }
}
