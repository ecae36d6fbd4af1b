import Foundation
import GRDB
import Testing
import ZichaTestSupport
@testable import ZichaKit

/// Paths, temporary files, a database dump and a one-call night import, shared by the import tests.
enum ImportFixtures {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("import")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The folder of this test process's temporary files (0700), removed when the process exits: the tests write
    /// hundreds of small files, which were once left behind in /tmp run after run.
    static let processFolder: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-unittests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        atexit { try? FileManager.default.removeItem(at: ImportFixtures.processFolder) }
        return dir
    }()

    /// Writes `data` to a fresh file in a fresh temporary folder (0700) and returns its path.
    static func temporaryFile(_ data: Data, name: String = "t.csv") throws -> String {
        let dir = processFolder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    static func temporaryFile(_ text: String, name: String = "t.csv") throws -> String {
        try temporaryFile(Data(text.utf8), name: name)
    }

    /// A workbook written by the report's own writer to a fresh temporary file named `name`: each sheet a name and
    /// its rows of cells (`texts` makes text cells). Returns its path.
    static func workbook(_ name: String, sheets: [(name: String, rows: [[XLSXWriterBook.Cell]])]) throws -> String {
        let path = processFolder.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        let book = XLSXWriterBook(fd: try ReportFile.create(URL(fileURLWithPath: path)), path: path, title: "t", created: Date(timeIntervalSince1970: 0))
        for sheet in sheets {
            let width = sheet.rows.map(\.count).max() ?? 0
            try book.startSheet(sheet.name, columns: Array(repeating: (width: 16, style: .text), count: width), frozenRows: 1)
            for row in sheet.rows { try book.appendRow(row) }
            try book.finishSheet(filterColumns: 0)
        }
        try book.close()
        return path
    }

    /// Rows of text cells, for `workbook`.
    static func texts(_ rows: [[String]]) -> [[XLSXWriterBook.Cell]] { rows.map { $0.map { .text($0, .text) } } }

    /// Imports one night into `database`.
    @discardableResult
    static func importNight(_ database: AppDatabase, asOf: String = "2026-09-05", roster: String?, logs: [String] = [],
                            counselors: String? = nil, options: ZichaKit.TableOptions = ZichaKit.TableOptions(),
                            diagnostics: DiagnosticCollector = DiagnosticCollector()) throws -> [ImportedFile] {
        let importer = Importer(database: database, asOf: asOf, vocabulary: try EventVocabulary(), options: options, diagnostics: diagnostics)
        return try importer.run(NightInputs(roster: roster, counselors: counselors, logs: logs))
    }
}

extension AppDatabase {
    /// Every table's schema and rows, in a stable order: equal dumps mean an unchanged database.
    func dump() throws -> [String] {
        try writer.read { db in
            var out = try String.fetchAll(db, sql: "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                out += try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { "\(table): \($0)" }.sorted()
            }
            return out
        }
    }

    /// Rows of a query, each as its description.
    func rows(_ sql: String) throws -> [String] {
        try writer.read { db in try Row.fetchAll(db, sql: sql).map(\.description) }
    }

    func count(_ table: String) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")! }
    }
}

@Suite struct ImporterTests {
    static let studentColumns = """
        SELECT ksh, xh, name_raw, name, admission_name, id_raw, id_norm, id_problem, id_cleaned, id15, sex, birthdate,
               phone_raw, phone_norm, phone_valid, college, major, class, counselor, counselor_email, first_seen, last_seen,
               left_on, line FROM student ORDER BY ksh
        """
    static let eventColumns = "SELECT line, id_norm, is15, name, kind, detail, reason, ts FROM event ORDER BY line"

    static func importedStudents(_ roster: String) throws -> [String] {
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: ImportFixtures.path(roster))
        return try database.rows(studentColumns)
    }

    // MARK: Every variant, the same rows

    @Test(arguments: CanonicalFixtures.shared.roster_files.dropFirst())
    func everyRosterVariantStoresTheSameRows(_ name: String) throws {
        let reference = try Self.importedStudents(CanonicalFixtures.shared.roster_files[0])
        #expect(try Self.importedStudents(name) == reference)
    }

    @Test func theReferenceRosterIsNormalizedAsTheSpecSays() throws {
        // Given
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        // When
        let files = try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-utf8-comma-lf-zh.csv"), diagnostics: diagnostics)
        // Then
        #expect(files.map(\.accepted) == [5])
        #expect(files.map(\.rejected) == [0])
        #expect(diagnostics.errors.isEmpty && diagnostics.warnings.isEmpty)
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT ksh, name, admission_name, id_norm, id_cleaned, id_problem, phone_norm, phone_valid, major FROM student ORDER BY ksh")
        }
        func col(_ name: String) -> [String] { rows.map { ($0[name] as DatabaseValue).description } }
        #expect(col("name") == ["\"张伟\"", "\"阿依古丽·买买提\"", "\"王芳\"", "\"李䶮\"", "\"張小偉\""])
        #expect(rows.map { $0["admission_name"] as String } == ["张伟", "阿依古丽·买买提", "王芳", "李䶮", "张伟"])
        #expect(rows.map { $0["id_norm"] as String } == ["110105199001010029", "44030520060715103X", "110101200602030017",
                                                            "110101190602030010", "320102197001018646"])
        #expect(rows.map { $0["id_cleaned"] as Bool } == [false, true, true, true, false])  // 110101 060203 001: a legacy number with spaces
        #expect(rows.map { $0["id_problem"] as String? } == [nil, nil, nil, nil, nil])
        #expect(rows.map { $0["phone_norm"] as String } == ["13800138000", "13900139000", "13700137000", "", "1380013800"])
        #expect(rows.map { $0["phone_valid"] as Bool } == [true, true, true, false, false])
        #expect(rows[1]["major"] as String == "数据科学与大数据技术\n（\"卓越\"班）")
    }

    /// Text is bound from a 64 KB buffer per statement; a row whose cells outgrow it is bound by copy, and the rows
    /// after it are stored from the buffer again — every value exactly as read.
    @Test func cellsLargerThanTheBindingBufferAreStoredWhole() throws {
        let major = String(repeating: "长", count: 30_000), college = String(repeating: "学", count: 25_000) + "院"
        let roster = """
            考生号,学号,姓名,身份证号,手机号,学院,专业,班级
            26110101000001,2026010101,张伟,110105199001010029,13800138000,计算机学院,软件工程,计科2601
            26110101000002,2026010102,王芳,110101200602030017,13700137000,\(college),\(major),计科2602
            26110101000003,2026010103,李䶮,110101190602030010,13900139000,外国语学院,英语,英语2601

            """
        let database = try AppDatabase(inMemory: ())
        let files = try ImportFixtures.importNight(database, roster: try ImportFixtures.temporaryFile(roster))
        #expect(files.map(\.accepted) == [3])
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT ksh, name, college, major, class, phone_norm FROM student ORDER BY ksh")
        }
        #expect(rows.map { $0["college"] as String } == ["计算机学院", college, "外国语学院"])
        #expect(rows.map { $0["major"] as String } == ["软件工程", major, "英语"])
        #expect(rows.map { $0["name"] as String } == ["张伟", "王芳", "李䶮"])
        #expect(rows.map { $0["class"] as String } == ["计科2601", "计科2602", "英语2601"])
        #expect(rows.map { $0["phone_norm"] as String } == ["13800138000", "13700137000", "13900139000"])
    }

    @Test(arguments: CanonicalFixtures.shared.log_files)
    func everyLogVariantStoresTheSameEvents(_ name: String) throws {
        // Given the roster, and the log in one of its variants
        let database = try AppDatabase(inMemory: ())
        let files = try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-utf8-comma-lf-zh.csv"),
                                                   logs: [ImportFixtures.path(name)])
        // Then every event is kept, the unknown ID too, the 15-digit one in its 15-digit form
        #expect(files.map(\.accepted) == [5, 6])
        let t = { (s: String) in EventTime.parse(s)! }
        let expected: [(Int, String, Bool, String, String, String, String?, Int64)] = [
            (2, "110105199001010029", false, "张伟", "registered", "", nil, t("2026-09-01 08:00")),
            (3, "110105199001010029", false, "张伟", "viewed", "", nil, t("2026-09-01 08:30")),
            (4, "44030520060715103X", false, "阿依古丽·买买提", "register_failed", "证件号码已被注册, 请\"找回用户名\"", "id_taken", t("2026-09-02 10:00")),
            (5, "110101060203001", true, "李䶮", "register_failed", "该证件已由征兵部门注册\n请用15位身份证号", "conscription", t("2026-09-02 11:15")),
            (7, "650102200609107533", false, "无名", "login", "", nil, t("2026-09-03 23:59")),
            (8, "110105199001010029", false, "张伟", "checked", "", nil, t("2026-09-05 00:00")),
        ]
        let rows = try database.writer.read { db in try Row.fetchAll(db, sql: Self.eventColumns) }
        #expect(rows.count == expected.count)
        for (row, e) in zip(rows, expected) {
            #expect(row["line"] as Int == e.0)
            #expect(row["id_norm"] as String == e.1)
            #expect(row["is15"] as Bool == e.2)
            #expect(row["name"] as String == e.3)
            #expect(row["kind"] as String == e.4)
            #expect(row["detail"] as String == e.5)
            #expect(row["reason"] as String? == e.6)
            #expect(row["ts"] as Int64 == e.7, "line \(e.0)")
        }
    }

    @Test func aLogLongerThanOneMultiRowStatementStoresEveryEventWithItsOwnValues() throws {
        // Given a log of 150 rows — events are stored 64 rows per statement, the rest one by one — with one bad row
        let perStatement = 64
        let id = { (i: Int) in IDNumber.upgrade("110105900101" + String(format: "%03d", i), century: 19) }
        var log = "时间,身份证号,姓名,事件,说明\n"
        for i in 0..<150 {
            let time = i == 100 ? "not a time" : String(format: "2026-09-01 08:%02d:%02d", i / 60, i % 60)
            let reason = i % 7 == 0 ? "证件号码已被注册" : ""
            log += "\(time),\(id(i)),学生\(i),\(reason.isEmpty ? "查看学籍" : "注册失败"),\(reason)\n"
        }
        let database = try AppDatabase(inMemory: ())
        let files = try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-utf8-comma-lf-zh.csv"),
                                                   logs: [try ImportFixtures.temporaryFile(log)])
        #expect(files.map(\.accepted) == [5, 149])
        #expect(files.map(\.rejected) == [0, 1])
        // Then each stored event carries its own row's values, in line order: the two full statements and the rest
        let rows = try database.writer.read { db in try Row.fetchAll(db, sql: Self.eventColumns) }
        let expected = (0..<150).filter { $0 != 100 }
        #expect(rows.count == expected.count)
        #expect(expected.count > 2 * perStatement)
        for (row, i) in zip(rows, expected) {
            #expect(row["line"] as Int == i + 2)
            #expect(row["id_norm"] as String == id(i))
            #expect(row["name"] as String == "学生\(i)")
            #expect(row["kind"] as String == (i % 7 == 0 ? "register_failed" : "viewed"), "line \(i + 2)")
            #expect(row["reason"] as String? == (i % 7 == 0 ? "id_taken" : nil), "line \(i + 2)")
            #expect(row["ts"] as Int64 == EventTime.parse(String(format: "2026-09-01 08:%02d:%02d", i / 60, i % 60))!)
        }
        // And the import, which stores them with foreign keys unchecked, left none dangling and turned them on again
        let dangling = try database.writer.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(dangling.isEmpty)
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
    }

    @Test func anEventAnEarlierLogGaveIsStoredOnceAndRowsOfOneLogAreAllKept() throws {
        // Given two logs of one first night: the second repeats the first's rows (an export of the whole log), adds one
        // row twice, and three rows that differ from one of the first's only in the time, the detail or the name
        let id = IDNumber.upgrade("110105900101001", century: 19)
        let first = "时间,身份证号,姓名,事件,说明\n2026-09-01 08:00:00,\(id),李明,注册成功,\n2026-09-01 08:05:00,\(id),李明,查看学籍,\n"
        let second = first + """
            2026-09-02 09:00:00,\(id),李明,登录,
            2026-09-02 09:00:00,\(id),李明,登录,
            2026-09-01 08:05:01,\(id),李明,查看学籍,
            2026-09-01 08:05:00,\(id),李明,查看学籍,第二次
            2026-09-01 08:05:00,\(id),李明明,查看学籍,

            """
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let logs = [try ImportFixtures.temporaryFile(first), try ImportFixtures.temporaryFile(second)]
        let files = try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-utf8-comma-lf-zh.csv"), logs: logs,
                                                   diagnostics: diagnostics)
        // Then the second log's copies of the first's two events are left out, with a note; every other row is stored
        #expect(files.map(\.accepted) == [5, 2, 7])
        #expect(try database.rows("SELECT f.id, count(e.line) FROM import_file f LEFT JOIN event e ON e.file_id = f.id GROUP BY f.id ORDER BY f.id")
                == ["[id:1 count(e.line):0]", "[id:2 count(e.line):2]", "[id:3 count(e.line):5]"])
        #expect(diagnostics.diagnostics.contains { $0.severity == .note && $0.message.hasPrefix("2 of its 7 events came in an earlier log already") })
        // And a third night's log that repeats everything stores nothing new
        let third = try ImportFixtures.temporaryFile(second + "2026-09-01 08:00:00,\(id),李明,注册成功,\n")
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: nil, logs: [third], diagnostics: diagnostics)
        #expect(try database.rows("SELECT count(*) FROM event") == ["[count(*):7]"])
        #expect(diagnostics.diagnostics.contains { $0.message.hasPrefix("all 8 of its events came in an earlier log already") })
    }

    @Test func theDetectedEncodingIsRecorded() throws {
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-gb18030-comma-crlf-zh2.csv"),
                                       logs: [ImportFixtures.path("log-utf16le-tab-crlf-zh2.txt")])
        #expect(try database.rows("SELECT kind, encoding FROM import_file ORDER BY id") ==
                ["[kind:\"roster\" encoding:\"gb18030\"]", "[kind:\"log\" encoding:\"utf-16le\"]"])
    }

    @Test func forcingTheEncodingChangesHowBytesAreRead() throws {
        // Given a GB18030 roster forced to be read as UTF-8
        let database = try AppDatabase(inMemory: ())
        let before = try database.dump()
        let error = #expect(throws: ZichaError.self) {
            try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-gb18030-comma-crlf-zh2.csv"),
                                           options: ZichaKit.TableOptions(encoding: .utf8))
        }
        // Then the Chinese header cannot be matched: the file is refused and nothing is stored
        #expect(error?.kind == .unreadableInput)
        #expect(error?.description.contains("roster-gb18030-comma-crlf-zh2.csv") == true, "\(String(describing: error))")
        #expect(try database.dump() == before)
        // And forced to GB18030 it imports as detected
        let forced = try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-gb18030-comma-crlf-zh2.csv"),
                                                    options: ZichaKit.TableOptions(encoding: .gb18030))
        #expect(forced.map(\.accepted) == [5])
    }

    @Test func unknownColumnsGetOneWarningNamingThem() throws {
        let path = try ImportFixtures.temporaryFile("考生号,民族,姓名,身份证号,籍贯\n26110101000001,汉族,张伟,110105199001010029,北京\n")
        let diagnostics = DiagnosticCollector()
        try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: path, diagnostics: diagnostics)
        #expect(diagnostics.warnings.count == 1)
        #expect(diagnostics.warnings.first?.message.contains("民族, 籍贯") == true)
    }

    @Test func aSecondColumnForOneFieldIsNamedAsSuch() throws {
        let path = try ImportFixtures.temporaryFile("考生号,姓名,身份证号,手机号,联系电话\n26110101000001,张伟,110105199001010029,13800138000,010-62751234\n")
        let diagnostics = DiagnosticCollector()
        try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: path, diagnostics: diagnostics)
        #expect(diagnostics.warnings.map(\.message) == ["ignoring the column 联系电话: the column 手机号 before it gives the same field, and only the first is read"])
    }

    @Test func aCounselorAddressMailWouldRefuseIsWarnedOfOnceAtItsFirstRowAndTheRowsAreKept() throws {
        // Given a roster whose class 计科2601 gives two addresses in one cell (on lines 2 and 4, not adjacent),
        // one whose address has no @, and a counselor list with a line break inside a quoted address
        let roster = try ImportFixtures.temporaryFile("""
            考生号,姓名,身份证号,班级,辅导员,辅导员邮箱
            26110101000001,张伟,110105199001010029,计科2601,李老师,"li@example.com; wang@example.com"
            26110101000002,王芳,110105199001010037,计科2602,王老师,wang@example.com
            26110101000003,赵磊,110105199001010045,计科2601,李老师,"li@example.com; wang@example.com"
            26110101000004,钱敏,110105199001010053,计科2603,孙老师,sun.example.com

            """, name: "roster.csv")
        let counselors = try ImportFixtures.temporaryFile("班级,辅导员,邮箱\n计科2604,周老师,\"zhou@example.com\nBcc: x@evil.example\"\n计科2605,吴老师,wu@example.com\n",
                                                          name: "counselors.csv")
        let diagnostics = DiagnosticCollector()
        let database = try AppDatabase(inMemory: ())
        let files = try ImportFixtures.importNight(database, roster: roster, counselors: counselors, diagnostics: diagnostics)
        // Then each unusable address is named once, at the first row that holds it, with the reason
        let warnings = diagnostics.warnings.map(\.description)
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("\(roster):2: warning: 辅导员邮箱 \"li@example.com; wang@example.com\" (李老师)") && $0.contains("more than one address") })
        #expect(warnings.contains { $0.hasPrefix("\(roster):5: warning:") && $0.contains("sun.example.com") && $0.contains("no @") })
        #expect(warnings.contains { $0.hasPrefix("\(counselors):2: warning:") && $0.contains("周老师") && $0.contains("line break") })
        // And no row is set aside for it: the students and the mapping are stored as written
        #expect(files.map(\.accepted) == [4, 2] && files.map(\.rejected) == [0, 0])
        #expect(try database.rows("SELECT count(*) AS n FROM student WHERE counselor_email LIKE '%;%'") == ["[n:2]"])
    }

    @Test func aCounselorListWorkbookNamesTheCellOfAnAddressMailWouldRefuse() throws {
        // Given a counselor list as a workbook whose second mapping gives two addresses
        let path = try ImportFixtures.workbook("counselors.xlsx", sheets: [("辅导员", ImportFixtures.texts([
            ["班级", "辅导员", "邮箱"], ["计科2601", "李老师", "li@example.com"], ["计科2602", "王老师", "wang@example.com,wu@example.com"]]))])
        let roster = try ImportFixtures.temporaryFile("考生号,姓名,身份证号,班级\n26110101000001,张伟,110105199001010029,计科2602\n")
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, counselors: path, diagnostics: diagnostics)
        // Then the warning names the sheet and the cell of the address, and the mapping is kept
        let warnings = diagnostics.warnings.map(\.description).filter { $0.contains("cannot be mailed") }
        #expect(warnings.count == 1 && warnings[0].hasPrefix("\(path):3: 辅导员!C3: warning: 辅导员邮箱 \"wang@example.com,wu@example.com\""), "\(warnings)")
        #expect(files.map(\.accepted) == [1, 2])
    }

    @Test func moreThanTenUnusableAddressesInAFileAreCountedAtItsEnd() throws {
        var text = "班级,辅导员,邮箱\n"
        for i in 1...13 { text += "计科26\(i),老师\(i),teacher\(i)-at-example.com\n" }
        let counselors = try ImportFixtures.temporaryFile(text, name: "counselors.csv")
        let diagnostics = DiagnosticCollector()
        let roster = try ImportFixtures.temporaryFile("考生号,姓名,身份证号,班级\n26110101000001,张伟,110105199001010029,计科261\n")
        try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, counselors: counselors, diagnostics: diagnostics)
        let warnings = diagnostics.warnings.map(\.description)
        #expect(warnings.count == 11, "\(warnings)")
        #expect(warnings.last == "\(counselors): warning: 3 more counselor addresses in this file cannot be mailed")
    }

    @Test func oneAddressForTwoCounselorsIsSaidOnce() throws {
        // Given a counselor list giving li.laoshi@ for 李老师 and for 李娜 (twice), and 赵　老师 padded as names are
        let counselors = try ImportFixtures.temporaryFile("""
            班级,辅导员,邮箱
            计科2601,李老师,li.laoshi@example.com
            计科2602,李娜,Li.Laoshi@example.com
            计科2603,李娜,li.laoshi@example.com
            电信2601,赵　老师,zhao@example.com
            电信2602,赵老师,zhao@example.com

            """, name: "counselors.csv")
        let diagnostics = DiagnosticCollector()
        let roster = try ImportFixtures.temporaryFile("考生号,姓名,身份证号,班级\n26110101000001,张伟,110105199001010029,计科2601\n")
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: roster, counselors: counselors, diagnostics: diagnostics)
        // Then one warning, at the second name's row, naming both; 赵　老师 is 赵老师 (no warning, one spelling stored)
        let warnings = diagnostics.warnings.map { String($0.description.prefix { $0 != "\n" }) }.filter { $0.contains("two counselors") }
        #expect(warnings == ["\(counselors):3: warning: the address Li.Laoshi@example.com is given for two counselors, 李老师 (line 2) and 李娜: "
                             + "mail goes by address, so they get one message holding both lists, greeting one of them"], "\(diagnostics.warnings)")
        #expect(try database.writer.read { try String.fetchAll($0, sql: "SELECT DISTINCT counselor FROM counselor_scope WHERE email = 'zhao@example.com'") }
                == ["赵老师"])
    }

    @Test func oneAddressForTwoCounselorsInTheRosterIsSaid() throws {
        // Given a roster whose own 辅导员 columns give li@ for 李老师 and for 李娜
        let roster = try ImportFixtures.temporaryFile("""
            考生号,姓名,身份证号,班级,辅导员,辅导员邮箱
            26110101000001,张伟,110105199001010029,A1,李老师,li@example.com
            26110101000002,王芳,110105199001010037,A2,李娜,LI@example.com
            26110101000003,刘洋,110105199001010045,A2,李娜,li@example.com

            """)
        let diagnostics = DiagnosticCollector()
        try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, diagnostics: diagnostics)
        // Then one warning, at line 3
        let warnings = diagnostics.warnings.map { String($0.description.prefix { $0 != "\n" }) }.filter { $0.contains("two counselors") }
        #expect(warnings == ["\(roster):3: warning: the address LI@example.com is given for two counselors, 李老师 (line 2) and 李娜: "
                             + "mail goes by address, so they get one message holding both lists, greeting one of them"], "\(diagnostics.warnings)")
    }

    @Test func aCounselorListWithoutRowsIsRefused() throws {
        // Given a database holding a good night with its counselor list
        let database = try AppDatabase(inMemory: ())
        let counselors = try ImportFixtures.temporaryFile("班级,辅导员,邮箱\n计科2601,李老师,li@example.com\n", name: "counselors.csv")
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: Self.goodRoster, counselors: counselors)
        let before = try database.dump()
        // When the next night's counselor list is its header alone (an export that failed), or has no usable row
        for text in ["班级,辅导员,邮箱\n", "班级,辅导员,邮箱\n,李老师,li@example.com\n"] {
            let empty = try ImportFixtures.temporaryFile(text, name: "counselors-empty.csv")
            let error = #expect(throws: ZichaError.self) {
                try ImportFixtures.importNight(database, roster: Self.goodRoster, counselors: empty)
            }
            // Then the night is refused as unreadable input (found by an audit: every student became NO_COUNSELOR and every
            // counselor was mailed that their list was empty), and nothing is stored
            #expect(error?.exitCode == 65)
            #expect(error?.description.contains("counselors-empty.csv") == true)
            #expect(error?.description.contains(text.count < 12 ? "the counselor list has a header but no rows" : "no row of the counselor list could be used (1 rejected)") == true,
                    "\(String(describing: error))")
            #expect(try database.dump() == before)
        }
    }

    // MARK: Broken inputs: exit 65, the file named, the database as before

    static let goodRoster = ImportFixtures.path("roster-utf8-comma-lf-zh.csv")

    @Test(arguments: [
        ("broken-empty.csv", "empty"), ("broken-bom-only.csv", "byte order mark"), ("broken-binary.csv", "binary"),
        ("broken-unclosed-quote.csv", "never closed"), ("broken-missing-id.csv", "身份证号 (tried: 身份证号, 身份证号码, 证件号码, 证件号, SFZH, ZJHM, id_number"),
        ("broken-header-only.csv", "header but no students"),
    ])
    func brokenRosterLeavesTheDatabaseUnchanged(_ name: String, _ words: String) throws {
        // Given a database holding a good night
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: Self.goodRoster,
                                       logs: [ImportFixtures.path("log-utf8-comma-lf-zh.csv")])
        let before = try database.dump()
        // When the next night's roster is not a table
        let error = #expect(throws: ZichaError.self) {
            try ImportFixtures.importNight(database, roster: ImportFixtures.path(name))
        }
        // Then
        #expect(error?.kind == .unreadableInput)
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains(name) == true, "names the file: \(String(describing: error))")
        #expect(error?.description.contains(words) == true, "says why: \(String(describing: error))")
        #expect(try database.dump() == before)
    }

    @Test(arguments: ["broken-empty.csv", "broken-binary.csv", "broken-unclosed-quote.csv", "broken-log-missing-event.csv"])
    func aBrokenLogStopsTheWholeNight(_ name: String) throws {
        // Given a good roster and a broken log in the same night
        let database = try AppDatabase(inMemory: ())
        let before = try database.dump()
        let error = #expect(throws: ZichaError.self) {
            try ImportFixtures.importNight(database, roster: Self.goodRoster, logs: [ImportFixtures.path(name)])
        }
        // Then the roster is not stored either
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains(name) == true)
        #expect(try database.dump() == before)
        #expect(try database.count("student") == 0)
    }

    @Test func missingLogColumnNamesItAndItsAliases() throws {
        let error = #expect(throws: ZichaError.self) {
            try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: Self.goodRoster,
                                           logs: [ImportFixtures.path("broken-log-missing-event.csv")])
        }
        #expect(error?.description.contains("事件 (tried: 事件, 操作, 状态, 自查状态, event, status)") == true, "\(String(describing: error))")
    }

    @Test func aFileThatMayBeGBKIsReadAsUTF8WithAWarningSayingWhatToDo() throws {
        let gbk = Data("KSH,XM,SFZH\n26110101000001,".utf8) + Data([0xD6, 0xA3, 0xC7, 0xBF]) + Data(",110105199001010029\n".utf8)  // 郑强
        let path = try ImportFixtures.temporaryFile(gbk, name: "roster.csv")
        let diagnostics = DiagnosticCollector()
        try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: path, diagnostics: diagnostics)
        #expect(diagnostics.warnings.map(\.description) == ["\(path): warning: read as UTF-8, but its bytes are also valid GBK (Excel's CSV on "
            + "Chinese Windows) and look like it\n  hint: if its names read wrong (֣ǿ for 郑强), it is GBK: save it again as CSV UTF-8 or .xlsx "
            + "and run the night again (a file imported once is not read again unchanged, and --encoding applies to every file of the night)"])
    }

    @Test func aHeaderReadInTheWrongEncodingSaysSoRatherThanNamingColumns() throws {
        // Given a GBK roster read with --encoding utf-8
        let error = #expect(throws: ZichaError.self) {
            try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: ImportFixtures.path("roster-gb18030-comma-crlf-zh2.csv"),
                                           options: ZichaKit.TableOptions(encoding: .utf8))
        }
        // Then the message is about the bytes, with --encoding in the hint, not "lacks required column(s)"
        #expect(error?.kind == .unreadableInput)
        #expect(error?.diagnostic.message == "the header row cannot be read: the row holds bytes that are not valid UTF-8", "\(String(describing: error))")
        #expect(error?.diagnostic.hint?.contains("--encoding") == true)
    }

    @Test func aFifteenDigitIDStoredAsANumberIsWhole() {
        // Excel keeps 15 significant digits: a legacy ID fits, an 18-digit one does not
        #expect(RowPreparer.isWholeFifteenDigits("420103061122022"))
        for lost in ["340104200602030000", "3.40104200602030E+17", "42010306112202", "42010306112202X"] {
            #expect(!RowPreparer.isWholeFifteenDigits(lost), "\(lost)")
        }
    }

    @Test func aRosterWithoutAKeyColumnNamesBothKeys() throws {
        // Given a roster with neither 考生号 nor 学号
        let folder = try TempFolder("no-key")
        let roster = try folder.write("姓名,身份证号\n张三,110105199001010029\n", to: "roster.csv")
        let error = #expect(throws: ZichaError.self) { try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster) }
        // Then the message names the key and the column that would do instead
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains("考生号 (tried: 考生号, 考生编号, KSH, exam_no, exam no), or else 学号 (tried: 学号, XH") == true,
                "\(String(describing: error))")
    }

    @Test func invalidBytesRejectOnlyTheirRow() throws {
        // Given a UTF-8 roster with one GBK-encoded name on line 3
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let name = "roster-utf8-one-bad-row.csv"
        // When
        let files = try ImportFixtures.importNight(database, roster: ImportFixtures.path(name), diagnostics: diagnostics)
        // Then the other rows are stored, and the bad one is set aside with its line and reason
        #expect(files.map(\.accepted) == [2])
        #expect(files.map(\.rejected) == [1])
        #expect(try database.rows("SELECT ksh FROM student ORDER BY ksh") == ["[ksh:\"26110101000001\"]", "[ksh:\"26110101000003\"]"])
        #expect(try database.count("reject") == 1)
        let reject = try database.writer.read { db in try Row.fetchOne(db, sql: "SELECT line, location, reason FROM reject") }
        #expect(reject?["line"] as Int? == 3)
        #expect((reject?["location"] as String?)?.hasSuffix("\(name):3") == true)
        #expect((reject?["reason"] as String?)?.contains("not valid UTF-8") == true)
        #expect(diagnostics.errors.map { $0.description.contains("\(name):3: error:") } == [true])
    }

    @Test func aTextRowWithValuesPastTheHeaderIsSetAsideAndTrailingEmptyCellsAreNot() throws {
        // Given a roster whose second row has an unquoted comma inside its 班级 cell, and a third with empty cells past
        // the header (as some exports write)
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029,计科2601", "26110101000002,王芳,110101200602030017,软件,工程2601",
                                      "26110101000003,李娜,110101200602030033,计科2601,,"], header: "考生号,姓名,身份证号,班级")
        let files = try ImportFixtures.importNight(database, roster: roster, diagnostics: diagnostics)
        // Then the misaligned row is set aside with its line (not stored with 班级 "软件" and 工程2601 dropped)
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [1])
        #expect(diagnostics.errors.map(\.description) == [
            "\(roster):3: error: the row has 5 cells and the header 4: a separator inside a cell without quotes? (its values would land in the wrong columns)"])
        #expect(try database.rows("SELECT ksh, class FROM student ORDER BY ksh") ==
                ["[ksh:\"26110101000001\" class:\"计科2601\"]", "[ksh:\"26110101000003\" class:\"计科2601\"]"])
    }

    @Test func theHeaderRowRepeatedInsideTheFileIsSetAsideNotAStudent() throws {
        // Given two roster exports pasted one under the other: the second's header is line 3
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029,计科2601", "考生号,姓名,身份证号,班级",
                                      "26110101000002,王芳,110101200602030017,计科2601"], header: "考生号,姓名,身份证号,班级")
        let files = try ImportFixtures.importNight(database, roster: roster, diagnostics: diagnostics)
        // Then it is set aside with its line and said to be the header, and no student 姓名 exists
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [1])
        #expect(diagnostics.errors.map(\.description) == ["\(roster):3: error: the header row again (two exports joined into one file?)"])
        #expect(try database.rows("SELECT ksh FROM student ORDER BY ksh") == ["[ksh:\"26110101000001\"]", "[ksh:\"26110101000002\"]"])
    }

    @Test func aLogWithAHeaderAndNoRowsIsWarnedOfEvenUnderCron() throws {
        // Given tonight's log export holding its header only
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029"])
        let log = try ImportFixtures.temporaryFile("时间,身份证号,事件,说明\n", name: "log.csv")
        let diagnostics = DiagnosticCollector()
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: roster, logs: [log], diagnostics: diagnostics)
        // Then the night goes on, and says so where cron shows it
        let warning = try #require(diagnostics.warnings.first { $0.message.contains("no rows") })
        #expect(warning.description == "\(log): warning: the self-check log has a header and no rows: no event came in from it\n  hint: check the export if events were expected")
        #expect(warning.evenWhenQuiet)
        // And the next night, the same empty export (not imported again) is said to be empty again
        let next = DiagnosticCollector()
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: roster, logs: [log], diagnostics: next)
        #expect(next.warnings.contains { $0 == warning })
    }

    @Test func aSecondExportsHeaderIsKnownBehindItsByteOrderMarkAndInOtherWords() throws {
        // Given a log of two exports pasted together, the second's header behind a BOM, spaced, in English, another order
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029"])
        let log = try ImportFixtures.temporaryFile("""
            时间,身份证号,事件
            2026-09-04 10:00,110105199001010029,登录
            \u{FEFF}time, id_number ,event
            2026-09-04 11:00,110105199001010029,自查完成

            """, name: "log.csv")
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, logs: [log], diagnostics: diagnostics)
        // Then that line is set aside as the header again, and both events are kept
        #expect(files.map(\.accepted) == [1, 2] && files.map(\.rejected) == [0, 1])
        #expect(diagnostics.errors.map(\.description) == ["\(log):3: error: the header row again (two exports joined into one file?)"])
    }

    @Test func aNULByteNearTheTopSetsItsRowAsideNotTheFile() throws {
        // Given a roster whose second row holds a NUL byte (a damaged export)
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029", "26110101000002,王\u{0}芳,110101200602030017",
                                      "26110101000003,李娜,110101200602030033"])
        let files = try ImportFixtures.importNight(database, roster: roster, diagnostics: diagnostics)
        // Then that row is set aside and the file read (not refused as binary)
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [1])
        #expect(diagnostics.errors.map(\.description) == ["\(roster):3: error: the row holds a NUL byte (the file is damaged or not text there)"])
    }

    @Test func aClassWrittenWithInnerSpacesOrFullWidthDigitsIsOneClassAndMatchesTheCounselorList() throws {
        // Given a roster writing one class three ways, and a counselor list writing its college with a space
        let database = try AppDatabase(inMemory: ())
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029,计算机学院,计科2601",
                                      "26110101000002,王芳,110101200602030017,计算机学院,计科\u{3000}2601",
                                      "26110101000003,李娜,110101200602030033,计算机 学院,计科２６０１"], header: "考生号,姓名,身份证号,学院,班级")
        let counselors = try ImportFixtures.temporaryFile("学院,辅导员,邮箱\n计算机\u{3000}学院,李老师,li@example.edu.cn\n", name: "c.csv")
        try ImportFixtures.importNight(database, roster: roster, counselors: counselors)
        // Then every student is in one class of one college, and the list's college is the roster's
        #expect(try database.rows("SELECT DISTINCT college, class FROM student") == ["[college:\"计算机学院\" class:\"计科2601\"]"])
        #expect(try database.rows("SELECT scope FROM counselor_scope") == ["[scope:\"计算机学院\"]"])
    }

    @Test func aLogRowWithValuesPastItsHeaderIsSetAsideAndOneUnderAnEmptyHeaderCellIsWarnedOf() throws {
        // Given logs whose 说明 holds an unquoted comma on one row: one with a plain header, one whose every line ends
        // with a separator (an empty header cell after 说明, as Excel writes a sheet's used columns)
        let roster = try Self.roster(["26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017"])
        for (header, ending) in [("时间,身份证号,事件,说明", ""), ("时间,身份证号,事件,说明,", ",")] {
            let log = try ImportFixtures.temporaryFile("""
                \(header)
                2026-09-04 10:00,110105199001010029,自查完成,已确认\(ending)
                2026-09-04 11:00,110101200602030017,注册失败,注册时提示,证件号码已被注册（征兵部门）\(ending)

                """, name: "log.csv")
            let diagnostics = DiagnosticCollector()
            let files = try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, logs: [log], diagnostics: diagnostics)
            if ending.isEmpty {
                // Then past the header, the shifted row is set aside with its line, the other kept
                #expect(files.map(\.accepted) == [2, 1] && files.map(\.rejected) == [0, 1])
                #expect(diagnostics.errors.map(\.description) == [
                    "\(log):3: error: the row has 5 cells and the header 4: a separator inside a cell without quotes? (its values would land in the wrong columns)"])
            } else {
                // And under the empty header cell, the value is a note beside the table: both rows kept, the column said
                #expect(files.map(\.accepted) == [2, 2] && files.map(\.rejected) == [0, 0])
                // (and the failure's 说明, "注册时提示", gives no reason zicha reads: the reason is in the column without a header)
                #expect(diagnostics.warnings.map { $0.description.components(separatedBy: "\n")[0] } == [
                    "\(log):3: warning: ignoring values in columns without a header, in 1 row (the first here)",
                    "\(log):3: warning: 1 failure (注册失败, 找回失败) gives a reason zicha does not recognise, or none of its findings covers (the first here: “注册时提示”): no finding or remedy comes from them"])
            }
        }
    }

    @Test func aWorkbookValueInAColumnWithoutAHeaderIsWarnedOfOnceAndTheRowsKept() throws {
        // Given a roster workbook with notes in a column past the header, on two rows
        let path = try ImportFixtures.workbook("roster.xlsx", sheets: [("花名册", ImportFixtures.texts([
            ["考生号", "姓名", "身份证号", ""], ["26110101000001", "张伟", "110105199001010029", "已联系", "", "周五"],
            ["26110101000002", "王芳", "110101200602030017", "已联系"]]))])
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: path, diagnostics: diagnostics)
        // Then both students are stored (a workbook's cells keep their columns) and the stray column said once
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [0])
        #expect(diagnostics.warnings.map(\.description) == ["\(path):2: 花名册!D2: warning: ignoring values in columns without a header, in 2 rows (the first here)"])
    }

    // MARK: Re-import, snapshots, admission names, duplicates

    @Test func reimportingTheSameFilesChangesNothing() throws {
        // Given a night imported once, with a log whose rows all have their time
        let database = try AppDatabase(inMemory: ())
        let timed = try String(contentsOfFile: ImportFixtures.path("log-utf8-comma-lf-zh.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(",") }.joined(separator: "\n")
        let log = try ImportFixtures.temporaryFile(timed, name: "log.csv")
        try ImportFixtures.importNight(database, roster: Self.goodRoster, logs: [log])
        let before = try database.dump()
        // When the same files come again, the same night or a later one
        for asOf in ["2026-09-05", "2026-09-06"] {
            let again = try ImportFixtures.importNight(database, asOf: asOf, roster: Self.goodRoster, logs: [log])
            // Then
            #expect(again.map(\.alreadyImported) == [true, true])
            #expect(again.map(\.accepted) == [0, 0])
            #expect(try database.dump() == before)
            #expect(try database.count("import_file") == 2)
        }
    }

    @Test func aStatusExportGivenOnALaterNightSaysItsStatesAgain() throws {
        // Given a night with a status export (every row a state without a time, dated the night) and a log with times
        let database = try AppDatabase(inMemory: ())
        let fixture = try String(contentsOfFile: ImportFixtures.path("log-utf8-comma-lf-zh.csv"), encoding: .utf8)
        let export = try ImportFixtures.temporaryFile("身份证号,姓名,状态\n110105199001010029,张伟,已查\n", name: "status.csv")
        let log = ImportFixtures.path("log-utf8-comma-lf-zh.csv")
        #expect(fixture.contains("\n,110105199001010029,张伟,自查完成"), "the log ends with a 自查完成 without a time")
        try ImportFixtures.importNight(database, roster: Self.goodRoster, logs: [log, export])
        let events = try database.count("event")
        // When the same files come again the same night, nothing changes; on a later night, the status export is read again
        #expect(try ImportFixtures.importNight(database, roster: Self.goodRoster, logs: [log, export]).map(\.alreadyImported) == [true, true, true])
        let diagnostics = DiagnosticCollector()
        let later = try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: Self.goodRoster, logs: [log, export], diagnostics: diagnostics)
        // Then its state is said again on the later night; the log with times, whose one row without a time keeps the
        // night the log first came in, changes nothing (read again, that row was dated the later night: a 未查 so
        // written undid a 自查完成 at 11:00 of the night before — found by an audit of dates)
        #expect(later.map(\.alreadyImported) == [true, true, false])
        #expect(later.last?.importedOn == "2026-09-05")
        #expect(try database.count("event") == events)
        #expect(try database.count("state_restated") == 1)
        #expect(diagnostics.diagnostics.contains { $0.message.contains("the same content came in on the night of 2026-09-05") }, "\(diagnostics.diagnostics)")
    }

    static func roster(_ rows: [String], header: String = "考生号,姓名,身份证号") throws -> String {
        try ImportFixtures.temporaryFile(([header] + rows).joined(separator: "\n") + "\n", name: "roster.csv")
    }

    @Test func aStudentMissingFromALaterRosterIsMarkedLeftNotDeleted() throws {
        // Given two nights
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017"]))
        // When the second roster lacks 王芳 and renames 张伟
        try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: try Self.roster(["26110101000001,张小伟,110105199001010029"]))
        // Then 王芳 is kept, marked left; 张伟 keeps the first night's name as admission name
        #expect(try database.rows("SELECT ksh, name, admission_name, left_on FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" name:\"张小伟\" admission_name:\"张伟\" left_on:NULL]",
            "[ksh:\"26110101000002\" name:\"王芳\" admission_name:\"王芳\" left_on:\"2026-09-05\"]",
        ])
        // And when she comes back she is present again
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: try Self.roster([
            "26110101000001,张小伟,110105199001010029", "26110101000002,王芳,110101200602030017"]))
        #expect(try database.rows("SELECT left_on FROM student WHERE ksh = '26110101000002'") == ["[left_on:NULL]"])
    }

    @Test func aStudentWhoseRowIsSetAsideStaysOnTheRosterAsBefore() throws {
        // Given a stored roster of three
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017",
            "26110101000003,李静,320102197001018646"]))
        // When tonight's roster loses 王芳's name, has 张伟's row twice (bad, then good), and 李静's 考生号 in scientific notation
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: try Self.roster([
            "26110101000001,,110105199001010029", "26110101000002,,110101200602030017", "26110101000001,张小伟,110105199001010029",
            "2.61101E+13,李静,320102197001018646"]), diagnostics: diagnostics)
        // Then 王芳 stays as the previous roster had her, 张伟 takes his later row, and 李静, whose row names nobody, is left
        #expect(files.map(\.accepted) == [1])
        #expect(files.map(\.rejected) == [3])
        #expect(try database.rows("SELECT ksh, name, left_on FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" name:\"张小伟\" left_on:NULL]",
            "[ksh:\"26110101000002\" name:\"王芳\" left_on:NULL]",
            "[ksh:\"26110101000003\" name:\"李静\" left_on:\"2026-09-05\"]",
        ])
        let messages = diagnostics.diagnostics.map(\.description)
        #expect(messages.contains { $0.hasSuffix("roster.csv:5: error: 考生号 2.61101E+13 was saved by Excel in scientific notation and its digits are lost; format the column as text and export again") }, "\(messages)")
        #expect(messages.contains { $0.hasSuffix("roster.csv: note: 1 student whose row was set aside stays on the roster with their values from the previous roster (not marked as left)") }, "\(messages)")
        let warning = try #require(diagnostics.warnings.first { $0.message.contains("marked as left") })
        #expect(warning.message == "1 student is no longer on the roster and is marked as left, while 1 row without a usable 考生号 was set aside")
        #expect(warning.hint?.contains("run the night again") == true)
    }

    @Test func anotherCohortsRosterOfTheSameSizeIsRefusedUnlessAccepted() throws {
        // Given a roster of 25 students, then one of 25 others (another cohort's export)
        func roster(_ first: Int) throws -> String {
            try Self.roster((first..<first + 25).map { String(format: "261101010%05d,学生%d,110105199001010029", $0, $0) })
        }
        let database = try AppDatabase(inMemory: ())
        _ = try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try roster(1))
        let second = try roster(100)
        // Then it is refused, nothing of it kept, and taken with --accept-departures
        let error = try #require(throws: ZichaError.self) { try ImportFixtures.importNight(database, roster: second) }
        #expect(error.description.contains("this roster would mark 25 of the 25 students on the roster as left"), "\(error)")
        #expect(try database.rows("SELECT count(*) AS n FROM student WHERE left_on IS NULL") == ["[n:25]"])
        let importer = { () throws -> [ImportedFile] in
            var importer = Importer(database: database, asOf: "2026-09-05", vocabulary: try EventVocabulary(), diagnostics: DiagnosticCollector())
            importer.acceptDepartures = true
            return try importer.run(NightInputs(roster: second))
        }
        #expect(try importer().map(\.accepted) == [25])
        #expect(try database.rows("SELECT count(*) AS n FROM student WHERE left_on IS NULL") == ["[n:25]"])
    }

    @Test func namesWithACharacterLostInSavingAreKeptAndSaid() throws {
        // Given a roster saved as GBK: 买买提•艾力's bullet and a rare character became ?
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,买买提?艾力,110101200602030017",
            "26110101000003,李?,320102197001018646"]), diagnostics: diagnostics)
        // Then the rows are kept as written, and one warning names the first and counts them
        #expect(files.map(\.accepted) == [3])
        let warning = try #require(diagnostics.warnings.first { $0.message.contains("where a character was lost") })
        #expect(warning.message == "2 names with a ? where a character was lost when the file was saved (the first here: 买买提?艾力); kept as written")
        #expect(warning.location?.description.hasSuffix("roster.csv:3") == true, "\(String(describing: warning.location))")
    }

    @Test func numbersKeptAsTextByExcelMarksAreStoredAsTheNumbers() throws {
        // Given one roster written plainly, again as exports keep numbers text (="…", a leading '), and again as a tool
        // that read the numbers as decimals writes them back (….0)
        let header = "考生号,姓名,身份证号,手机号"
        let plain = try Self.roster(["26110101000001,张伟,110105199001010029,13800138000"], header: header)
        let marked = try Self.roster(["=\"26110101000001\",张伟,=\"110105199001010029\",'13800138000"], header: header)
        let decimals = try Self.roster(["26110101000001.0,张伟,'110105199001010029,13800138000.0"], header: header)
        let columns = "SELECT ksh, id_norm, id_problem, id_cleaned, phone_norm, phone_valid FROM student"
        var stored: [[String]] = []
        for roster in [plain, marked, decimals] {
            let database = try AppDatabase(inMemory: ())
            try ImportFixtures.importNight(database, roster: roster)
            stored.append(try database.rows(columns))
        }
        // Then both store the same student, with no finding-worthy cleaning
        #expect(stored[0] == ["[ksh:\"26110101000001\" id_norm:\"110105199001010029\" id_problem:NULL id_cleaned:0 phone_norm:\"13800138000\" phone_valid:1]"])
        #expect(stored[1] == stored[0])
        #expect(stored[2] == stored[0])
    }

    @Test func admissionNameColumnWinsOverTheFirstNightsName() throws {
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: try Self.roster(["26110101000001,张小伟,110105199001010029,张伟",
                                                                          "26110101000002,王芳,110101200602030017,"],
                                                                         header: "考生号,姓名,身份证号,录取姓名"))
        #expect(try database.rows("SELECT admission_name FROM student ORDER BY ksh") == ["[admission_name:\"张伟\"]", "[admission_name:\"王芳\"]"])
    }

    @Test func aDuplicateKSHInOneFileIsRejectedWithItsLine() throws {
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017",
            "26110101000001,张伟伟,320102197001018646"]), diagnostics: diagnostics)
        #expect(files.map(\.accepted) == [2])
        #expect(files.map(\.rejected) == [1])
        #expect(try database.rows("SELECT name FROM student WHERE ksh = '26110101000001'") == ["[name:\"张伟\"]"], "the first row is kept")
        let error = try #require(diagnostics.errors.first)
        #expect(error.location?.line == 4)
        #expect(error.description.contains("roster.csv:4: error:") && error.message.contains("26110101000001"))
    }

    @Test func aFirstRosterRepeatingKSHsKeepsEachFirstRowAndSetsTheOthersAsideInLineOrder() throws {
        // Given a first roster (stored without the 考生号 index, built after the load) naming one 考生号 three times,
        // another twice, and a row with an empty 姓名 between them
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let rows = [
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017",
            "26110101000001,张伟伟,320102197001018646", "26110101000003,,110101200602030033",
            "26110101000002,王芳芳,110101200602030017", "26110101000004,李娜,110101200602030041",
            "26110101000001,张三,110105199001010029"]
        let roster = try Self.roster(rows)
        let files = try ImportFixtures.importNight(database, roster: roster, diagnostics: diagnostics)
        // Then the first row of each 考生号 is kept, and the others are set aside with their lines, in line order
        #expect(files.map(\.accepted) == [3])
        #expect(files.map(\.rejected) == [4])
        #expect(try database.rows("SELECT ksh, name, line FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" name:\"张伟\" line:2]", "[ksh:\"26110101000002\" name:\"王芳\" line:3]",
            "[ksh:\"26110101000004\" name:\"李娜\" line:7]"])
        #expect(diagnostics.errors.map { $0.location?.line ?? 0 }.sorted() == [4, 5, 6, 8])
        #expect(diagnostics.errors.filter { $0.message.contains("appears twice") }.map { $0.location?.line ?? 0 } == [4, 6, 8])
        #expect(try database.rows("SELECT line, raw FROM reject WHERE reason LIKE '%appears twice%' ORDER BY line") == [
            "[line:4 raw:\"[\\\"26110101000001\\\",\\\"张伟伟\\\",\\\"320102197001018646\\\"]\"]",
            "[line:6 raw:\"[\\\"26110101000002\\\",\\\"王芳芳\\\",\\\"110101200602030017\\\"]\"]",
            "[line:8 raw:\"[\\\"26110101000001\\\",\\\"张三\\\",\\\"110105199001010029\\\"]\"]"])
        // And the 考生号 index is back, unique; the roster's order, which named the removed rows, is not kept
        #expect(try database.rows("SELECT sql FROM sqlite_master WHERE name = 'student_by_ksh'")
                == ["[sql:\"CREATE UNIQUE INDEX student_by_ksh ON student(ksh)\"]"])
        #expect(try database.count("roster_sequence") == 0)
        // And the same roster the next night changes nothing and sets the same rows aside, found by lookup
        let again = DiagnosticCollector()
        let secondFiles = try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: try Self.roster(rows + ["26110101000005,赵敏,110101200602030068"]),
                                                         diagnostics: again)
        #expect(secondFiles.map(\.accepted) == [4])
        #expect(again.errors.map { $0.location?.line ?? 0 } == [4, 5, 6, 8])
        #expect(try database.rows("SELECT ksh, file_id, left_on FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" file_id:1 left_on:NULL]", "[ksh:\"26110101000002\" file_id:1 left_on:NULL]",
            "[ksh:\"26110101000004\" file_id:1 left_on:NULL]", "[ksh:\"26110101000005\" file_id:2 left_on:NULL]"])
    }

    @Test func aFirstWorkbookRosterRepeatingAKSHSetsTheLaterRowAsideReadAgainFromTheSheet() throws {
        // Given a first roster as a workbook (written by the report's own writer) naming a 考生号 twice
        let path = try ImportFixtures.workbook("roster.xlsx", sheets: [("花名册", ImportFixtures.texts([
            ["考生号", "姓名", "身份证号"], ["26110101000001", "张伟", "110105199001010029"],
            ["26110101000002", "王芳", "110101200602030017"], ["26110101000001", "张伟伟", "320102197001018646"]]))])
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: path, diagnostics: diagnostics)
        // Then the workbook is read again for the repeated row: its sheet and row in the message, its cells kept
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [1])
        #expect(diagnostics.errors.map(\.description).first?.contains("roster.xlsx:4: ") == true)
        #expect(try database.rows("SELECT line, raw FROM reject") ==
                ["[line:4 raw:\"[\\\"26110101000001\\\",\\\"张伟伟\\\",\\\"320102197001018646\\\"]\"]"])
        #expect(try database.rows("SELECT name FROM student ORDER BY ksh") == ["[name:\"张伟\"]", "[name:\"王芳\"]"])
    }

    @Test func aTimeExcelKeptAsAPlainNumberIsSetAsideSayingSo() throws {
        // Given a log workbook whose 时间 cell holds Excel's day count without a date format (46000 for 2025-12-09)
        let path = try ImportFixtures.workbook("log.xlsx", sheets: [("自查记录", ImportFixtures.texts([["时间", "身份证号", "姓名", "事件"]])
            + [[.number(46000, .plain), .text("110105199001010029", .text), .text("张伟", .text), .text("注册成功", .text)]])])
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: try Self.roster(["26110101000001,张伟,110105199001010029"]),
                                                   logs: [path], diagnostics: diagnostics)
        // Then the row is set aside with what to do, not as "not a date and time"
        #expect(files.map(\.rejected) == [0, 1])
        let message = try #require(diagnostics.errors.first?.message)
        #expect(message.hasPrefix("时间 46000 is a plain number in the workbook: an Excel date and time in a cell without a date format"), "\(message)")
    }

    @Test func aSheetNamedForOneWorkbookLetsTheOthersPickTheirOwnButANameNoneHasFails() throws {
        // Given a roster workbook whose table is on 花名册 (after a 说明 sheet) and a log workbook on 自查记录
        let roster = try ImportFixtures.workbook("roster.xlsx", sheets: [("说明", ImportFixtures.texts([["本表为 2026 级名单"]])),
            ("花名册", ImportFixtures.texts([["考生号", "姓名", "身份证号"], ["26110101000001", "张伟", "110105199001010029"]]))])
        let log = try ImportFixtures.workbook("log.xlsx", sheets: [("自查记录", ImportFixtures.texts([
            ["时间", "身份证号", "事件"], ["2026-09-04 10:00", "110105199001010029", "自查完成"]]))])
        // When the night names 花名册
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, logs: [log],
                                                   options: ZichaKit.TableOptions(sheet: "花名册"), diagnostics: diagnostics)
        // Then the log workbook, which has no such sheet, picks its own by its header, and says so
        #expect(files.map(\.accepted) == [1, 1])
        #expect(diagnostics.diagnostics.map(\.description).contains("\(log): note: no sheet named “花名册” here (another workbook of the night has it): this one reads its sheets whose header matches"))
        // While a name no workbook has still fails, naming the sheets there are
        let error = #expect(throws: ZichaError.self) {
            try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: roster, logs: [log], options: ZichaKit.TableOptions(sheet: "花名"))
        }
        #expect(error?.description.contains("the workbook has no sheet named “花名”; its sheets are “说明”, “花名册”") == true, "\(String(describing: error))")
    }

    @Test func theDatabaseZeroesDeletedRowsButItsTemporaryDatabaseDoesNot() throws {
        let path = ImportFixtures.processFolder.appendingPathComponent("\(UUID().uuidString).sqlite").path
        let database = try AppDatabase(path: path)
        defer { database.removeFiles() }
        // Deleted IDs and phones do not linger in the database's free pages; staging tables, in a file removed at
        // close, are dropped without zeroing them; the cache (and so each sort run) is 4 MB.
        let settings = try database.writer.read { db in
            [try Int.fetchOne(db, sql: "PRAGMA main.secure_delete"), try Int.fetchOne(db, sql: "PRAGMA temp.secure_delete"),
             try Int.fetchOne(db, sql: "PRAGMA main.cache_size")]
        }
        #expect(settings == [1, 0, -AppDatabase.cacheKiB])
    }

    @Test func theKeyIndexMigrationKeepsRowIDsValuesTheTriggerAndTheIndexes() throws {
        // Given a database of schema v7 with a night imported (the student table with its inline UNIQUE constraint)
        let queue = try DatabaseQueue()
        try AppDatabase.migrator.migrate(queue, upTo: "v7: the latest roster's rows in order")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO import_file (id, kind, name, size, sha256, encoding, as_of, rows_accepted, rows_rejected, imported_at)
                    VALUES (1, 'roster', 'r.csv', 1, 'x', 'utf-8', '2026-09-04', 2, 0, '');
                INSERT INTO student (id, ksh, xh, name_raw, name, admission_name, id_raw, id_norm, id_cleaned, sex, birthdate,
                    phone_raw, phone_norm, phone_valid, college, major, class, counselor, counselor_email, first_seen, last_seen,
                    file_id, line, row_hash)
                VALUES (7, '26110101000001', '', '张伟', '张伟', '张伟', 'a', '110105199001010029', 0, '', '', '1', '13800000001', 1,
                        '计算机学院', '', '计科1班', '', '', '2026-09-04', '2026-09-04', 1, 2, 42),
                       (9, '26110101000002', '', '王芳', '王芳', '王芳', 'b', '110101200602030017', 0, '', '', '2', '13800000002', 1,
                        '计算机学院', '', '计科2班', '', '', '2026-09-04', '2026-09-04', 1, 3, 43);
                """)
            try db.execute(sql: Schema.lookupIndexes)
            try db.execute(sql: Schema.phoneIndex)
        }
        let before = try queue.read { try Row.fetchAll($0, sql: "SELECT * FROM student ORDER BY id") }
        // When it migrates to v8
        try AppDatabase.migrator.migrate(queue, upTo: "v8: the 考生号 index apart from the student table")
        // Then the rows are the same, under the same ids; the 考生号 is unique through its own index
        #expect(try queue.read { try Row.fetchAll($0, sql: "SELECT * FROM student ORDER BY id") } == before)
        let indexes = try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'student' ORDER BY name") }
        #expect(indexes == ["student_by_id", "student_by_ksh", "student_by_phone"])
        try queue.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO student SELECT 10, ksh, xh, name_raw, name, admission_name, id_raw, id_norm, id_problem, id_cleaned, id15, sex, birthdate, phone_raw, phone_norm, phone_valid, college, major, class, counselor, counselor_email, first_seen, last_seen, left_on, file_id, line, row_hash FROM student WHERE id = 7")
            }
            // And a rewritten student still records their former values
            try db.execute(sql: "UPDATE student SET phone_norm = '13900000009' WHERE id = 9")
        }
        #expect(try queue.read { try Row.fetchAll($0, sql: "SELECT student_id, phone_norm FROM student_change") }.map(\.description)
                == ["[student_id:9 phone_norm:\"13800000002\"]"])
    }

    @Test func aRosterStoredOverAnotherRewritesOnlyWhatChanged() throws {
        // Given night 1: 张伟, 王芳, 李娜
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017",
            "26110101000003,李娜,320102197001018646"]))
        // When night 2's roster repeats 张伟, renames 王芳, drops 李娜, adds 赵敏 — and repeats 张伟's 考生号 further down
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王小芳,110101200602030017",
            "26110101000004,赵敏,110101200602030033", "26110101000001,张伟伟,110105199001010029"]), diagnostics: diagnostics)
        // Then the repeated row is set aside with its line, and only the changed and new rows carry night 2's file
        #expect(files.map(\.accepted) == [3])
        #expect(files.map(\.rejected) == [1])
        #expect(diagnostics.errors.first?.location?.line == 5)
        #expect(try database.rows("SELECT ksh, name, file_id, last_seen, left_on FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" name:\"张伟\" file_id:1 last_seen:\"2026-09-04\" left_on:NULL]",
            "[ksh:\"26110101000002\" name:\"王小芳\" file_id:2 last_seen:\"2026-09-05\" left_on:NULL]",
            "[ksh:\"26110101000003\" name:\"李娜\" file_id:1 last_seen:\"2026-09-04\" left_on:\"2026-09-05\"]",
            "[ksh:\"26110101000004\" name:\"赵敏\" file_id:2 last_seen:\"2026-09-05\" left_on:NULL]",
        ])
        // And a third roster equal to night 1's brings 李娜 back, rewriting her row
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王小芳,110101200602030017",
            "26110101000003,李娜,320102197001018646"]))
        #expect(try database.rows("SELECT ksh, file_id, left_on FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" file_id:1 left_on:NULL]", "[ksh:\"26110101000002\" file_id:2 left_on:NULL]",
            "[ksh:\"26110101000003\" file_id:3 left_on:NULL]", "[ksh:\"26110101000004\" file_id:2 left_on:\"2026-09-06\"]",
        ])
    }

    @Test func unchangedRowsAreSkippedByTheirHashAndADatabaseWithoutHashesGetsThem() throws {
        // Given night 1, stored with a hash of each row's values
        let database = try AppDatabase(inMemory: ())
        let rows = ["26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017"]
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster(rows))
        let hashes = try database.rows("SELECT ksh, row_hash FROM student ORDER BY ksh")
        #expect(try database.rows("SELECT count(*) FROM student WHERE row_hash IS NULL") == ["[count(*):0]"])
        // And the hashes of a database from before they were kept (v5, and so without the roster's order either)
        try database.writer.write { try $0.execute(sql: "UPDATE student SET row_hash = NULL; DELETE FROM roster_sequence") }
        // When night 2's roster holds the same values in other bytes (another order, a blank line, CRLF)
        let same = try ImportFixtures.temporaryFile("考生号,姓名,身份证号\r\n" + rows.reversed().joined(separator: "\r\n") + "\r\n\r\n", name: "roster.csv")
        try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: same)
        // Then no row was rewritten (file, line, last seen, no change recorded), and the hashes are back
        #expect(try database.rows("SELECT ksh, file_id, line, last_seen FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" file_id:1 line:2 last_seen:\"2026-09-04\"]",
            "[ksh:\"26110101000002\" file_id:1 line:3 last_seen:\"2026-09-04\"]",
        ])
        #expect(try database.rows("SELECT count(*) FROM student_change") == ["[count(*):0]"])
        #expect(try database.rows("SELECT ksh, row_hash FROM student ORDER BY ksh") == hashes)
        // And when night 3 changes one student's ID, only that row is rewritten, with a new hash
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030033"]))
        #expect(try database.rows("SELECT ksh, file_id, id_norm FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" file_id:1 id_norm:\"110105199001010029\"]",
            "[ksh:\"26110101000002\" file_id:3 id_norm:\"110101200602030033\"]",
        ])
        let after = try database.rows("SELECT ksh, row_hash FROM student ORDER BY ksh")
        #expect(after[0] == hashes[0] && after[1] != hashes[1])
        #expect(try database.rows("SELECT student_id, id_norm FROM student_change") == ["[student_id:2 id_norm:\"110101200602030017\"]"])
    }

    /// A roster of `count` made-up students (the IDs need not be valid: the import keeps invalid ones too).
    static func manyStudents(_ count: Int, changedPhone: (Int) -> Bool = { _ in false }) -> [Int: String] {
        var rows: [Int: String] = [:]
        for i in 0..<count {
            let phone = changedPhone(i) ? "139" : "138"
            rows[i] = "2611010\(String(format: "%07d", i)),学生\(i),1101052006\(String(format: "%08d", i)),\(phone)\(String(format: "%08d", i)),计科\(i / 40)班"
        }
        return rows
    }

    @Test func aRosterInTheLatestOnesOrderIsMatchedByPlaceWithTheSameResultAsByLookup() throws {
        // Given night 1: 10,000 students (three blobs of the stored order), with and without the stored order
        let header = "考生号,姓名,身份证号,手机号,班级"
        let first = Self.manyStudents(10_000)
        let night1 = try Self.roster((0..<10_000).map { first[$0]! }, header: header)
        let byPlace = try AppDatabase(inMemory: ()), byLookup = try AppDatabase(inMemory: ()), spoilt = try AppDatabase(inMemory: ())
        for database in [byPlace, byLookup, spoilt] { try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: night1) }
        #expect(try byPlace.rows("SELECT file_id, count(*), sum(length(entries)) FROM roster_sequence GROUP BY file_id")
                == ["[file_id:1 count(*):3 sum(length(entries)):160000]"])
        try byLookup.writer.write { try $0.execute(sql: "DELETE FROM roster_sequence") }
        // When night 2's roster keeps the order but changes every 97th phone, adds students between others, drops
        // a few, drops a whole class of 40 and later 300 rows in a row (past the matching window), repeats a 考生号
        // and moves a block of rows further down
        let changed = Self.manyStudents(10_000) { $0 % 97 == 5 }
        var order = Array(0..<10_000).filter { ![17, 18, 2_000, 9_999].contains($0) && !(400..<440).contains($0) && !(5_000..<5_300).contains($0) }
        let moved = Array(order[7_000..<7_100])
        order.removeSubrange(7_000..<7_100)
        order.insert(contentsOf: moved, at: 8_000)
        var lines = order.map { changed[$0]! }
        lines.insert("26110109999991,新生甲,110105200601019999,13900000001,计科1班", at: 50)
        lines.insert("26110109999992,新生乙,110105200601019998,13900000002,计科9班", at: 3_000)
        lines.insert(changed[123]!, at: 6_000)
        let night2 = try Self.roster(lines, header: header)
        let place = DiagnosticCollector(), lookup = DiagnosticCollector()
        let placeFiles = try ImportFixtures.importNight(byPlace, asOf: "2026-09-05", roster: night2, diagnostics: place)
        let lookupFiles = try ImportFixtures.importNight(byLookup, asOf: "2026-09-05", roster: night2, diagnostics: lookup)
        // Then both databases hold the same students, changes and leavers, and the same rows were set aside
        #expect(placeFiles == lookupFiles)
        #expect(placeFiles.map(\.rejected) == [1])
        #expect(place.errors.map(\.description) == lookup.errors.map(\.description))
        for database in [byPlace, byLookup] { try database.writer.write { try $0.execute(sql: "UPDATE import_file SET imported_at = ''") } }
        #expect(try byPlace.dump() == byLookup.dump())
        // And the order is found again after each of those edits: only rows near them are looked up (a row looked up
        // gets its stored hash, spoilt here, written again; 98 rows were rewritten and 2 are new)
        try spoilt.writer.write { try $0.execute(sql: "UPDATE student SET row_hash = 0") }
        try ImportFixtures.importNight(spoilt, asOf: "2026-09-05", roster: night2)
        let lookedUp = try spoilt.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM student WHERE row_hash <> 0 AND file_id = 1 AND left_on IS NULL")! }
        #expect(lookedUp < 150, "\(lookedUp) unchanged rows were looked up")
        #expect(try byPlace.rows("SELECT count(*) FROM student WHERE left_on IS NOT NULL") == ["[count(*):344]"])
        #expect(try byPlace.rows("SELECT count(*) FROM student WHERE file_id = 2") == ["[count(*):\(2 + (0..<10_000).filter { $0 % 97 == 5 && order.contains($0) }.count)]"])
        // And night 3's roster, night 2's in its order, matches every row by place: none is looked up (a row looked up
        // would get its stored hash, spoilt here, written again), rewritten or marked left
        try byPlace.writer.write { try $0.execute(sql: "UPDATE student SET row_hash = 0") }
        try ImportFixtures.importNight(byPlace, asOf: "2026-09-06", roster: try Self.roster(lines.enumerated().filter { $0.offset != 6_000 }.map(\.element), header: header))
        #expect(try byPlace.rows("SELECT count(*) FROM student WHERE file_id = 3 OR left_on = '2026-09-06'") == ["[count(*):0]"])
        #expect(try byPlace.rows("SELECT count(*) FROM student WHERE row_hash = 0 AND left_on IS NULL") == ["[count(*):9658]"])
    }

    @Test func eventsOfIDsNotOnTheRosterAreKept() throws {
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: Self.goodRoster, logs: [ImportFixtures.path("log-utf8-comma-lf-zh.csv")])
        #expect(try database.rows("SELECT count(*) FROM event WHERE id_norm = '650102200609107533'") == ["[count(*):1]"])
    }

    @Test func aRosterIdenticalToAnOlderNightStillActsAsTonightsSnapshot() throws {
        // Given night 1 with roster A (张伟, 王芳), night 2 with roster B (张伟 only)
        let database = try AppDatabase(inMemory: ())
        let a = try Self.roster(["26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017"])
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: a)
        try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: try Self.roster(["26110101000001,张伟,110105199001010029"]))
        // When night 3 brings back a roster byte-identical to A
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: a)
        // Then 王芳 is present again: a roster is tonight's snapshot, skipped only when it equals the latest one
        let leftOn = try database.rows("SELECT left_on FROM student WHERE ksh = '26110101000002'")
        #expect(leftOn == ["[left_on:NULL]"])
    }
}


extension ImporterTests {
    @Test func aWorkbookTimeOfDayWithoutADateIsSetAsideSayingSo() throws {
        // Given a log saved by LibreOffice whose 时间 cells hold a time of day alone (format hh:mm, no 日期 column)
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        try ImportFixtures.importNight(database, roster: Self.goodRoster, logs: [ImportFixtures.path("log-time-of-day-libreoffice.xlsx")],
                                       diagnostics: diagnostics)
        // Then its rows are set aside saying a date is missing (not "a plain number in a cell without a date format")
        // (its one row with a time written in words, 昨天下午, is set aside as no time at all)
        let errors = diagnostics.diagnostics.filter { $0.severity == .error && $0.message.hasPrefix("时间") && !$0.message.contains("昨天") }.map(\.message)
        #expect(errors.count >= 4)
        #expect(errors.filter { !$0.contains("is a time of day without a date in the workbook") } == [])
        #expect(try database.count("event") == 0)
    }
}

extension ImporterTests {
    @Test func aWorkbookRowSetAsideNamesItsCell() throws {
        // Given SampleData's first night saved by LibreOffice as workbooks: a roster row without 身份证号, a log row with
        // an unknown event and one with a time in words
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        try ImportFixtures.importNight(database, roster: ImportFixtures.path("roster-libreoffice.xlsx"),
                                       logs: [ImportFixtures.path("log-libreoffice.xlsx")], diagnostics: diagnostics)
        // Then each message names its line, sheet and cell, as the README promises (an audit found the cell missing)
        let errors = Set(diagnostics.diagnostics.filter { $0.severity == .error }.map(\.description))
        #expect(errors.contains { $0.hasSuffix("roster-libreoffice.xlsx:44: roster!E44: error: 身份证号 is empty") }, "\(errors)")
        #expect(errors.contains { $0.contains("log-libreoffice.xlsx:109: log!D109: error: unknown event \"核对完成\"") }, "\(errors)")
        #expect(errors.contains { $0.contains("log-libreoffice.xlsx:110: log!A110: error: 时间 \"昨天下午\" is not a date and time") }, "\(errors)")
    }
}
