import Foundation
import GRDB
import Testing
import ZichaTestSupport
import ZIPFoundation
@testable import ZichaKit

/// Workbooks that hold their table over several sheets — a roster with one sheet per college, a status export with
/// 已查 and 未查 — are read whole, each sheet with its own header, every message naming its sheet and row.
@Suite struct MultiSheetImportTests {
    /// Made-up 身份证号 with a valid check character, student i of the fixtures.
    static let ids = ["110105200701010017", "110105200701010025", "110105200701010033", "110105200701010041",
                      "11010520070101005X", "110105200701010068", "110105200701010076", "110105200701010084", "110105200701010092"]
    static func id(_ i: Int) -> String { ids[i - 1] }
    static func ksh(_ i: Int) -> String { "2611010100000\(i)" }

    static func roster(_ students: ClosedRange<Int>) throws -> String {
        try ImportFixtures.temporaryFile((["考生号,姓名,身份证号"] + students.map { "\(ksh($0)),学生\($0),\(id($0))" }).joined(separator: "\n") + "\n",
                                         name: "roster.csv")
    }

    @Test func aRosterWithASheetPerCollegeIsReadWholeEachSheetWithItsOwnHeader() throws {
        // Given roster-sheets.xlsx: 说明, 计算机学院 (students 1–2, header on row 1), a hidden 模板 (student 9),
        // 外语学院 (a title row, then its header on row 3 in another column order; students 3–4), a 透视 summary, an empty Sheet3
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let path = XLSXReaderTests.fixture("roster-sheets.xlsx")
        let files = try ImportFixtures.importNight(database, roster: path, diagnostics: diagnostics)
        // Then the students of both colleges are on the roster, with their merged 学院, and the hidden sheet's are not
        #expect(files.map(\.accepted) == [4] && files.map(\.rejected) == [0])
        #expect(try database.rows("SELECT ksh, name, college, class, line FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000001\" name:\"学生1\" college:\"计算机学院\" class:\"计科2601\" line:2]",
            "[ksh:\"26110101000002\" name:\"学生2\" college:\"计算机学院\" class:\"计科2601\" line:3]",
            "[ksh:\"26110101000003\" name:\"学生3\" college:\"外语学院\" class:\"英语2601\" line:10000004]",
            "[ksh:\"26110101000004\" name:\"学生4\" college:\"外语学院\" class:\"英语2601\" line:10000005]"])
        // And the night says which sheets it read and which it did not
        let said = diagnostics.diagnostics.map(\.description)
        #expect(said.contains("\(path): note: not reading the sheets “说明”, “透视”: no header row of the roster (在籍名单) in the first 10 rows"), "\(said)")
        #expect(said.contains("\(path): note: read 2 sheets as one roster (在籍名单): “计算机学院” (2 rows), “外语学院” (2 rows, 1 line above its header ignored)"), "\(said)")
        #expect(said.contains("\(path):3: sheet 外语学院: warning: ignoring 1 line(s) above the header row"), "\(said)")
        #expect(diagnostics.errors.isEmpty, "\(said)")
    }

    @Test func aNamedSheetIsTheOnlyOneRead() throws {
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: XLSXReaderTests.fixture("roster-sheets.xlsx"),
                                                   options: ZichaKit.TableOptions(sheet: "外语学院"), diagnostics: diagnostics)
        #expect(files.map(\.accepted) == [2])
        #expect(try database.rows("SELECT ksh, line FROM student ORDER BY ksh") == [
            "[ksh:\"26110101000003\" line:4]", "[ksh:\"26110101000004\" line:5]"])
        #expect(!diagnostics.diagnostics.contains { $0.message.contains("sheets") }, "\(diagnostics.diagnostics)")
    }

    @Test func aStatusExportWithACheckedAndAnUncheckedSheetGivesEveryStudentTheirStateAndSaysItAgainByItsSheetAndRow() throws {
        // Given a status export whose 已查 and 未查 sheets write their columns in other orders, after a 说明 sheet
        let database = try AppDatabase(inMemory: ())
        func export(checked: [Int], unchecked: [Int]) throws -> String {
            try ImportFixtures.workbook("status.xlsx", sheets: [
                ("说明", ImportFixtures.texts([["状态导出，已查与未查分表"]])),
                ("已查", ImportFixtures.texts([["身份证号", "姓名", "状态"]] + checked.map { [Self.id($0), "学生\($0)", "已查"] })),
                ("未查", ImportFixtures.texts([["状态", "姓名", "身份证号"]] + unchecked.map { ["未查", "学生\($0)", Self.id($0)] })),
            ])
        }
        let diagnostics = DiagnosticCollector()
        let first = try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: try Self.roster(1...4),
                                                   logs: [try export(checked: [1, 2], unchecked: [3, 4])], diagnostics: diagnostics)
        // Then each sheet's rows are events of their own, under lines that cannot meet
        #expect(first.map(\.accepted) == [4, 4])
        #expect(try database.rows("SELECT line, id_norm, kind FROM event ORDER BY line") == [
            "[line:2 id_norm:\"\(Self.id(1))\" kind:\"checked\"]", "[line:3 id_norm:\"\(Self.id(2))\" kind:\"checked\"]",
            "[line:10000002 id_norm:\"\(Self.id(3))\" kind:\"unchecked\"]", "[line:10000003 id_norm:\"\(Self.id(4))\" kind:\"unchecked\"]"])
        #expect(diagnostics.diagnostics.map(\.message).contains("read 2 sheets as one self-check log (自查记录): “已查” (2 rows), “未查” (2 rows)"))
        // When the next night's export has student 3 checked
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: nil, logs: [try export(checked: [1, 2, 3], unchecked: [4])])
        // Then only that state is stored, and the others are said again against the events they repeat — the second
        // sheet's by its own line
        #expect(try database.rows("SELECT file_id, line, id_norm, kind FROM event WHERE file_id > 2 ORDER BY line") == [
            "[file_id:3 line:4 id_norm:\"\(Self.id(3))\" kind:\"checked\"]"])
        #expect(try database.rows("SELECT id_norm, file_id, line FROM state_restated ORDER BY id_norm") == [
            "[id_norm:\"\(Self.id(1))\" file_id:2 line:2]", "[id_norm:\"\(Self.id(2))\" file_id:2 line:3]",
            "[id_norm:\"\(Self.id(4))\" file_id:2 line:10000003]"])
    }

    @Test func rowsSetAsideOnTwoSheetsAtOneRowNumberAreBothKeptEachNamingItsSheet() throws {
        // Given a first roster with two colleges' sheets, each with a row without 姓名 on its row 3, and a 汇总 sheet
        // after them repeating student 1
        let path = try ImportFixtures.workbook("roster.xlsx", sheets: [
            ("计算机学院", ImportFixtures.texts([["考生号", "姓名", "身份证号"], [Self.ksh(1), "学生1", Self.id(1)], [Self.ksh(2), "", Self.id(2)]])),
            ("外语学院", ImportFixtures.texts([["身份证号", "考生号", "姓名"], [Self.id(3), Self.ksh(3), "学生3"], [Self.id(4), Self.ksh(4), ""]])),
            ("汇总", ImportFixtures.texts([["考生号", "姓名", "身份证号"], [Self.ksh(1), "学生1", Self.id(1)]])),
        ])
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: path, diagnostics: diagnostics)
        // Then each rejected row is named by its sheet and row (and the cell, where one cell is at fault), and kept apart in the rejects
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [3])
        let errors = diagnostics.errors.map(\.description)
        #expect(errors.contains("\(path):3: 计算机学院!B3: error: 姓名 is empty"), "\(errors)")
        #expect(errors.contains("\(path):3: 外语学院!C3: error: 姓名 is empty"), "\(errors)")
        #expect(errors.contains("\(path):2: sheet 汇总: error: 考生号 \(Self.ksh(1)) appears twice in this roster; the first row is kept"), "\(errors)")
        #expect(try database.rows("SELECT line, location FROM reject ORDER BY line") == [
            "[line:3 location:\"\(path):3: 计算机学院!B3\"]", "[line:10000003 location:\"\(path):3: 外语学院!C3\"]",
            "[line:20000002 location:\"\(path):2: sheet 汇总\"]"])
        // And over a roster already stored, where a repeated 考生号 is found as it comes, the same
        let again = DiagnosticCollector()
        try ImportFixtures.importNight(database, asOf: "2026-09-06", roster: try ImportFixtures.workbook("roster.xlsx", sheets: [
            ("计算机学院", ImportFixtures.texts([["考生号", "姓名", "身份证号"], [Self.ksh(1), "学生1", Self.id(1)], [Self.ksh(2), "学生2", Self.id(2)]])),
            ("外语学院", ImportFixtures.texts([["身份证号", "考生号", "姓名"], [Self.id(3), Self.ksh(3), "学生3"], [Self.id(1), Self.ksh(1), "学生1"]])),
        ]), diagnostics: again)
        #expect(again.errors.map { $0.location?.cell } == ["sheet 外语学院"], "\(again.diagnostics)")
        #expect(try database.rows("SELECT ksh FROM student WHERE left_on IS NULL ORDER BY ksh").count == 3)
    }

    @Test func aSheetKeyedOtherwiseThanTheFirstIsRefused() throws {
        // Given a roster whose second sheet has no 考生号 column (its students would be keyed by 学号)
        let path = try ImportFixtures.workbook("roster.xlsx", sheets: [
            ("计算机学院", ImportFixtures.texts([["考生号", "学号", "姓名", "身份证号"], [Self.ksh(1), "2026001", "学生1", Self.id(1)]])),
            ("外语学院", ImportFixtures.texts([["学号", "姓名", "身份证号"], ["2026003", "学生3", Self.id(3)]])),
        ])
        let error = try #require(throws: ZichaError.self) { try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: path) }
        #expect(error.exitCode == 65)
        #expect(error.diagnostic.description.hasPrefix("\(path):1: sheet 外语学院: error: this sheet has no 考生号 column"), "\(error)")
    }

    @Test func aCounselorListOverSeveralSheetsNamesTheEarlierSheetOfAClassGivenAgain() throws {
        let counselors = try ImportFixtures.workbook("counselors.xlsx", sheets: [
            ("计算机学院", ImportFixtures.texts([["班级", "辅导员", "邮箱"], ["计科2601", "李老师", "li@example.edu.cn"]])),
            ("外语学院", ImportFixtures.texts([["辅导员", "邮箱", "班级"], ["王老师", "wang@example.edu.cn", "英语2601"], ["赵老师", "zhao@example.edu.cn", "计科2601"]])),
        ])
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try ImportFixtures.importNight(database, roster: try Self.roster(1...2), counselors: counselors, diagnostics: diagnostics)
        #expect(files.map(\.accepted) == [2, 3])
        #expect(diagnostics.warnings.map(\.description).contains { $0.hasPrefix("\(counselors):3: sheet 外语学院: warning: 班级 计科2601 is given again with another counselor or address (line 2 of sheet 计算机学院: 李老师)") },
                "\(diagnostics.diagnostics)")
        #expect(try database.rows("SELECT scope, counselor, line FROM counselor_scope ORDER BY scope") == [
            "[scope:\"英语2601\" counselor:\"王老师\" line:10000002]", "[scope:\"计科2601\" counselor:\"赵老师\" line:10000003]"])
    }

    @Test func aRowNumberedPastExcelsLastRowIsRefusedOnlyWhenSeveralSheetsAreRead() throws {
        // Given a roster over two sheets whose second numbers its student's row 2,000,000 (no Excel writes that: such a
        // row would take the lines of a later sheet)
        let path = try ImportFixtures.workbook("roster.xlsx", sheets: [
            ("计算机学院", ImportFixtures.texts([["考生号", "姓名", "身份证号"], [Self.ksh(1), "学生1", Self.id(1)]])),
            ("外语学院", ImportFixtures.texts([["考生号", "姓名", "身份证号"], [Self.ksh(3), "学生3", Self.id(3)]])),
        ])
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
        let entry = try #require(archive["xl/worksheets/sheet2.xml"])
        var xml = Data()
        _ = try archive.extract(entry) { xml.append($0) }
        let renumbered = Data(String(decoding: xml, as: UTF8.self).replacingOccurrences(of: "<row r=\"2\">", with: "<row r=\"2000000\">").utf8)
        #expect(renumbered != xml)
        try archive.remove(entry)
        try archive.addEntry(with: "xl/worksheets/sheet2.xml", type: .file, uncompressedSize: Int64(renumbered.count), compressionMethod: .deflate) { position, size in
            renumbered.subdata(in: Int(position)..<Int(position) + size)
        }
        // Then the workbook is refused, naming the sheet
        let error = try #require(throws: ZichaError.self) { try ImportFixtures.importNight(try AppDatabase(inMemory: ()), roster: path) }
        #expect(error.exitCode == 65)
        #expect(error.diagnostic.message == "the sheet “外语学院” numbers a row 2000000, past Excel's last row (1048576)", "\(error)")
        // While that sheet read alone keeps its row number
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: path, options: ZichaKit.TableOptions(sheet: "外语学院"))
        #expect(try database.rows("SELECT ksh, line FROM student") == ["[ksh:\"\(Self.ksh(3))\" line:2000000]"])
    }

    @Test func aCounselorListRowOfALaterSheetIsNamedByItsPlaceAmongTheSheetsRead() {
        // The night's warning about a counselor-list row naming nobody reads the row from the database, without the sheet's name
        let scope = UnmatchedScope(kind: "class", scope: "天文2601", file: "counselors.xlsx", line: 10_000_003, isWorkbook: true)
        #expect(scope.location.description == "counselors.xlsx:3: sheet 2 of those read")
        #expect(UnmatchedScope(kind: "class", scope: "天文2601", file: "counselors.xlsx", line: 3, isWorkbook: true).location.description == "counselors.xlsx:3")
        #expect(UnmatchedScope(kind: "class", scope: "天文2601", file: "counselors.csv", line: 10_000_003).location.description == "counselors.csv:10000003")
    }
}
