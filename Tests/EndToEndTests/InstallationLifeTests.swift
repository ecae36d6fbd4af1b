import Foundation
import Testing
import ZichaKit
import ZichaTestSupport

/// The installation's life outside a normal night, as an audit played it: a database restored from an older copy or
/// replaced, an installation copied with tools that turn links into folders, the office's own files in a night's folder,
/// a clock set back.
@Suite("Installation life")
struct InstallationLifeTests {
    /// Night 1's files as of `asOf` into `tmp`'s database and Reports/, mailing through `tmp`'s zicha.json; `extra` options.
    static func night(_ asOf: String?, in tmp: TempFolder, db: String = "zicha.sqlite", logs: [String] = [], extra: [String] = []) throws -> ProcessResult {
        try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt"]
            + logs.flatMap { ["--log", $0] } + ["--counselors", "SampleData/night1/counselors.csv", "--db", tmp.file(db),
                                                "--out", tmp.file("Reports"), "--config", tmp.file("zicha.json"), "-q"]
            + (asOf.map { ["--as-of", $0] } ?? []) + extra, cwd: PackagePaths.root.path)
    }

    static func mailTo(_ server: SMTPTestServer, in tmp: TempFolder) throws {
        try tmp.write(#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "port": \#(server.port), "tls": "none", "from": "xueji@example.edu.cn"}}"#,
                      to: "zicha.json")
    }

    @Test("a database restored from a copy older than the reports mails nobody twice, and says the reports folder is ahead")
    func aRestoredDatabaseMailsNobodyTwice() throws {
        let server = try SMTPTestServer([], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("life-restore")
        try Self.mailTo(server, in: tmp)
        // Given two mailed nights, the database copied between them
        try #require(try Self.night("2026-11-28", in: tmp).status == 0)
        try FileManager.default.copyItem(atPath: tmp.file("zicha.sqlite"), toPath: tmp.file("backup.sqlite"))
        try #require(try Self.night("2026-11-29", in: tmp).status == 0)
        #expect(try server.received().count == 8, "four counselors, two nights")
        let journal = try String(contentsOfFile: tmp.file("Reports/2026-11-29/outbox/delivered.tsv"), encoding: .utf8)
        #expect(journal.components(separatedBy: "\tsent\t").count - 1 == 4, "\(journal)")
        // When the copy is restored and the second night is run again
        try FileManager.default.removeItem(atPath: tmp.file("zicha.sqlite"))
        try FileManager.default.copyItem(atPath: tmp.file("backup.sqlite"), toPath: tmp.file("zicha.sqlite"))
        let again = try Self.night("2026-11-29", in: tmp)
        // Then nobody is mailed again, and the run said (under --quiet) that the reports folder was ahead of the database
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.received().count == 8, "\(again.stderr)")
        #expect(again.stderr.contains("the reports folder holds 1 night after this database's latest, 2026-11-28: 2026-11-29"), "\(again.stderr)")
        // And a new database beside the same folder mails nobody twice either, saying the folder holds nights already
        let fresh = try Self.night("2026-11-29", in: tmp, db: "new.sqlite")
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(try server.received().count == 8, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("this database has no night yet, and the reports folder holds 2 nights written before"), "\(fresh.stderr)")
    }

    @Test("a folder named latest (an installation copied with zip or scp -r) is replaced by the link, and the night is mailed")
    func aLatestFolderDoesNotStopTheMail() throws {
        let server = try SMTPTestServer([], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("life-latest")
        try Self.mailTo(server, in: tmp)
        try #require(try Self.night("2026-11-28", in: tmp).status == 0)
        // Given the link turned into a copy of the night's folder
        try FileManager.default.removeItem(atPath: tmp.file("Reports/latest"))
        try FileManager.default.copyItem(atPath: tmp.file("Reports/2026-11-28"), toPath: tmp.file("Reports/latest"))
        // When the next night runs
        let next = try Self.night("2026-11-29", in: tmp)
        // Then it mails, latest is a link to it again, and the copy is kept aside (the office may have worked in it)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try server.received().count == 8, "\(next.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tmp.file("Reports/latest")) == "2026-11-29")
        let aside = try FileManager.default.contentsOfDirectory(atPath: tmp.file("Reports")).filter { $0.hasPrefix("latest.folder-") }
        #expect(aside.count == 1 && next.stderr.contains("was renamed \(aside.first ?? "?"); the link takes its place"), "\(next.stderr)")
    }

    @Test("a night run again keeps what the office put in its folder, and its edits of followup.xlsx under another name")
    func theOfficesFilesInANightFolderAreKept() throws {
        let tmp = try TempFolder("life-folder")
        try tmp.write("{}", to: "zicha.json")
        try #require(try Self.night("2026-11-28", in: tmp, extra: ["--no-mail"]).status == 0)
        // Given a note added to the night's folder, and followup.xlsx edited after it was written
        try tmp.write("已电话联系 王晓明", to: "Reports/2026-11-28/备注.txt")
        let note = try tmp.write("李老师 已确认", to: "Reports/2026-11-28/counselors/李老师-批注.txt")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: note)  // written after the night
        try tmp.write("a note", to: "Reports/2026-11-28/.office-notes")
        let workbook = tmp.file("Reports/2026-11-28/followup.xlsx")
        let edited = Date().addingTimeInterval(120)
        try FileManager.default.setAttributes([.modificationDate: edited], ofItemAtPath: workbook)
        let before = try Data(contentsOf: URL(fileURLWithPath: workbook))
        // When the night is run again with a late log
        let late = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-28 21:00:00,420103200611220221,李静,自查完成,\n", to: "late.csv")
        let again = try Self.night("2026-11-28", in: tmp, logs: [late], extra: ["--no-mail"])
        #expect(again.status == 0, "\(again.stderr)")
        // Then the note is still there, the edited workbook is kept beside the new one, and the run said so under --quiet
        #expect(tmp.exists("Reports/2026-11-28/备注.txt") && tmp.exists("Reports/2026-11-28/counselors/李老师-批注.txt"))
        #expect(tmp.exists("Reports/2026-11-28/.office-notes"))
        let kept = try FileManager.default.contentsOfDirectory(atPath: tmp.file("Reports/2026-11-28")).filter { $0.hasPrefix("followup.edited-") }
        #expect(kept.count == 1 && kept.first?.hasSuffix(".xlsx") == true, "\(kept)")
        if let name = kept.first { #expect(try Data(contentsOf: URL(fileURLWithPath: tmp.file("Reports/2026-11-28/" + name))) == before) }
        #expect(again.stderr.contains("the night's folder was written again; kept in it what the office added (.office-notes, 备注.txt, counselors/李老师-批注.txt)"), "\(again.stderr)")
    }

    @Test("today by the clock before two stored nights is refused: the clock is wrong")
    func aClockSetBackIsRefused() throws {
        let tmp = try TempFolder("life-clock")
        try tmp.write("{}", to: "zicha.json")
        // Given two nights stored ahead of today (what a clock a month fast, then set right, leaves)
        let today = EventTime.dayNumber(Pipeline.today())!
        let ahead = [10, 11].map { EventTime.day(daysSince1970: today + $0) }
        for night in ahead { try #require(try Self.night(night, in: tmp, extra: ["--no-mail"]).status == 0) }
        // When cron runs without --as-of
        let run = try Self.night(nil, in: tmp, extra: ["--no-mail"])
        // Then nothing is run, and the message says why
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("the clock is probably wrong, and nothing was run"), "\(run.stderr)")
        #expect(!tmp.exists("Reports/" + Pipeline.today()))
        // And the same when today is itself a stored night (a clock a few days behind inside the season): it is not run
        // again with tonight's files
        try #require(try Self.night(Pipeline.today(), in: tmp, extra: ["--no-mail"]).status == 0)
        let mark = try Data(contentsOf: URL(fileURLWithPath: tmp.file("Reports/" + Pipeline.today() + "/.inputs")))
        let again = try Self.night(nil, in: tmp, logs: [try tmp.write("时间,身份证号,姓名,事件\n", to: "late.csv")], extra: ["--no-mail"])
        #expect(again.status == 1 && again.stderr.contains("the clock is probably wrong"), "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: tmp.file("Reports/" + Pipeline.today() + "/.inputs"))) == mark)
    }

    @Test("a journal saying sent wins over a database copy taken before the send, and a journal saved with CRLF is read")
    func theJournalWinsOverAnOlderRowAndReadsCRLF() throws {
        let refusing = try SMTPTestServer(["--reject-rcpt", "zhao.laoshi@example.com", "--rcpt-reply", "550 5.1.1 user unknown"], tls: false)
        defer { refusing.stop() }
        let server = try SMTPTestServer([], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("life-journal")
        // Given a night whose mail to 赵老师 was refused, the database copied then, and the night run again to a server taking it
        try Self.mailTo(refusing, in: tmp)
        _ = try Self.night("2026-11-28", in: tmp)
        try FileManager.default.copyItem(atPath: tmp.file("zicha.sqlite"), toPath: tmp.file("backup.sqlite"))
        try Self.mailTo(server, in: tmp)
        try #require(try Self.night("2026-11-28", in: tmp).status == 0)
        #expect(try server.received().map(\.rcpt) == [["zhao.laoshi@example.com"]])
        // When the copy (saying failed) is restored and the night run again
        try FileManager.default.removeItem(atPath: tmp.file("zicha.sqlite"))
        try FileManager.default.copyItem(atPath: tmp.file("backup.sqlite"), toPath: tmp.file("zicha.sqlite"))
        let again = try Self.night("2026-11-28", in: tmp)
        // Then 赵老师 is not mailed twice
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.received().count == 1, "\(again.stderr)")
        // And a journal an editor saved with CRLF, beside a new database, is read as it was
        let journal = tmp.file("Reports/2026-11-28/outbox/delivered.tsv")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: URL(fileURLWithPath: journal))
        let fresh = try Self.night("2026-11-28", in: tmp, db: "new.sqlite")
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(try server.received().count == 1, "\(fresh.stderr)")
    }

    @Test("a night whose log is mostly dated after it warns under --quiet that the night's date may be wrong")
    func aNightBeforeItsLogIsQuestioned() throws {
        let tmp = try TempFolder("life-early")
        try tmp.write("{}", to: "zicha.json")
        let run = try Self.night("2026-11-01", in: tmp, extra: ["--no-mail"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("events are dated after the night 2026-11-01 (the first here): is the night's date right?"), "\(run.stderr)")
    }
}
