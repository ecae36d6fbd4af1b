import Foundation
import Testing
import ZichaTestSupport

/// When only log files came in since the latest night, `zicha nightly` reconciles only the IDs their rows name and
/// carries every other result over. These tests run the built binary twice on copies of one database — once as it
/// runs by default, once with `--full` — and require the same reports, byte for byte, and the same stored nights.
@Suite("Incremental reconcile")
struct IncrementalReconcileTests {
    /// SampleData's night-2 files (the roster and counselor list stay; only logs are new after night 2).
    static let roster = PackagePaths.file("SampleData/night2/roster.csv").path
    static let counselors = PackagePaths.file("SampleData/night2/counselors.csv").path
    static let config = PackagePaths.file("SampleData/zicha.json").path

    /// Night 3's log: a first registration, a dispute settled, one of two students sharing an ID unchecked, a
    /// student sharing a phone disputing, 15-digit IDs of a 19xx and a 20xx birth, a student who left, the known
    /// stranger again, a new stranger (18 and 15 digits), a checked student disputing, a failure after success,
    /// a further name mismatch.
    static let log3 = """
        时间,身份证号,姓名,事件,说明
        2026-11-30 08:00:00,420102200703150113,王晓明,注册成功,
        2026-11-30 08:10:00,420117200705051316,马超,自查完成,
        2026-11-30 08:20:00,420202200607071410,朱琳,未查,
        2026-11-30 08:30:00,420203200608081617,郭强,信息有误,
        2026-11-30 08:40:00,420215990811281,宋立成,未查,
        2026-11-30 08:50:00,420216060912291,唐嘉怡,登录,
        2026-11-30 09:00:00,420221200703183518,曹阳,注册成功,
        2026-11-30 09:10:00,110105200601019014,陌生人,登录,
        2026-11-30 09:20:00,110108200505051232,新人,注册成功,
        2026-11-30 09:30:00,320102991231456,旧人,注册成功,
        2026-11-30 09:40:00,420104200701010339,张伟,信息有误,
        2026-11-30 09:50:00,420105200606060449,刘洋,注册失败,手机号码已存在
        2026-11-30 10:00:00,420112200610100881,黄磊,找回失败,证件和姓名不符

        """
    /// A late export of the same night.
    static let log3b = """
        时间,身份证号,姓名,事件,说明
        2026-11-30 11:00:00,420103200611220221,李静,自查完成,
        2026-11-30 11:10:00,110108200505051232,新人,查看学籍,
        2026-11-30 11:20:00,420202200607071410,朱琳,自查完成,
        2026-11-30 11:30:00,420102200703150113,王晓明,查看学籍,

        """

    /// Two databases with SampleData's two nights: `default/` and `full/`, each with `zicha.sqlite` and `Reports/`.
    private func twoCopies(_ tmp: TempFolder) throws -> [String] {
        let first = tmp.file("default")
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        for night in 1...2 {
            let run = try SampleNights.run(night: night, db: first + "/zicha.sqlite", out: first + "/Reports")
            try #require(run.status == 0, "night \(night): \(run.stderr)")
        }
        try FileManager.default.copyItem(atPath: first, toPath: tmp.file("full"))
        return [first, tmp.file("full")]
    }

    /// Runs a log-only night in `folder` (relative `--db` and `--out`, so both copies write the same bytes).
    private func night(_ folder: String, asOf: String, logs: [String], full: Bool) throws -> ProcessResult {
        var arguments = ["nightly", "--roster", Self.roster, "--counselors", Self.counselors, "--db", "zicha.sqlite",
                         "--out", "Reports", "--as-of", asOf, "--config", Self.config, "--no-mail"]
        for log in logs { arguments += ["--log", log] }
        if full { arguments.append("--full") }
        let run = try ZichaBinary.run(arguments: arguments, cwd: folder)
        try #require(run.status == 0, "\(run.stderr)")
        return run
    }

    /// Every stored night, result, finding and class count, in key order (the run's creation time left out).
    private func storedNights(_ folder: String) throws -> String {
        try SQLiteShell.run(folder + "/zicha.sqlite", """
            SELECT as_of, students, checked, unchecked, disputed, inputs FROM run ORDER BY as_of;
            SELECT r.as_of, x.ksh, x.state, x.outstanding_since, x.counselor, x.counselor_email
              FROM student_result x JOIN run r ON r.id = x.run_id ORDER BY r.as_of, x.ksh;
            SELECT r.as_of, x.subject, x.code, x.detail, x.remedies, x.change
              FROM finding x JOIN run r ON r.id = x.run_id ORDER BY r.as_of, x.subject, x.code;
            SELECT r.as_of, x.college, x.class, x.students, x.checked, x.disputed
              FROM class_progress x JOIN run r ON r.id = x.run_id ORDER BY r.as_of, x.college, x.class;
            """)
    }

    /// `diff -r` of the two copies' report folders and a diff of their stored nights; empty when equal.
    private func differences(_ copies: [String]) throws -> String {
        let reports = try diffFolders(copies[0] + "/Reports", copies[1] + "/Reports", skipping: "outbox")
        return reports + (try unifiedDiff(try storedNights(copies[0]), try storedNights(copies[1]), labels: ("default", "--full")))
    }

    @Test("a later night and a re-run of it with a late log: only the named IDs are reconciled, results as --full")
    func logOnlyNights() throws {
        let tmp = try TempFolder("incremental")
        let copies = try twoCopies(tmp)
        let log3 = try tmp.write(Self.log3, to: "log3.csv"), log3b = try tmp.write(Self.log3b, to: "log3b.csv")

        // A new night after night 2: results carried over from night 2, findings compared with it.
        let later = try night(copies[0], asOf: "2026-11-30", logs: [log3], full: false)
        #expect(later.stderr.contains("only logs came in since the night of 2026-11-29"), "\(later.stderr)")
        let full = try night(copies[1], asOf: "2026-11-30", logs: [log3], full: true)
        #expect(!full.stderr.contains("only logs came in"))
        #expect(try differences(copies) == "")

        // The same night again with a late export: edited in place.
        let rerun = try night(copies[0], asOf: "2026-11-30", logs: [log3, log3b], full: false)
        #expect(rerun.stderr.contains("only logs came in since the night of 2026-11-30"), "\(rerun.stderr)")
        _ = try night(copies[1], asOf: "2026-11-30", logs: [log3, log3b], full: true)
        #expect(try differences(copies) == "")

        // What the carried-over night says, student by student.
        let findings = try FindingsFile(path: copies[0] + "/Reports/2026-11-30/findings.json")
        let students = findings.studentsByKsh
        func codes(_ ksh: String) -> [String] {
            (students[ksh]?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        #expect(findings.studentCount == 42)
        #expect(students["26420101000035"] == nil, "a student who left stays unreported, events or not")
        #expect(students["26420101000013"]?["state"] as? String == "checked")  // dispute settled
        #expect(codes("26420101000001") == ["VIEWED_NOT_CONFIRMED"])          // registered, then viewed in log3b
        #expect(students["26420101000014"]?["state"] as? String == "checked")  // 未查, then 自查完成 in log3b
        #expect(students["26420101000015"]?["state"] as? String == "checked")  // shares S14's ID and events
        #expect(codes("26420101000014") == ["DUPLICATE_ID"])
        #expect(students["26420101000016"]?["state"] as? String == "disputed")
        #expect(codes("26420101000016") == ["DISPUTED", "DUPLICATE_PHONE"])
        #expect(students["26420101000028"]?["state"] as? String == "unchecked")  // 15-digit 未查 after checking
        #expect(students["26420101000029"]?["state"] as? String == "checked")
        #expect(students["26420101000003"]?["state"] as? String == "disputed")
        let unmatched = Set(findings.unmatched.compactMap { $0["id"] as? String })
        #expect(unmatched.isSuperset(of: ["110105200601019014", "110108200505051232", "320102199912314568"]), "\(unmatched)")
    }

    @Test("events dated after the night count from the night of their date, incrementally as with --full")
    func eventsDatedAfterTheNight() throws {
        let tmp = try TempFolder("incremental-later")
        let copies = try twoCopies(tmp)
        // Night 3's log holds two events of the next day: 王晓明 (18 digits) checking, 宋立成 (checked by night 2;
        // 15 digits) unchecked again.
        let log3 = try tmp.write("""
            时间,身份证号,姓名,事件,说明
            2026-11-30 08:00:00,420102200703150113,王晓明,注册成功,
            2026-12-01 09:00:00,420102200703150113,王晓明,自查完成,
            2026-12-01 09:10:00,420215990811281,宋立成,未查,

            """, to: "log3.csv")
        let log4 = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-12-01 10:00:00,420103200611220221,李静,查看学籍,\n", to: "log4.csv")
        func state(_ folder: String, _ asOf: String, _ ksh: String) throws -> String? {
            try FindingsFile(path: folder + "/Reports/\(asOf)/findings.json").studentsByKsh[ksh]?["state"] as? String
        }
        for (i, copy) in copies.enumerated() {
            // Night 3: the two events are kept, not counted, and the import says so where they are
            let third = try night(copy, asOf: "2026-11-30", logs: [log3], full: i == 1)
            #expect(third.stderr.contains("log3.csv:3: note: 2 events are dated after 2026-11-30"), "\(third.stderr)")
            #expect(try state(copy, "2026-11-30", "26420101000001") == "unchecked")
            #expect(try state(copy, "2026-11-30", "26420101000028") == "checked")
            // Night 4, its only new file naming someone else: the two are checked now
            let fourth = try night(copy, asOf: "2026-12-01", logs: [log3, log4], full: i == 1)
            #expect(!fourth.stderr.contains("dated after"), "\(fourth.stderr)")
            #expect(try state(copy, "2026-12-01", "26420101000001") == "checked")
            #expect(try state(copy, "2026-12-01", "26420101000028") == "unchecked")
        }
        #expect(try differences(copies) == "", "the incremental night reconciled the IDs of the later-dated events again")
        // Re-running night 3 now gives what night 3 gave: the later log changes nothing before its date
        let before = try String(contentsOfFile: copies[1] + "/Reports/2026-11-30/findings.json", encoding: .utf8)
        _ = try night(copies[1], asOf: "2026-11-30", logs: [log3, log4], full: true)
        #expect(try String(contentsOfFile: copies[1] + "/Reports/2026-11-30/findings.json", encoding: .utf8) == before)
    }

    @Test("a log exported whole each night: the events an earlier log gave are stored once, results as with only the new rows")
    func wholeLogExportedEachNight() throws {
        let tmp = try TempFolder("incremental-whole-log")
        let copies = try twoCopies(tmp)
        let log3 = try tmp.write(Self.log3, to: "log3.csv")
        // Night 4's export repeats night 3's (with another header spelling and CRLF: the same events all the same).
        let whole = try tmp.write("操作时间,身份证号码,姓名,操作,备注\r\n" + (Self.log3 + Self.log3b).split(separator: "\n")
            .filter { !$0.isEmpty && !$0.hasPrefix("时间") }.joined(separator: "\r\n") + "\r\n", to: "whole.csv")
        let onlyNew = try tmp.write(Self.log3b, to: "log3b.csv")
        for copy in copies { _ = try night(copy, asOf: "2026-11-30", logs: [log3], full: false) }

        let wholeNight = try night(copies[0], asOf: "2026-12-01", logs: [whole], full: false)
        #expect(wholeNight.stderr.contains("whole.csv: note: 13 of its 17 events came in an earlier log already"), "\(wholeNight.stderr)")
        #expect(wholeNight.stderr.contains("reconciled the 4 IDs"), "only the new rows' IDs are touched: \(wholeNight.stderr)")
        _ = try night(copies[1], asOf: "2026-12-01", logs: [onlyNew], full: false)
        let stored = "SELECT count(*) FROM event e JOIN import_file f ON f.id = e.file_id WHERE f.as_of = '2026-12-01'"
        #expect(try SQLiteShell.run(copies[0] + "/zicha.sqlite", stored) == "4\n")
        #expect(try SQLiteShell.run(copies[0] + "/zicha.sqlite", "SELECT count(*) FROM event")
                == (try SQLiteShell.run(copies[1] + "/zicha.sqlite", "SELECT count(*) FROM event")))
        let a = try Data(contentsOf: URL(fileURLWithPath: copies[0] + "/Reports/2026-12-01/findings.json"))
        let b = try Data(contentsOf: URL(fileURLWithPath: copies[1] + "/Reports/2026-12-01/findings.json"))
        #expect(a == b, "findings.json differs between the whole export and the new rows alone")
    }

    @Test("a status export each night: rows that repeat the previous state are stored once, whatever the order of the files")
    func statusExportedEachNight() throws {
        let tmp = try TempFolder("incremental-status")
        let copies = try twoCopies(tmp)
        // Night 2 gave 李静 未查 and 郭强 已查 without times. 宋立成 also logs under his 15-digit ID; 陌生人, on no roster,
        // logged in on nights 1–2.
        let status = """
            身份证号,姓名,状态
            420103200611220221,李静,未查
            420203200608081617,郭强,已查
            420204200609091717,何芳,未查
            420215199908112817,宋立成,未查
            110105200601019014,陌生人,未查

            """
        let status3 = try tmp.write(status, to: "status3.csv")
        let status4 = try tmp.write(status + "420102200703150113,王晓明,已查\n", to: "status4.csv")
        // Given after night 4's status export, but 李静's 自查完成 came between the two exports: her 未查 of night 4 stands.
        let late = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-30 12:00:00,420103200611220221,李静,自查完成,\n", to: "late.csv")
        func stored(_ asOf: String) throws -> String {
            try SQLiteShell.run(copies[0] + "/zicha.sqlite", """
                SELECT group_concat(e.name || ' ' || e.kind, ', ') FROM (SELECT e.* FROM event e JOIN import_file f ON f.id = e.file_id
                WHERE f.as_of = '\(asOf)' ORDER BY e.file_id, e.line) e
                """)
        }

        let night3 = try night(copies[0], asOf: "2026-11-30", logs: [status3], full: false)
        #expect(night3.stderr.contains("status3.csv: note: 2 of its 5 rows repeat, without a time, the student's previous state"), "\(night3.stderr)")
        #expect(try stored("2026-11-30") == "何芳 unchecked, 宋立成 unchecked, 陌生人 unchecked\n")
        _ = try night(copies[1], asOf: "2026-11-30", logs: [status3], full: true)
        #expect(try differences(copies) == "")

        let night4 = try night(copies[0], asOf: "2026-12-01", logs: [status4, late], full: false)
        #expect(night4.stderr.contains("status4.csv: note: 3 of its 6 rows repeat"), "\(night4.stderr)")
        #expect(night4.stderr.contains("reconciled the 3 IDs"), "\(night4.stderr)")
        #expect(try stored("2026-12-01") == "李静 unchecked, 宋立成 unchecked, 王晓明 checked, 李静 checked\n")
        _ = try night(copies[1], asOf: "2026-12-01", logs: [status4, late], full: true)
        #expect(try differences(copies) == "")

        let findings = try FindingsFile(path: copies[0] + "/Reports/2026-12-01/findings.json")
        let students = findings.studentsByKsh
        #expect(students["26420101000002"]?["state"] as? String == "unchecked", "李静: the export after her 自查完成 says 未查")
        #expect(students["26420101000016"]?["state"] as? String == "checked")
        #expect(students["26420101000017"]?["state"] as? String == "unchecked")
        #expect(students["26420101000001"]?["state"] as? String == "checked")
        let stranger = findings.unmatched.first { $0["id"] as? String == "110105200601019014" }
        // Two logins of nights 1–2, then one 未查 for both exports, dated when it was first reported.
        #expect(stranger?["events"] as? Int == 3, "\(String(describing: stranger))")
        #expect((stranger?["detail"] as? String)?.hasSuffix("至 2026-11-30 00:00:00") == true, "\(String(describing: stranger))")
    }

    @Test("a missed night's status export run late: a later export that said the earlier state again still wins")
    func statusExportOfAMissedNightRunLate() throws {
        let tmp = try TempFolder("incremental-status-late")
        let copies = try twoCopies(tmp)
        // Before these nights 李静 was 未查 and 郭强 已查 (night 2). The export of 12-01 is run only after 12-02's.
        let header = "身份证号,姓名,状态\n"
        let exports = [("2026-11-30", "420103200611220221,李静,未查\n420203200608081617,郭强,未查\n"),
                       ("2026-12-02", "420103200611220221,李静,未查\n420203200608081617,郭强,已查\n"),
                       ("2026-12-01", "420103200611220221,李静,已查\n420203200608081617,郭强,未查\n"),
                       ("2026-12-02", nil)]  // the night of 12-02 run again with its own export
        var files: [String: String] = [:]
        func states(_ asOf: String) throws -> [String] {
            let students = try FindingsFile(path: copies[0] + "/Reports/\(asOf)/findings.json").studentsByKsh
            return ["26420101000002", "26420101000016"].map { students[$0]?["state"] as? String ?? "?" }
        }
        var seen: [[String]] = []
        for (asOf, rows) in exports {
            if let rows { files[asOf] = try tmp.write(header + rows, to: "status-\(asOf).csv") }
            for (copy, full) in zip(copies, [false, true]) { _ = try night(copy, asOf: asOf, logs: [files[asOf]!], full: full) }
            #expect(try differences(copies) == "", "\(asOf)")
            seen.append(try states(asOf))
        }
        // 李静 (26420101000002) and 郭强 (26420101000016), night by night: on 12-02, 李静's 未查 came after her 已查 of
        // 12-01, although that export's row only said again her state of before (and so was not stored).
        #expect(seen == [["unchecked", "unchecked"], ["unchecked", "checked"], ["checked", "unchecked"], ["unchecked", "checked"]])
    }

    @Test("a state said again on two nights, a late row of the other state between them, then an export of that state: it changes the state")
    func stateSaidAgainThenALateRowBetween() throws {
        let tmp = try TempFolder("incremental-status-between")
        let copies = try twoCopies(tmp)
        // 李静 (26420101000002) 未查 and 郭强 (26420101000016) 已查 said by the export on two nights; a late log then
        // says the other state at 11-30 01:44, between the two; the export of 12-03 says that other state. Found by a
        // random differential audit: the 12-03 rows were taken as saying the late rows' states again (the event just
        // before them by its own time), not stored, and the incremental night kept both students as they were.
        let header = "身份证号,姓名,状态\n"
        let before = try tmp.write(header + "420103200611220221,李静,未查\n420203200608081617,郭强,已查\n", to: "before.csv")
        let late = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-30 01:44:14,420103200611220221,李静,已确认,\n"
            + "2026-11-30 01:44:14,420203200608081617,郭强,未查,\n", to: "late.csv")
        let after = try tmp.write(header + "420103200611220221,李静,已查\n420203200608081617,郭强,未查\n", to: "after.csv")
        func states(_ asOf: String) throws -> [String] {
            let students = try FindingsFile(path: copies[0] + "/Reports/\(asOf)/findings.json").studentsByKsh
            return ["26420101000002", "26420101000016"].map { students[$0]?["state"] as? String ?? "?" }
        }
        var seen: [[String]] = []
        for (asOf, logs) in [("2026-11-30", [before]), ("2026-12-01", [before]), ("2026-12-02", [late]), ("2026-12-03", [after]),
                             ("2026-12-04", [after])] {
            for (copy, full) in zip(copies, [false, true]) { _ = try night(copy, asOf: asOf, logs: logs, full: full) }
            #expect(try differences(copies) == "", "\(asOf)")
            seen.append(try states(asOf))
        }
        // On 12-02 the export's restatements (12-01) stand after the late rows (11-30 01:44); 12-03's export wins.
        #expect(seen == [["unchecked", "checked"], ["unchecked", "checked"], ["unchecked", "checked"], ["checked", "unchecked"],
                         ["checked", "unchecked"]])
    }

    @Test("two files of one night say a state without a time, one of them again: the earlier file's row stands, as on a first night")
    func stateWithoutATimeInTwoFilesOfANight() throws {
        let tmp = try TempFolder("incremental-status-two-files")
        let copies = try twoCopies(tmp)
        // A log without times says 李静 自查完成 then 未查, and 郭强 未查 then 自查完成; tonight's status export then says
        // 已查 for 李静 and 未查 for 郭强: each repeats a row of the log (an earlier file, the same time) and is left out,
        // so the log's last row decides. Found by an audit: after an earlier night both files' rows wait for the end of
        // the night, and were only compared with rows stored before it — the export's rows were kept and, last in file
        // order at the same time, decided (李静 checked, 郭强 unchecked); a first night got it right.
        let log = try tmp.write("时间,身份证号,姓名,事件,说明\n,420103200611220221,李静,自查完成,\n,420103200611220221,李静,未查,\n"
            + ",420203200608081617,郭强,未查,\n,420203200608081617,郭强,自查完成,\n", to: "log.csv")
        let export = try tmp.write("身份证号,姓名,状态\n420103200611220221,李静,已查\n420203200608081617,郭强,未查\n", to: "export.csv")
        for (copy, full) in zip(copies, [false, true]) { _ = try night(copy, asOf: "2026-11-30", logs: [log, export], full: full) }
        #expect(try differences(copies) == "")
        let students = try FindingsFile(path: copies[0] + "/Reports/2026-11-30/findings.json").studentsByKsh
        #expect(["26420101000002", "26420101000016"].map { students[$0]?["state"] as? String ?? "?" } == ["unchecked", "checked"])
    }

    @Test("a status export like an older night's says its states again; one like last night's is stale; a night between re-runs right")
    func statusExportLikeAnOlderNights() throws {
        let tmp = try TempFolder("incremental-status-again")
        let copies = try twoCopies(tmp)
        let header = "身份证号,姓名,状态\n"
        let unchecked = try tmp.write(header + "420103200611220221,李静,未查\n420203200608081617,郭强,未查\n", to: "a.csv")
        let checked = try tmp.write(header + "420103200611220221,李静,已查\n420203200608081617,郭强,未查\n", to: "b.csv")
        func 李静(_ asOf: String) throws -> String {
            try FindingsFile(path: copies[0] + "/Reports/\(asOf)/findings.json").studentsByKsh["26420101000002"]?["state"] as? String ?? "?"
        }
        var states: [String] = [], stale: [Bool] = []
        // 李静 未查, 已查, 未查 again (the first night's very file), then 未查 once more (last night's file); then the
        // missed night 12-03 is run late, 已查, and the night 12-04 between the two 未查 is run again.
        for (asOf, file) in [("2026-11-30", unchecked), ("2026-12-01", checked), ("2026-12-02", unchecked), ("2026-12-04", unchecked),
                             ("2026-12-03", checked), ("2026-12-04", unchecked)] {
            var runs: [ProcessResult] = []
            for (copy, full) in zip(copies, [false, true]) { runs.append(try night(copy, asOf: asOf, logs: [file], full: full)) }
            #expect(try differences(copies) == "", "\(asOf)")
            states.append(try 李静(asOf))
            stale.append(runs[0].stderr.contains("came in on an earlier night"))
        }
        #expect(states == ["unchecked", "checked", "unchecked", "unchecked", "checked", "unchecked"])
        #expect(stale == [false, false, false, true, false, false], "only a file like last night's is stale")
    }

    @Test("a status export read again on later nights: its other rows without a time are repeats, not new attempts")
    func statusExportReadAgainKeepsItsOtherRows() throws {
        let tmp = try TempFolder("incremental-status-other-rows")
        let copies = try twoCopies(tmp)
        // 李静's one failed recovery (no time) beside 郭强's state, the same file three nights running (and a timed log
        // given with it): one attempt, dated the first night, not three (RECOVERY_BLOCKED).
        let export = try tmp.write("身份证号,姓名,状态,说明\n420103200611220221,李静,找回失败,证件和姓名不符\n420203200608081617,郭强,未查,\n",
                                   to: "status.csv")
        let timed = try tmp.write("时间,身份证号,姓名,事件\n2026-11-30 09:00:00,420204200609091717,何芳,登录\n", to: "timed.csv")
        var stale: [Bool] = []
        for asOf in ["2026-11-30", "2026-12-01", "2026-12-02"] {
            var runs: [ProcessResult] = []
            for (copy, full) in zip(copies, [false, true]) { runs.append(try night(copy, asOf: asOf, logs: [timed, export], full: full)) }
            #expect(try differences(copies) == "", "\(asOf)")
            stale.append(runs[0].stderr.contains("came in on an earlier night"))
            let findings = try FindingsFile(path: copies[0] + "/Reports/\(asOf)/findings.json").studentsByKsh["26420101000002"]?["findings"]
                as? [[String: Any]] ?? []
            let mismatch = findings.first { $0["code"] as? String == "RECOVERY_NAME_MISMATCH" }
            #expect(!findings.contains { $0["code"] as? String == "RECOVERY_BLOCKED" }, "\(asOf): \(findings)")
            #expect((mismatch?["detail"] as? String)?.contains("2026-11-30 00:00") == true, "\(asOf): \(findings)")
        }
        #expect(stale == [false, true, true], "last night's files again are stale, night after night")
    }

    @Test("new rows naming over a fifth of the students (10,000 IDs or more): everyone is reconciled, with a note")
    func manyTouchedIDsReconcileEveryone() throws {
        let tmp = try TempFolder("incremental-many")
        for folder in ["night1", "night2", "night3", "default"] {
            try FileManager.default.createDirectory(atPath: tmp.file(folder), withIntermediateDirectories: true)
        }
        let first = try SyntheticNight.write(students: 0..<20_000, eventDay: "2026-11-27", to: tmp.file("night1"))
        // Events of the same students a day later: of 12,000 students (11,161 with events), then of 2,000 (1,860 with events).
        let many = try SyntheticNight.write(students: 0..<12_000, eventDay: "2026-11-28", to: tmp.file("night2")).log
        let few = try SyntheticNight.write(students: 10_000..<12_000, eventDay: "2026-11-29", to: tmp.file("night3")).log
        func run(_ folder: String, asOf: String, logs: [String], full: Bool = false) throws -> String {
            var arguments = ["nightly", "--roster", first.roster, "--db", "zicha.sqlite", "--out", "Reports", "--as-of", asOf, "--no-mail"]
            for log in logs { arguments += ["--log", log] }
            if full { arguments.append("--full") }
            let result = try ZichaBinary.run(arguments: arguments, cwd: tmp.file(folder))
            try #require(result.status == 0, "\(result.stderr)")
            return result.stderr
        }
        _ = try run("default", asOf: "2026-11-27", logs: [first.log])
        let night2 = try run("default", asOf: "2026-11-28", logs: [first.log, many])
        #expect(night2.contains("note: the rows new since the latest night name 11161 IDs, more than a fifth of the students: "
                                + "reconciled everyone"), "\(night2)")
        #expect(!night2.contains("only logs came in"), "\(night2)")
        // The next night, incremental again over the night reconciled whole, gives what --full gives.
        try FileManager.default.copyItem(atPath: tmp.file("default"), toPath: tmp.file("full"))
        let night3 = try run("default", asOf: "2026-11-29", logs: [first.log, many, few])
        #expect(night3.contains("reconciled the 1860 IDs their new or changed rows name"), "\(night3)")
        _ = try run("full", asOf: "2026-11-29", logs: [first.log, many, few], full: true)
        #expect(try differences([tmp.file("default"), tmp.file("full")]) == "")
    }

    @Test("a new roster is reconciled incrementally too; a counselor list or an earlier night means every student")
    func rostersCounselorListsAndEarlierNights() throws {
        let tmp = try TempFolder("incremental-full")
        let copies = try twoCopies(tmp)
        let log3 = try tmp.write(Self.log3, to: "log3.csv")
        func both(roster: String, counselors: String, asOf: String, log: String) throws -> String {
            let arguments = ["nightly", "--roster", roster, "--log", log, "--counselors", counselors, "--db", "zicha.sqlite",
                             "--out", "Reports", "--as-of", asOf, "--config", Self.config, "--no-mail"]
            let run = try ZichaBinary.run(arguments: arguments, cwd: copies[0])
            try #require(run.status == 0, "\(run.stderr)")
            _ = try ZichaBinary.run(arguments: arguments + ["--full"], cwd: copies[1])
            #expect(try differences(copies) == "")
            return run.stderr
        }
        // Night 1's roster again: S34 goes, S35 comes back.
        let rosterNight = try both(roster: PackagePaths.file("SampleData/night1/roster.csv").path, counselors: Self.counselors,
                                   asOf: "2026-11-30", log: log3)
        #expect(rosterNight.contains("only logs and a roster came in since the night of 2026-11-29"), "\(rosterNight)")
        // 唐嘉怡 (born 2006, logging under her 15-digit ID) gets another ID on the roster: her 15-digit rows now stand
        // for nobody on it, under their 19xx form.
        let night2 = try String(contentsOfFile: Self.roster, encoding: .utf8)
        let renumbered = try tmp.write(night2.replacingOccurrences(of: "420216200609122910", with: "440301200808081239"), to: "roster4.csv")
        let idNight = try both(roster: renumbered, counselors: Self.counselors, asOf: "2026-12-01", log: log3)
        #expect(night2.contains("420216200609122910") && idNight.contains("only logs and a roster came in"), "\(idNight)")
        let unmatched = try FindingsFile(path: copies[0] + "/Reports/2026-12-01/findings.json").unmatched.compactMap { $0["id"] as? String }
        #expect(unmatched.contains { $0.hasPrefix("42021619060912291") }, "\(unmatched)")
        // A counselor list that gives 计科2602 to another counselor: everyone again.
        let moved = try String(contentsOfFile: Self.counselors, encoding: .utf8)
            .replacingOccurrences(of: "王老师,wang.laoshi@example.com", with: "赵老师,zhao.laoshi@example.com")
        let counselors = try tmp.write(moved, to: "counselors.csv")
        let log3b = try tmp.write(Self.log3b, to: "log3b.csv")
        let counselorNight = try both(roster: renumbered, counselors: counselors, asOf: "2026-12-02", log: log3b)
        #expect(moved.contains("赵老师") && !counselorNight.contains("came in since the night"), "\(counselorNight)")
        // A night before the latest one, with a roster where 何芳 no longer shares 郭强's phone: no night to carry over
        // from. The next night after the latest learns of that change, and reconciles everyone: the latest night's days
        // outstanding and new findings were counted from the earlier night as it was before (an audit's finding).
        let phone = try tmp.write(night2.replacingOccurrences(of: "+86-138-0013-8000", with: "13900139000"), to: "roster5.csv")
        let earlier = try both(roster: phone, counselors: counselors, asOf: "2026-11-29", log: log3b)
        #expect(night2.contains("+86-138-0013-8000") && !earlier.contains("came in since the night"), "\(earlier)")
        let log3c = try tmp.write("时间,身份证号,姓名,事件\n2026-12-03 09:00:00,420204200609091717,何芳,登录\n", to: "log3c.csv")
        let later = try both(roster: phone, counselors: counselors, asOf: "2026-12-03", log: log3c)
        #expect(!later.contains("came in since the night"), "\(later)")
    }

    /// Found by an audit: a night run late (cron missed it) after the night that follows it, then that later night run
    /// again with a late log, carried over results counted from the earlier night as it was before — a finding the late
    /// night already had was "new", days outstanding one short — and the error went on into the nights after.
    @Test("a night run late after the one that follows it: that later night is reconciled again whole, as with --full")
    func backfilledNight() throws {
        let tmp = try TempFolder("incremental-backfill")
        let copies = try twoCopies(tmp)
        func both(asOf: String, logs: [String]) throws -> String {
            let arguments = ["nightly", "--roster", Self.roster, "--counselors", Self.counselors, "--db", "zicha.sqlite",
                             "--out", "Reports", "--as-of", asOf, "--config", Self.config, "--no-mail"] + logs.flatMap { ["--log", $0] }
            let run = try ZichaBinary.run(arguments: arguments, cwd: copies[0])
            try #require(run.status == 0, "\(run.stderr)")
            _ = try ZichaBinary.run(arguments: arguments + ["--full"], cwd: copies[1])
            #expect(try differences(copies) == "", "\(asOf)")
            return run.stderr
        }
        let log3 = try tmp.write(Self.log3, to: "log3.csv"), late = try tmp.write(Self.log3b, to: "log3b.csv")
        let log4 = try tmp.write("时间,身份证号,姓名,事件\n2026-12-01 09:00:00,420102200703150113,王晓明,查看学籍\n", to: "log4.csv")
        let log5 = try tmp.write("时间,身份证号,姓名,事件\n2026-12-02 09:00:00,420204200609091717,何芳,登录\n", to: "log5.csv")
        _ = try both(asOf: "2026-12-01", logs: [log3, log4])  // 11-30 missed
        _ = try both(asOf: "2026-11-30", logs: [log3])  // run late
        let again = try both(asOf: "2026-12-01", logs: [log4, late])
        #expect(again.contains("a night before 2026-12-01 was reconciled again after it"), "\(again)")
        let next = try both(asOf: "2026-12-02", logs: [log5])
        #expect(next.contains("only logs came in since the night of 2026-12-01"), "carried over again once the nights are in order: \(next)")
    }

    @Test("another build of zicha does not carry over what this one computed")
    func anotherBuild() throws {
        let tmp = try TempFolder("incremental-build")
        let copies = try twoCopies(tmp)
        // The same program, installed again: another file, another modification time.
        let other = URL(fileURLWithPath: tmp.file("zicha-other"))
        try FileManager.default.copyItem(at: ZichaBinary.url, to: other)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)], ofItemAtPath: other.path)
        let log3 = try tmp.write(Self.log3, to: "log3.csv")
        let run = try ZichaBinary.run(arguments: [
            "nightly", "--roster", Self.roster, "--counselors", Self.counselors, "--log", log3, "--db", "zicha.sqlite",
            "--out", "Reports", "--as-of", "2026-11-30", "--config", Self.config, "--no-mail"], cwd: copies[0], executable: other)
        try #require(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("only logs came in"), "\(run.stderr)")
        // …and the next log-only night of that build carries over its own night.
        let log3b = try tmp.write(Self.log3b, to: "log3b.csv")
        let next = try ZichaBinary.run(arguments: [
            "nightly", "--roster", Self.roster, "--counselors", Self.counselors, "--log", log3, "--log", log3b, "--db", "zicha.sqlite",
            "--out", "Reports", "--as-of", "2026-11-30", "--config", Self.config, "--no-mail"], cwd: copies[0], executable: other)
        #expect(next.stderr.contains("only logs came in since the night of 2026-11-30"), "\(next.stderr)")
    }

    /// Random log-only nights over SampleData's people: events of every kind and reason for students (shared ID,
    /// shared phone, 15-digit forms, one who left) and strangers; new nights and same-night re-runs, in turn.
    @Test("seeded random log-only nights give what --full gives, night after night")
    func randomNights() throws {
        let tmp = try TempFolder("incremental-random")
        let copies = try twoCopies(tmp)
        let people: [(id: String, name: String)] = [
            ("420102200703150113", "王晓明"), ("420103200611220221", "李静"), ("420104200701010339", "张伟"),
            ("420105200606060449", "刘洋"), ("420112200610100881", "黄磊"), ("420117200705051316", "马超"),
            ("420202200607071410", "朱琳"), ("420203200608081617", "郭强"), ("420204200609091717", "何芳"),
            ("420215990811281", "宋立成"), ("420215199908112817", "宋立成"), ("420216060912291", "唐嘉怡"),
            ("420221200703183518", "曹阳"), ("420220200702173418", "邓宁"), ("110105200601019014", "陌生人"),
            ("110108200505051232", "新人"), ("320102991231456", "旧人"), ("440301200808081239", "无名"),
        ]
        let events = ["注册成功", "登录", "查看学籍", "退出", "自查完成", "未查", "信息有误", "注册失败", "找回失败"]
        let details = ["", "该证件号码已被注册", "该证件号码已被征兵部门注册", "手机号码已存在", "证件和姓名不符",
                       "请求被取消，不能频繁使用该功能", "找回用户名时提示未注册过", "注册邮箱已无法使用"]
        var random = SplitMix64(seed: 20261130)
        var day = 30, file = 0
        for step in 0..<8 {
            if step % 2 == 0 { day += 1 }  // a new night, then a re-run of it with one more log
            let asOf = "2026-12-\(String(format: "%02d", day - 30))"
            var text = "时间,身份证号,姓名,事件,说明\n"
            for _ in 0..<(3 + Int(random.next() % 10)) {
                let who = people[Int(random.next() % UInt64(people.count))]
                let event = events[Int(random.next() % UInt64(events.count))]
                let detail = event.hasSuffix("失败") ? details[Int(random.next() % UInt64(details.count))] : ""
                let minute = Int(random.next() % 600)
                text += "\(asOf) \(String(format: "%02d:%02d", 8 + minute / 60, minute % 60)):00,\(who.id),\(who.name),\(event),\(detail)\n"
            }
            file += 1
            let log = try tmp.write(text, to: "random\(file).csv")
            let logs = step % 2 == 0 ? [log] : [tmp.file("random\(file - 1).csv"), log]
            let run = try night(copies[0], asOf: asOf, logs: logs, full: false)
            #expect(run.stderr.contains("only logs came in"), "step \(step): \(run.stderr)")
            _ = try night(copies[1], asOf: asOf, logs: logs, full: true)
            let diff = try differences(copies)
            #expect(diff == "", "step \(step), \(asOf):\n\(text)\n\(diff)")
            if !diff.isEmpty { break }
        }
    }
}

extension IncrementalReconcileTests {
    /// Random nights of status exports beside timed logs. One copy gets the exports as they come (no times: rows
    /// that repeat the previous state are left out); the other gets the same rows timed 00:00:01, which are all
    /// stored. Leaving rows out must change no state, no finding, no days outstanding, new or resolved — only the
    /// times in the evidence and a NOT_ON_ROSTER's 记录数 may differ.
    @Test("seeded random status exports: the states left out change no state and no finding")
    func randomStatusExports() throws {
        let tmp = try TempFolder("incremental-status-random")
        let copies = try twoCopies(tmp)
        let people: [(id: String, name: String)] = [
            ("420102200703150113", "王晓明"), ("420103200611220221", "李静"), ("420104200701010339", "张伟"),
            ("420105200606060449", "刘洋"), ("420112200610100881", "黄磊"), ("420202200607071410", "朱琳"),
            ("420203200608081617", "郭强"), ("420204200609091717", "何芳"), ("420215199908112817", "宋立成"),
            ("420221200703183518", "曹阳"), ("110105200601019014", "陌生人"), ("110108200505051232", "新人"),
        ]
        let states = ["已查", "未查", "信息有误"]
        let events = ["注册成功", "登录", "查看学籍", "自查完成", "未查", "信息有误", "注册失败", "找回失败"]
        let details = ["", "该证件号码已被注册", "手机号码已存在", "证件和姓名不符", "请求被取消"]
        var random = SplitMix64(seed: 20261202)
        func pick<T>(_ a: [T]) -> T { a[Int(random.next() % UInt64(a.count))] }
        var latest = people.map { _ in pick(states) }
        var leftOut = 0
        for day in 1...8 {
            let asOf = "2026-12-\(String(format: "%02d", day))"
            var status = ["身份证号,姓名,状态\n", "时间,身份证号,姓名,状态\n"]
            for (i, p) in people.enumerated() where random.next() % 5 != 0 {
                if random.next() % 4 == 0 { latest[i] = pick(states) }
                status[0] += "\(p.id),\(p.name),\(latest[i])\n"
                status[1] += "\(asOf) 00:00:01,\(p.id),\(p.name),\(latest[i])\n"
            }
            var log = "时间,身份证号,姓名,事件,说明\n"
            for _ in 0..<(1 + Int(random.next() % 5)) {
                let who = pick(people), event = pick(events), minute = Int(random.next() % 600)
                // Some of them yesterday: a late export that lands between two status exports.
                let date = random.next() % 3 == 0 && day > 1 ? "2026-12-\(String(format: "%02d", day - 1))" : asOf
                log += "\(date) \(String(format: "%02d:%02d", 8 + minute / 60, minute % 60)):00,\(who.id),\(who.name),\(event),"
                    + "\(event.hasSuffix("失败") ? pick(details) : "")\n"
            }
            let logFile = try tmp.write(log, to: "log\(day).csv")
            let logFirst = random.next() % 2 == 0
            var nights: [FindingsFile] = []
            for (copy, text) in zip(copies, status) {
                let statusFile = try tmp.write(text, to: "status\(day)-\(nights.count).csv")
                let run = try night(copy, asOf: asOf, logs: logFirst ? [logFile, statusFile] : [statusFile, logFile], full: false)
                if nights.isEmpty, run.stderr.contains("repeat, without a time") { leftOut += 1 }
                nights.append(try FindingsFile(path: copy + "/Reports/\(asOf)/findings.json"))
            }
            func outcome(_ f: FindingsFile) -> String {
                let students = (f.json["students"] as? [[String: Any]] ?? []).map { s in
                    let findings = (s["findings"] as? [[String: Any]] ?? []).map { "\($0["code"] ?? "") \($0["change"] ?? "")" }
                    return "\(s["ksh"] ?? "") \(s["state"] ?? "") \(s["days_outstanding"] ?? "") \(findings)"
                }
                let unmatched = f.unmatched.map { "\($0["id"] ?? "")" }.sorted()
                let resolved = f.resolved.map { "\($0["ksh"] ?? "") \($0["code"] ?? "")" }.sorted()
                return "\(f.totals.sorted { $0.key < $1.key })\n" + (students + unmatched + resolved).joined(separator: "\n")
            }
            let diff = try unifiedDiff(outcome(nights[0]), outcome(nights[1]), labels: ("without times", "timed"))
            #expect(diff == "", "\(asOf):\n\(status[0])\n\(log)\n\(diff)")
            if !diff.isEmpty { break }
        }
        #expect(leftOut >= 5, "only \(leftOut) of 8 nights left a repeated state out")
    }

    /// A roster's people: the IDs cover a shared ID (2 and 3), a 1999 birth and a 2006 birth that log under their
    /// 15-digit forms, and an ID two strangers' log rows also use once it leaves the roster.
    static let rosterPeople: [(ksh: String, name: String, id: String, phone: String, className: String)] = [
        ("26420101000101", "王晓明", "420102200703150113", "13800000101", "计科2601"),
        ("26420101000102", "李静", "420202200607071410", "13800000102", "计科2601"),
        ("26420101000103", "朱琳", "420202200607071410", "13800000103", "计科2602"),
        ("26420101000104", "宋立成", "420215199908112817", "13800000104", "计科2602"),
        ("26420101000105", "唐嘉怡", "420216200609122910", "13800000105", "计科2601"),
        ("26420101000106", "張偉", "420104200701010339", "13800000106", "电信2601"),
        ("26420101000107", "郭强", "420203200608081617", "13800000107", "电信2601"),
        ("26420101000108", "何芳", "420204200609091717", "13800000107", "电信2602"),
        ("26420101000109", "马超", "420117200705051316", "138 0000 0109", "计科2609"),
        ("26420101000110", "新人", "110108200505051232", "13800000110", "计科2602"),
    ]

    /// A roster CSV of `people` (each row possibly edited), with the roster's own counselor for some.
    static func rosterText(_ rows: [(ksh: String, name: String, id: String, phone: String, className: String)]) -> String {
        var text = "考生号,学号,姓名,录取姓名,身份证号,性别,出生日期,手机号,学院,专业,班级,辅导员,辅导员邮箱\n"
        for (i, p) in rows.enumerated() {
            let college = p.className.hasPrefix("计科") ? "计算机学院" : "电子信息学院"
            let own = p.ksh.hasSuffix("7") ? "韩老师,han@example.com" : ","
            text += "\(p.ksh),2026\(String(format: "%06d", i)),\(p.name),,\(p.id),男,2006-01-01,\(p.phone),\(college),专业,\(p.className),\(own)\n"
        }
        return text
    }

    @Test("seeded random rosters and logs, night after night: incremental nights give what --full gives")
    func randomRosterNights() throws {
        let tmp = try TempFolder("incremental-rosters")
        var random = SplitMix64(seed: 20261201)
        func pick<T>(_ a: [T]) -> T { a[Int(random.next() % UInt64(a.count))] }
        let first = tmp.file("default"), second = tmp.file("full")
        for folder in [first, second] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let copies = [first, second]
        var people = Self.rosterPeople
        let ids = Self.rosterPeople.map(\.id) + ["420215990811281", "420216060912291", "320102199912314568", "420301200707163671"]
        let names = ["王晓明", "李静", "张伟", "張偉", "何芳", "新人", "买买提·艾力"]
        let classes = ["计科2601", "计科2602", "计科2609", "电信2601", "电信2602"]
        let phones = ["13800000101", "13800000107", "13900000001", "027-87654321", "+86 138 0000 0102", ""]
        let events = ["注册成功", "登录", "查看学籍", "自查完成", "未查", "信息有误", "注册失败", "找回失败"]
        let details = ["", "该证件号码已被注册", "该证件号码已被征兵部门注册", "手机号码已存在", "证件和姓名不符", "请求被取消"]
        var rosterFile = "", incrementalNights = 0
        for step in 0..<12 {
            let day = 1 + step / 2  // a new night, then the same night again with other files
            let asOf = "2026-12-\(String(format: "%02d", day))"
            if step == 0 || random.next() % 3 != 0 {  // a roster with a few edits (else yesterday's file again)
                var rows: [(ksh: String, name: String, id: String, phone: String, className: String)] = []
                for var p in people {
                    switch random.next() % 12 {
                    case 0: continue  // absent tonight (left)
                    case 1: p.id = pick(ids)
                    case 2: p.phone = pick(phones)
                    case 3: p.name = pick(names)
                    case 4: p.className = pick(classes)
                    default: break
                    }
                    rows.append(p)
                }
                if step > 0 { people = people.map { p in rows.first { $0.ksh == p.ksh } ?? p } }  // edits persist, the absent return
                rosterFile = try tmp.write(Self.rosterText(rows), to: "roster\(step).csv")
            }
            var log = "时间,身份证号,姓名,事件,说明\n"
            for _ in 0..<(2 + Int(random.next() % 6)) {
                let event = pick(events)
                let minute = Int(random.next() % 600)
                log += "\(asOf) \(String(format: "%02d:%02d", 8 + minute / 60, minute % 60)):00,\(pick(ids)),某人,\(event),"
                    + "\(event.hasSuffix("失败") ? pick(details) : "")\n"
            }
            let logFile = try tmp.write(log, to: "log\(step).csv")
            var arguments = ["nightly", "--roster", rosterFile, "--log", logFile, "--counselors", Self.counselors, "--db", "zicha.sqlite",
                             "--out", "Reports", "--as-of", asOf, "--config", Self.config, "--no-mail"]
            if step % 2 == 1 { arguments += ["--log", tmp.file("log\(step - 1).csv")] }
            let run = try ZichaBinary.run(arguments: arguments, cwd: copies[0])
            try #require(run.status == 0, "step \(step): \(run.stderr)")
            if run.stderr.contains("came in since the night") { incrementalNights += 1 }
            let full = try ZichaBinary.run(arguments: arguments + ["--full"], cwd: copies[1])
            try #require(full.status == 0, "step \(step): \(full.stderr)")
            let diff = try differences(copies)
            let roster = try String(contentsOfFile: rosterFile, encoding: .utf8)
            #expect(diff == "", "step \(step), \(asOf):\n\(roster)\n\(log)\n\(diff)")
            if !diff.isEmpty { break }
        }
        #expect(incrementalNights >= 10, "only \(incrementalNights) of 11 later nights were incremental")
    }
}

/// A small seeded generator (SplitMix64): the same sequence on every run and platform.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
