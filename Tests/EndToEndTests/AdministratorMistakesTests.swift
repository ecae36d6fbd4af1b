import Foundation
import Testing
import ZichaTestSupport

/// What a new administrator gets wrong on the first nights, run with the built binary: a file given for the wrong
/// option, a counselor list with an empty 邮箱, a configuration mistake found after reading the file, `--delimiter`
/// forced on a night of mixed files.
@Suite("An administrator's mistakes")
struct AdministratorMistakesTests {
    @Test("the roster given as --counselors is refused (exit 65) naming its student columns; nothing is imported")
    func rosterAsCounselorList() throws {
        let tmp = try TempFolder("roster-as-counselors")
        // The roster has 班级, 姓名 (read as 辅导员) and 辅导员邮箱 (read as 邮箱): every column a counselor list needs.
        let run = try SampleNights.runOnNight1Roster(logs: ["SampleData/night1/log.txt"], counselors: "SampleData/night1/roster.csv",
                                                     in: tmp, extra: ["-q"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("SampleData/night1/roster.csv:1: error: this looks like a roster, not a counselor list: it has the column(s) 考生号, 身份证号"),
                "\(run.stderr)")
        #expect(run.stderr.contains("give the roster as --roster"), "\(run.stderr)")
        #expect(!tmp.exists("Reports/2026-11-28"), "no night written")
    }

    @Test("a counselor list whose bare ID column is a staff number is still a counselor list")
    func counselorListWithStaffID() throws {
        let tmp = try TempFolder("counselors-staff-id")
        let list = try tmp.write("ID,班级,学院,辅导员,邮箱\nT01,计科2601,计算机学院,李老师,li.laoshi@example.com\n", to: "counselors.csv")
        let run = try SampleNights.runOnNight1Roster(logs: ["SampleData/night1/log.txt"], counselors: list, in: tmp, extra: ["-q"])
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test("counselor rows without 邮箱 (or 无) are warned of once, also under --quiet; summary.html counts their students as unassigned, naming the counselor")
    func counselorWithoutAddress() throws {
        let tmp = try TempFolder("counselor-no-email")
        let list = try tmp.write("""
            班级,学院,辅导员,邮箱
            计科2601,计算机学院,李老师,
            计科2602,计算机学院,王老师,无

            """, to: "counselors.csv")
        // Under --quiet too (cron), and 无 is no address rather than a malformed one
        let run = try SampleNights.runOnNight1Roster(logs: ["SampleData/night1/log.txt"], counselors: list, in: tmp, extra: ["-q"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("counselors.csv:2: warning: 2 rows of the counselor list name a counselor without 邮箱 (the first here)"),
                "\(run.stderr)")
        let students = try FindingsFile(path: tmp.file("Reports/2026-11-28/findings.json")).studentsByKsh
        let noCounselor = students.filter { ($0.value["findings"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "NO_COUNSELOR" } }
        let page = try String(contentsOfFile: tmp.file("Reports/2026-11-28/summary.html"), encoding: .utf8)
        // The card and the section count every student no counselor is mailed about: as many as NO_COUNSELOR.
        #expect(page.contains("<span>未分配辅导员</span><b>\(noCounselor.count)</b>"), "card: \(noCounselor.count)")
        let section = page.components(separatedBy: "<h2 id=\"unassigned\">").last?.components(separatedBy: "<h2").first ?? ""
        #expect(!section.contains("每名学生都有辅导员"), "\(section.prefix(400))")
        #expect(section.contains("共 <b>\(noCounselor.count)</b> 名学生没有辅导员邮箱"), "\(section.prefix(400))")
        #expect(section.contains("<td class=\"mid\">李老师</td>"), "the named counselor is shown")
    }

    @Test("找回用户名：姓名不一致 three times blocks the recovery; a failure whose reason zicha cannot read is warned of with its line")
    func failureReasonsInOtherWords() throws {
        let tmp = try TempFolder("failure-words")
        // 王晓明 registered, then failed to recover his user name three times in another system's words; 李静's
        // registration failed for a reason no rule reads.
        let log = try tmp.write("""
            时间,身份证号,姓名,事件,说明
            2026-11-25 09:00:00,420102200703150113,王晓明,注册成功,
            2026-11-26 09:00:00,420102200703150113,王晓明,找回失败,找回用户名：姓名不一致
            2026-11-26 10:00:00,420102200703150113,王晓明,找回失败,找回用户名：姓名不一致
            2026-11-27 09:00:00,420102200703150113,王晓明,找回失败,找回用户名：姓名不一致
            2026-11-27 11:00:00,420103200611220221,李静,注册失败,系统繁忙，请稍后再试
            2026-11-27 11:05:00,420103200611220221,李静,注册失败,用户名已被注册

            """, to: "log2.csv")
        let run = try SampleNights.runOnNight1Roster(logs: ["SampleData/night1/log.txt", log], in: tmp)
        try #require(run.status == 0, "\(run.stderr)")
        let students = try FindingsFile(path: tmp.file("Reports/2026-11-28/findings.json")).studentsByKsh
        let codes = (students["26420101000001"]?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("RECOVERY_BLOCKED"), "\(codes)")
        // One warning for the one unread reason (a taken user name is an obstacle of its own, not unread), naming its line
        #expect(run.stderr.contains("log2.csv:6: warning: 1 failure (注册失败, 找回失败) gives a reason zicha does not recognise, "
                                    + "or none of its findings covers (the first here: “系统繁忙，请稍后再试”)"), "\(run.stderr)")
        #expect(!run.stderr.contains("用户名已被注册"), "\(run.stderr)")
    }

    @Test("a settings mistake found after reading the file (a sender with a name, a host with a port, an unknown event) names the file")
    func configurationErrorsNameTheFile() throws {
        let tmp = try TempFolder("config-named")
        let cases: [(config: String, message: String, hint: String?)] = [
            (#"{"mail": {"transport": "smtp", "host": "smtp.example.edu.cn", "from": "学籍科 <xueji@example.edu.cn>"}}"#,
             "mail.from is not a usable address", "mail.fromName"),
            (#"{"mail": {"transport": "smtp", "host": "smtp.example.edu.cn:587", "from": "xueji@example.edu.cn"}}"#,
             "mail.host must be the SMTP server's name", "mail.port"),
            (#"{"events": {"chekced": ["核对完成"]}}"#, "the configuration names an unknown event \"chekced\"", nil),
            (#"{"mail": []}"#, "mail should be an object { … }", nil),
        ]
        for (i, c) in cases.enumerated() {
            let config = try tmp.write(c.config, to: "zicha\(i).json")
            // With mail (no --no-mail): the mail settings are checked at the start of the night.
            let run = try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt",
                                                      "--db", tmp.file("zicha\(i).sqlite"), "--out", tmp.file("Reports\(i)"),
                                                      "--as-of", SampleNights.asOf[0], "--config", config, "-q"],
                                          cwd: PackagePaths.root.path)
            #expect(run.status == 1, "\(c.config): \(run.stderr)")
            #expect(run.stderr.contains("zicha\(i).json: error: ") && run.stderr.contains(c.message), "\(c.config): \(run.stderr)")
            if let hint = c.hint { #expect(run.stderr.contains("hint:") && run.stderr.contains(hint), "\(run.stderr)") }
        }
    }

    @Test("--out naming a file is refused before a database is made; a configuration saved as GBK says to save it as UTF-8")
    func outIsAFileAndAGBKConfiguration() throws {
        let tmp = try TempFolder("out-file")
        let notAFolder = try tmp.write("x", to: "Reports")
        let run = try SampleNights.runOnNight1Roster(logs: ["SampleData/night1/log.txt"], in: tmp, extra: ["-q"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("\(notAFolder): error: the reports folder cannot be made: \(notAFolder) is a file"), "\(run.stderr)")
        #expect(!tmp.exists("zicha.sqlite"), "refused before the database was created")

        let gbk = Data([0x7B, 0x22, 0x64, 0x65, 0x61, 0x64, 0x6C, 0x69, 0x6E, 0x65, 0x22, 0x3A, 0x22, 0xBD, 0xD8, 0xD6, 0xB9, 0x22, 0x7D])  // {"deadline":"截止"} in GBK
        let other = try TempFolder("gbk-config")
        let config = try other.write(gbk, to: "zicha.json")
        let second = try SampleNights.runOnNight1Roster(logs: ["SampleData/night1/log.txt"], in: other, extra: ["--config", config, "-q"])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("zicha.json: error: the configuration file is not UTF-8 text") && second.stderr.contains("save it as UTF-8"),
                "\(second.stderr)")
    }

    @Test("a log's time exported as Excel's day count (46353.375) is set aside saying so")
    func dayCountTime() throws {
        let tmp = try TempFolder("day-count")
        let log = try tmp.write("时间,身份证号,姓名,事件\n46353.375,420102200703150113,王晓明,登录\n2026-11-27 09:00,420103200611220221,李静,登录\n", to: "log.csv")
        let run = try SampleNights.runOnNight1Roster(logs: [log], in: tmp, extra: ["-q"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("log.csv:2: error: 时间 46353.375 is a plain number: an Excel date and time saved as its day count"), "\(run.stderr)")
        #expect(!run.stderr.contains("log.csv:3:"), "a real time is read: \(run.stderr)")
    }

    @Test("a night cron missed, run late: the nights after count days outstanding through it, and it says the later reports stay as written")
    func aNightRunLate() throws {
        let tmp = try TempFolder("late-night")
        let header = "时间,身份证号,姓名,事件\n"
        let checked = header + "2026-10-31 10:00,420102200703150113,王晓明,自查完成\n"
        let movedBack = checked + "2026-11-03 08:00,420102200703150113,王晓明,未查\n"  // 11-04's cumulative export
        let nights: [(asOf: String, log: String)] = [
            ("2026-11-01", checked), ("2026-11-02", checked + "2026-11-02 09:00,420103200611220221,李静,登录\n"),
            ("2026-11-04", movedBack),
            ("2026-11-03", movedBack + "2026-11-03 09:00,420104200701010339,张伟,登录\n"),  // the missed night, run late
            ("2026-11-05", movedBack + "2026-11-05 09:00,420104200701010339,张伟,查看学籍\n"),
        ]
        var late = ""
        for (i, night) in nights.enumerated() {
            let log = try tmp.write(night.log, to: "log\(i).csv")
            let run = try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", log,
                                                      "--counselors", "SampleData/night1/counselors.csv", "--db", tmp.file("zicha.sqlite"),
                                                      "--out", tmp.file("Reports"), "--as-of", night.asOf, "--no-mail"],
                                          cwd: PackagePaths.root.path)
            try #require(run.status == 0, "\(night.asOf): \(run.stderr)")
            if night.asOf == "2026-11-03" { late = run.stderr }
        }
        #expect(late.contains("note: the night(s) after 2026-11-03 were run before it (2026-11-04): their reports stay as they were written"), "\(late)")
        func days(_ asOf: String) throws -> Int? {
            try FindingsFile(path: tmp.file("Reports/\(asOf)/findings.json")).studentsByKsh["26420101000001"]?["days_outstanding"] as? Int
        }
        // 已查 until 11-02, 未查 from 11-03: on 11-05 two days, as a run of the nights in order gives (11-04, run before
        // 11-03 existed, counted its streak from itself and said 0)
        #expect(try days("2026-11-04") == 0)
        #expect(try days("2026-11-03") == 0)
        #expect(try days("2026-11-05") == 2)
    }

    @Test("a roster export that switches its key from 学号 to 考生号 is refused, saying so, though only a few students are on it")
    func aRosterThatChangesItsKey() throws {
        let tmp = try TempFolder("rekeyed")
        let byXh = try tmp.write("""
            学号,姓名,身份证号,班级
            2026000001,王晓明,420102200703150113,计科2601
            2026000002,李静,420103200611220221,计科2601
            2026000003,张伟,420104200701010339,计科2601

            """, to: "roster-xh.csv")
        let byKsh = try tmp.write("""
            考生号,学号,姓名,身份证号,班级
            26420101000001,2026000001,王晓明,420102200703150113,计科2601
            26420101000002,2026000002,李静,420103200611220221,计科2601
            26420101000003,2026000003,张伟,420104200701010339,计科2601

            """, to: "roster-ksh.csv")
        let log = try tmp.write("时间,身份证号,姓名,事件\n2026-11-27 09:00,420102200703150113,王晓明,登录\n", to: "log.csv")
        func night(_ roster: String, _ asOf: String, _ extra: [String] = []) throws -> ProcessResult {
            try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", tmp.file("zicha.sqlite"),
                                            "--out", tmp.file("Reports"), "--as-of", asOf, "--no-mail", "-q"] + extra)
        }
        try #require(try night(byXh, "2026-11-28").status == 0)
        let switched = try night(byKsh, "2026-11-29")
        #expect(switched.status == 65, "\(switched.stderr)")
        #expect(switched.stderr.contains("roster-ksh.csv: error: this roster names its students by another number than the previous roster: "
            + "3 of the 3 students it would mark as left are on it under their other number"), "\(switched.stderr)")
        #expect(switched.stderr.contains("export the roster with the same key column as before"), "\(switched.stderr)")
        // Taken when the office means it
        #expect(try night(byKsh, "2026-11-29", ["--accept-departures"]).status == 0)
    }

    @Test("a quarter of the students missing from tonight's roster (below the refusal) is a warning cron shows, with what to do")
    func aRosterMissingAQuarter() throws {
        let tmp = try TempFolder("quarter-left")
        let first = try TempFolder("quarter-left-1"), second = try TempFolder("quarter-left-2")
        let whole = try SyntheticNight.write(students: 0..<100, eventDay: "2026-11-27", to: first.path)
        let part = try SyntheticNight.write(students: 0..<75, eventDay: "2026-11-27", to: second.path)
        func night(_ files: (roster: String, log: String), _ asOf: String) throws -> ProcessResult {
            try ZichaBinary.run(arguments: ["nightly", "--roster", files.roster, "--log", files.log, "--db", tmp.file("zicha.sqlite"),
                                            "--out", tmp.file("Reports"), "--as-of", asOf, "--no-mail", "-q"])
        }
        try #require(try night(whole, "2026-11-28").status == 0)
        let run = try night(part, "2026-11-29")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("roster.csv: warning: 25 students are no longer on the roster and are marked as left (25 of 100)"), "\(run.stderr)")
        #expect(run.stderr.contains("run the night again with the whole roster"), "\(run.stderr)")
    }

    @Test("a counselor list missing colleges is a warning cron shows when a tenth of the students lose their counselor")
    func aCounselorListCutShort() throws {
        let tmp = try TempFolder("counselors-cut")
        let files = try SyntheticNight.write(students: 0..<120, eventDay: "2026-11-27", to: tmp.path)  // 学院0 … 学院11, ten each
        func night(_ asOf: String, colleges: Range<Int>) throws -> ProcessResult {
            let list = try tmp.write("学院,辅导员,邮箱\n" + colleges.map { "学院\($0),老师\($0),t\($0)@example.com\n" }.joined(), to: "c-\(asOf).csv")
            return try ZichaBinary.run(arguments: ["nightly", "--roster", files.roster, "--log", files.log, "--counselors", list,
                                                   "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"), "--as-of", asOf, "--no-mail", "-q"])
        }
        try #require(try night("2026-11-28", colleges: 0..<12).status == 0)
        // One college dropped (10 students): no warning; three more (30 of 120, against the night before): said, also under --quiet
        let one = try night("2026-11-29", colleges: 0..<11)
        #expect(one.status == 0 && !one.stderr.contains("cut short"), "\(one.stderr)")
        let three = try night("2026-11-30", colleges: 0..<8)
        #expect(three.status == 0, "\(three.stderr)")
        #expect(three.stderr.contains("c-2026-11-30.csv: warning: 30 of the night's 120 students had a counselor's address on the night of "
                                      + "2026-11-29 and have none under this counselor list: is it cut short"), "\(three.stderr)")
    }

    @Test("--delimiter forced on a night whose roster has another separator: the message says --delimiter is for every file")
    func forcedDelimiterHint() throws {
        let tmp = try TempFolder("delimiter-forced")
        let log = try tmp.write("时间\t身份证号\t姓名\t事件\n2026-11-27 09:00\t420102200703150113\t王晓明\t登录\n", to: "log.tsv")
        let run = try SampleNights.runOnNight1Roster(logs: [log], in: tmp, extra: ["--delimiter", "tab", "-q"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("roster.csv:1: error: the roster (在籍名单) lacks required column(s)"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: --delimiter is used for every CSV/TSV file of the night"), "\(run.stderr)")
    }
}

extension AdministratorMistakesTests {
    @Test func aRosterWhose学号LostTheirLeadingZerosIsRefused() throws {
        // Given a roster keyed by 学号, with leading zeros, then the same roster saved by a spreadsheet as numbers
        let tmp = try TempFolder("zeros-lost")
        let header = "学号,姓名,身份证号,学院,班级\n"
        let rows = (1...6).map { i in (key: "0202600000\(i)", id: SyntheticNight.idNumber(i)) }
        let kept = try tmp.write(header + rows.map { "\($0.key),学生\($0.id.suffix(2)),\($0.id),计算机学院,1班\n" }.joined(), to: "kept.csv")
        let lost = try tmp.write(header + rows.enumerated().map { i, r in
            "\(i < 4 ? String(r.key.drop { $0 == "0" }) : r.key),学生\(r.id.suffix(2)),\(r.id),计算机学院,1班\n" }.joined(), to: "lost.csv")
        let log = try tmp.write("时间,身份证号,事件\n2026-11-27 10:00,\(rows[0].id),登录\n", to: "log.csv")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        func night(_ roster: String, _ asOf: String, _ more: [String] = []) throws -> ProcessResult {
            try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", db, "--out", out, "--as-of", asOf, "--no-mail", "-q"] + more)
        }
        try #require(try night(kept, "2026-11-28").status == 0)
        // When the next night's roster has four of the six 学号 without their leading zeros
        let next = try night(lost, "2026-11-29")
        // Then the night is refused, saying why (before, the four started afresh as new students, with only a note)
        #expect(next.status == 65, "\(next.stderr)")
        #expect(next.stderr.contains("this roster's keys lost their leading zeros: 4 of the 4 students"), "\(next.stderr)")
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM student") == 6)
        // And --accept-departures takes them as new students, as asked
        #expect(try night(lost, "2026-11-29", ["--accept-departures"]).status == 0)
    }
}
