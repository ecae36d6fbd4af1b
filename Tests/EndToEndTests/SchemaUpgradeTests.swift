import Foundation
import Testing
import ZichaTestSupport

/// A database written before results were keyed by the student's row id (schema v3) is upgraded when the new
/// binary opens it: every stored night reads back the same, and its reports come out byte for byte as before.
@Suite("Schema upgrade")
struct SchemaUpgradeTests {
    /// Turns a current database back into the v3 layout of `student_result` and `finding` (as `Schema.createV1`
    /// made them), forgets the v4 migration, and rewrites it in the 4 KB pages databases then had.
    static let downgradeToV3 = """
        CREATE TABLE sr3 (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE, ksh TEXT NOT NULL, state TEXT NOT NULL,
            outstanding_since TEXT, counselor TEXT NOT NULL, counselor_email TEXT NOT NULL, PRIMARY KEY (run_id, ksh)
        ) WITHOUT ROWID;
        INSERT INTO sr3 SELECT run_id, ksh, state, outstanding_since, counselor, counselor_email FROM student_result;
        DROP TABLE student_result;
        ALTER TABLE sr3 RENAME TO student_result;
        CREATE TABLE f3 (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE, subject TEXT NOT NULL, code TEXT NOT NULL,
            detail TEXT NOT NULL, remedies TEXT NOT NULL, change TEXT NOT NULL DEFAULT 'new', PRIMARY KEY (run_id, subject, code)
        ) WITHOUT ROWID;
        INSERT INTO f3 SELECT run_id, subject, code, detail, remedies, change FROM finding;
        DROP TABLE finding;
        ALTER TABLE f3 RENAME TO finding;
        DELETE FROM grdb_migrations WHERE identifier LIKE 'v4%';
        PRAGMA page_size = 4096;
        VACUUM;
        """

    /// Every stored result and finding, by 考生号 / subject (readable in both layouts).
    static let storedNights = """
        SELECT r.as_of, x.ksh, x.state, x.outstanding_since, x.counselor, x.counselor_email
          FROM student_result x JOIN run r ON r.id = x.run_id ORDER BY r.as_of, x.ksh;
        SELECT r.as_of, x.subject, x.code, x.detail, x.remedies, x.change
          FROM finding x JOIN run r ON r.id = x.run_id ORDER BY r.as_of, x.subject, x.code;
        """

    @Test("a v3 database opens upgraded: the same nights, the same reports, and the next night runs on it")
    func upgradeFromV3() throws {
        let tmp = try TempFolder("upgrade")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        for night in 1...2 {
            let run = try SampleNights.run(night: night, db: db, out: out)
            try #require(run.status == 0, "night \(night): \(run.stderr)")
        }
        #expect(try SQLiteShell.integer(db, "PRAGMA page_size") == 16384)  // a new database
        let before = try SQLiteShell.run(db, Self.storedNights)
        _ = try SQLiteShell.run(db, Self.downgradeToV3)
        #expect(try SQLiteShell.integer(db, "PRAGMA page_size") == 4096)  // as databases before session 7 were made
        #expect(try SQLiteShell.run(db, "SELECT group_concat(name) FROM pragma_table_info('finding')")
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "run_id,subject,code,detail,remedies,change")
        #expect(try SQLiteShell.run(db, Self.storedNights) == before)

        // Night 2's reports removed: the re-run (same files) writes them from the upgraded store.
        let night2 = out + "/" + SampleNights.asOf[1]
        try FileManager.default.moveItem(atPath: night2, toPath: tmp.file("night2-before"))
        let rerun = try SampleNights.run(night: 2, db: db, out: out)
        try #require(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("writing its missing reports"), "\(rerun.stderr)")
        #expect(try SQLiteShell.run(db, "SELECT group_concat(name) FROM pragma_table_info('finding')")
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "run_id,student_id,subject,code,detail,remedies,change")
        #expect(try SQLiteShell.run(db, Self.storedNights) == before)
        #expect(try SQLiteShell.run(db, "PRAGMA integrity_check").trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        #expect(try SQLiteShell.integer(db, "PRAGMA page_size") == 4096)  // kept: only a VACUUM changes it
        #expect(try diffFolders(tmp.file("night2-before"), night2, skipping: "outbox") == "")

        // NOT_ON_ROSTER findings (about an ID, not a student) have no student row id.
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM finding WHERE (code = 'NOT_ON_ROSTER') <> (student_id = 0)") == 0)
        #expect(try SQLiteShell.integer(db, """
            SELECT count(*) FROM student_result r LEFT JOIN student s ON s.id = r.student_id WHERE s.ksh IS NOT r.ksh
            """) == 0)

        // A log-only night on the upgraded store carries its results over.
        let log3 = try tmp.write(IncrementalReconcileTests.log3, to: "log3.csv")
        let night3 = try ZichaBinary.run(arguments: [
            "nightly", "--roster", IncrementalReconcileTests.roster, "--counselors", IncrementalReconcileTests.counselors,
            "--log", log3, "--db", db, "--out", out, "--as-of", "2026-11-30", "--config", IncrementalReconcileTests.config, "--no-mail"])
        try #require(night3.status == 0, "\(night3.stderr)")
        #expect(night3.stderr.contains("only logs came in since the night of 2026-11-29"), "\(night3.stderr)")
        #expect(try FindingsFile(path: out + "/2026-11-30/findings.json").studentCount == 42)
    }
}

extension SchemaUpgradeTests {
    @Test("class and college names stored with inner spaces are read as one spelling, and an unchanged counselor list still matches")
    func unitNamesOfAnEarlierNightAreUpgraded() throws {
        // Given a night stored before names were folded: its classes and the counselor list's written `计科 2601`
        let tmp = try TempFolder("upgrade-names")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let header = "考生号,姓名,身份证号,学院,班级\n"
        let rows = ["26110101000001,张伟,110105199001010029,计算机 学院,计科 2601", "26110101000002,王芳,110101200602030017,计算机 学院,计科 2601"]
        let roster1 = try tmp.write(header + rows.joined(separator: "\n") + "\n", to: "roster1.csv")
        let roster2 = try tmp.write(header + (rows + ["26110101000003,李娜,110101200602030033,计算机 学院,计科 2601"]).joined(separator: "\n") + "\n",
                                    to: "roster2.csv")
        let counselors = try tmp.write("班级,辅导员,邮箱\n计科 2601,李老师,li@example.edu.cn\n", to: "counselors.csv")
        let log = try tmp.write("时间,身份证号,事件\n2026-11-27 10:00,110105199001010029,登录\n", to: "log.csv")
        func night(_ roster: String, _ asOf: String) throws -> ProcessResult {
            // --full: a new build reconciles everyone (its identity is part of the night's settings), as this one
            // would not, the same build having stored the night before
            try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--counselors", counselors, "--log", log, "--db", db,
                                            "--out", out, "--as-of", asOf, "--no-mail", "--full"])
        }
        try #require(try night(roster1, "2026-11-28").status == 0)
        _ = try SQLiteShell.run(db, """
            UPDATE student SET college = '计算机 学院', class = '计科 2601';
            UPDATE counselor_scope SET scope = '计科 2601';
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v10%';
            """)
        // When the next night brings a new roster and the same counselor list (not imported again)
        let next = try night(roster2, "2026-11-29")
        try #require(next.status == 0, "\(next.stderr)")
        // Then the stored names are folded and every student keeps the counselor (was: NO_COUNSELOR for all, no lists)
        #expect(next.stderr.contains("counselors.csv: note: already imported"), "\(next.stderr)")
        #expect(!next.stderr.contains("names no class"), "\(next.stderr)")
        #expect(try SQLiteShell.run(db, "SELECT DISTINCT college || '/' || class FROM student; SELECT scope FROM counselor_scope")
                    .split(separator: "\n") == ["计算机学院/计科2601", "计科2601"])
        let findings = try FindingsFile(path: out + "/2026-11-29/findings.json")
        #expect(findings.studentCount == 3)
        #expect(try String(contentsOfFile: out + "/2026-11-29/findings.json", encoding: .utf8).contains("NO_COUNSELOR") == false)
    }
}

extension SchemaUpgradeTests {
    @Test("a counselor list stored before classes were mapped within their college is read again, though unchanged")
    func classMappingsOfAnEarlierNightAreReadAgain() throws {
        // Given a night stored before v11: two colleges' 1班 in the list, kept as one row (the later, 王老师) without college
        let tmp = try TempFolder("upgrade-scopes")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let roster = try tmp.write("考生号,姓名,身份证号,学院,班级\n26110101000001,张伟,110105199001010029,计算机学院,1班\n"
            + "26110101000002,王芳,110101200602030017,电子学院,1班\n", to: "roster.csv")
        let counselors = try tmp.write("班级,学院,辅导员,邮箱\n1班,计算机学院,李老师,li@example.edu.cn\n1班,电子学院,王老师,wang@example.edu.cn\n",
                                       to: "counselors.csv")
        let log = try tmp.write("时间,身份证号,事件\n2026-11-27 10:00,110105199001010029,登录\n", to: "log.csv")
        func night(_ asOf: String) throws -> ProcessResult {
            // --full: a new build reconciles everyone (see above)
            try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--counselors", counselors, "--log", log, "--db", db,
                                            "--out", out, "--as-of", asOf, "--no-mail", "--full"])
        }
        try #require(try night("2026-11-28").status == 0)
        _ = try SQLiteShell.run(db, """
            DELETE FROM counselor_scope WHERE counselor = '李老师';
            UPDATE counselor_scope SET college = '';
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v11%';
            """)
        // When the next night comes with the same files
        let next = try night("2026-11-29")
        try #require(next.status == 0, "\(next.stderr)")
        // Then the list is read again and each college's 1班 has its own counselor (王老师 kept both before)
        #expect(!next.stderr.contains("counselors.csv: note: already imported"), "\(next.stderr)")
        let students = try FindingsFile(path: out + "/2026-11-29/findings.json").studentsByKsh
        #expect(students["26110101000001"]?["counselor"] as? String == "李老师")
        #expect(students["26110101000002"]?["counselor"] as? String == "王老师")
    }
}

extension SchemaUpgradeTests {
    @Test("logs stored before v13 get their count of time-less states, and events a later log stored again (before session 12) are removed")
    func statusExportsAndRepeatedEventsOfEarlierBuilds() throws {
        // Given both sample nights (night 2 has a status export, without times)
        let tmp = try TempFolder("upgrade-v14-v15")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        for night in 1...2 { try #require(try SampleNights.run(night: night, db: db, out: out).status == 0) }
        let states = "SELECT group_concat(id || ':' || timeless_states) FROM import_file WHERE kind = 'log'"
        let stored = try SQLiteShell.run(db, states)
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM import_file WHERE kind = 'log' AND timeless_states > 0") == 1)
        let events = try SQLiteShell.integer(db, "SELECT count(*) FROM event")
        // As a build before v13 left them, and with night 1's log stored again in full by a later file, as builds
        // before session 12 stored a log exported whole (its repeated rows are what v15 removes)
        _ = try SQLiteShell.run(db, """
            UPDATE import_file SET timeless_states = 0;
            CREATE TEMP TABLE f AS SELECT * FROM import_file WHERE kind = 'log' ORDER BY id LIMIT 1;
            UPDATE temp.f SET id = (SELECT max(id) + 1 FROM import_file), sha256 = 'repeated';
            INSERT INTO import_file SELECT * FROM temp.f;
            INSERT INTO event SELECT (SELECT id FROM temp.f), line, id_norm, is15, name, kind, detail, reason, ts
              FROM event WHERE file_id = (SELECT min(id) FROM import_file WHERE kind = 'log');
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v14%' OR identifier LIKE 'v15%';
            """)
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM event") > events)
        // When the new build opens it (night 2 again, the same files)
        let rerun = try SampleNights.run(night: 2, db: db, out: out)
        try #require(rerun.status == 0, "\(rerun.stderr)")
        // Then the status export counts its time-less states again, and the repeated events are gone
        let after = try SQLiteShell.run(db, states)
        #expect(after.hasPrefix(stored.trimmingCharacters(in: .whitespacesAndNewlines) + ","), "\(stored) → \(after)")
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM event") == events)
        #expect(try SQLiteShell.run(db, "PRAGMA integrity_check").trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}

/// `diff -r` of two folders (one subfolder name left out); empty when equal.
func diffFolders(_ a: String, _ b: String, skipping: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
    process.arguments = ["-r", "-x", skipping, a, b]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix(5_000))
}

extension SchemaUpgradeTests {
    @Test("names stored before v16 are read in their compatibility form, and the latest roster is read again, though unchanged")
    func namesOfAnEarlierBuildAreReadAgain() throws {
        // Given a night stored before v16: full-width letters kept as they were typed, and the space between them dropped
        let tmp = try TempFolder("upgrade-names")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let roster = try tmp.write("考生号,姓名,身份证号,手机号,学院,班级\n26110101000001,Ｌｉ Ｎａ,110105199001010029,139\u{2009}0027\u{2009}9999,外语学院,1班\n",
                                   to: "roster.csv")
        let log = try tmp.write("时间,身份证号,事件\n2026-11-27 10:00,110105199001010029,登录\n", to: "log.csv")
        func night(_ asOf: String) throws -> ProcessResult {
            try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", db, "--out", out, "--as-of", asOf, "--no-mail"])
        }
        try #require(try night("2026-11-28").status == 0)
        _ = try SQLiteShell.run(db, """
            UPDATE student SET name = 'ＬｉＮａ', admission_name = 'ＬｉＮａ', phone_norm = '139?0027?9999', phone_valid = 0;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v16%';
            """)
        // When the next night comes with the same files
        let next = try night("2026-11-29")
        try #require(next.status == 0, "\(next.stderr)")
        // Then the roster is read again, the stored admission name is the roster's name, and the phone a mobile
        #expect(!next.stderr.contains("roster.csv: note: already imported"), "\(next.stderr)")
        #expect(try SQLiteShell.run(db, "SELECT name || '|' || admission_name || '|' || phone_norm FROM student")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "Li Na|Li Na|13900279999")
        let codes = try String(contentsOfFile: out + "/2026-11-29/findings.json", encoding: .utf8)
        #expect(!codes.contains("NAME_CHANGED") && !codes.contains("PHONE_INVALID"), "\(codes)")
    }
}

extension SchemaUpgradeTests {
    @Test("events stored before v16 keep their names as a log gives them now, and states re-dated from a log with times are removed")
    func eventsOfAnEarlierBuildAreReadAgain() throws {
        // Given a night whose log has 王一's two name mismatches, and 王二's 自查完成 at 11:00 after a 未查 without a time
        let tmp = try TempFolder("upgrade-events")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let (one, two) = (SyntheticNight.idNumber(1), SyntheticNight.idNumber(2))
        let roster = try tmp.write("考生号,姓名,身份证号,学院,班级\n26110101000001,王隆,\(one),外语学院,1班\n26110101000002,王二,\(two),外语学院,1班\n",
                                   to: "roster.csv")
        let log = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-27 09:00,\(one),王隆,找回失败,证件和姓名不符\n"
            + "2026-11-27 10:00,\(one),王隆,找回失败,证件和姓名不符\n,\(two),王二,未查,\n2026-11-28 11:00,\(two),王二,自查完成,\n", to: "log.csv")
        func night(_ asOf: String) throws -> ProcessResult {
            try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", db, "--out", out, "--as-of", asOf, "--no-mail", "-q"])
        }
        try #require(try night("2026-11-28").status == 0)
        // As the build before v16 left it: 王隆's name stored with the compatibility ideograph U+F9DC the export wrote,
        // and the log given again on 11-29 read again there, its 未查 without a time dated 11-29 00:00
        _ = try SQLiteShell.run(db, """
            UPDATE event SET name = '王' || char(63964) WHERE id_norm = '\(one)';
            INSERT INTO import_file (id, kind, name, size, sha256, encoding, as_of, rows_accepted, rows_rejected, imported_at, timeless_states)
              SELECT 99, kind, name, size, sha256, encoding, '2026-11-29', rows_accepted, rows_rejected, imported_at, timeless_states
              FROM import_file WHERE kind = 'log';
            INSERT INTO event SELECT 99, line, id_norm, is15, name, kind, detail, reason, ts + 86400 FROM event WHERE id_norm = '\(two)' AND kind = 'unchecked';
            INSERT INTO import_file (id, kind, name, size, sha256, encoding, as_of, rows_accepted, rows_rejected, imported_at, timeless_states)
              VALUES (98, 'log', 'log-b.csv', 1, 'another', 'utf-8', '2026-11-28', 1, 0, '', 0);
            INSERT INTO event SELECT 98, line, id_norm, is15, name || char(65039), kind, detail, reason, ts FROM event WHERE id_norm = '\(one)' AND line = 2;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v16%';
            """)
        // (and 王隆's first mismatch stored again from another file, the name with a variation selector after it)
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM event") == 6)
        // When the new build runs the next night, with 王隆's two rows exported again, the name in its ordinary form
        let again = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-27 09:00,\(one),王隆,找回失败,证件和姓名不符\n"
            + "2026-11-27 10:00,\(one),王隆,找回失败,证件和姓名不符\n", to: "log2.csv")
        let next = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", again, "--db", db, "--out", out, "--as-of", "2026-11-29", "--no-mail"])
        try #require(next.status == 0, "\(next.stderr)")
        // Then the upgrade is said, the repeated rows are not stored again (two mismatches, not four), and 王二 is checked
        // (the re-dated 未查 removed)
        #expect(next.stderr.contains("note: the database was upgraded from schema 15 to 16"), "\(next.stderr)")
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM event") == 4)
        let students = try FindingsFile(path: out + "/2026-11-29/findings.json").studentsByKsh
        let codes = (students["26110101000001"]?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("RECOVERY_NAME_MISMATCH") && !codes.contains("RECOVERY_BLOCKED"), "\(codes)")
        #expect(students["26110101000002"]?["state"] as? String == "checked")
    }
}

extension SchemaUpgradeTests {
    @Test func pruneSaysItUpgradedTheDatabaseUnderQuiet() throws {
        // Given a database of schema 15 (a night stored, the v16 step undone)
        let tmp = try TempFolder("upgrade-prune")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        try #require(try SampleNights.run(night: 1, db: db, out: out).status == 0)
        _ = try SQLiteShell.run(db, "DELETE FROM grdb_migrations WHERE identifier LIKE 'v16%'")
        // When the new build's first command is a prune
        let prune = try ZichaBinary.run(arguments: ["prune", "--db", db, "--keep-nights", "2", "-q"])
        // Then it says it upgraded the database, as a night would
        #expect(prune.status == 0)
        #expect(prune.stderr.contains("note: the database was upgraded from schema 15 to 16"), "\(prune.stderr)")
        #expect(try ZichaBinary.run(arguments: ["prune", "--db", db, "--keep-nights", "2", "-q"]).stderr.isEmpty)
    }
}
