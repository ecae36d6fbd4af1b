import Foundation
import Testing
import ZichaTestSupport
@testable import ZichaKit

/// The audit's night: a roster workbook with one sheet per college and a status export with 已查 and 未查 sheets. Read
/// whole, the second college's students are on the roster and their log rows match them (not NOT_ON_ROSTER).
@Suite("Workbooks with a sheet per college or per state")
struct MultiSheetWorkbookTests {
    static let ids = ["110105200701010017", "110105200701010025", "110105200701010033", "110105200701010041"]

    /// A workbook written by the report's own writer: each sheet a name and its rows of text cells.
    static func workbook(_ path: String, _ sheets: [(String, [[String]])]) throws {
        let book = XLSXWriterBook(fd: try ReportFile.create(URL(fileURLWithPath: path)), path: path, title: "t", created: Date(timeIntervalSince1970: 0))
        for (name, rows) in sheets {
            try book.startSheet(name, columns: Array(repeating: (width: 16, style: .text), count: rows.map(\.count).max() ?? 0), frozenRows: 1)
            for row in rows { try book.appendRow(row.map { .text($0, .text) }) }
            try book.finishSheet(filterColumns: 0)
        }
        try book.close()
    }

    @Test("every college's sheet of the roster and every state's sheet of the export is read, and the night says so")
    func aNightOfMultiSheetWorkbooks() throws {
        let tmp = try TempFolder("sheets")
        let roster = tmp.file("roster.xlsx"), status = tmp.file("status.xlsx")
        try Self.workbook(roster, [
            ("计算机学院", [["考生号", "姓名", "身份证号", "学院"]] + (1...2).map { ["2611010100000\($0)", "学生\($0)", Self.ids[$0 - 1], "计算机学院"] }),
            ("外语学院", [["外语学院名单"], ["学院", "身份证号", "姓名", "考生号"]] + (3...4).map { ["外语学院", Self.ids[$0 - 1], "学生\($0)", "2611010100000\($0)"] }),
        ])
        try Self.workbook(status, [
            ("已查", [["身份证号", "姓名", "状态"], [Self.ids[0], "学生1", "已查"], [Self.ids[2], "学生3", "已查"]]),
            ("未查", [["身份证号", "姓名", "状态"], [Self.ids[1], "学生2", "未查"], [Self.ids[3], "学生4", "未查"]]),
        ])
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", status, "--db", tmp.file("z.sqlite"),
                                                  "--out", tmp.file("Reports"), "--as-of", "2026-11-20", "--no-mail"])
        try #require(run.status == 0, "\(run.stderr)")
        let findings = try FindingsFile(path: tmp.file("Reports/2026-11-20/findings.json"))
        let students = findings.studentsByKsh
        #expect(findings.studentCount == 4)
        #expect(findings.unmatched.isEmpty, "\(findings.unmatched)")
        #expect((1...4).map { students["2611010100000\($0)"]?["state"] as? String } == ["checked", "unchecked", "checked", "unchecked"])
        #expect(students["26110101000003"]?["college"] as? String == "外语学院")
        #expect(run.stderr.contains("\(roster): note: read 2 sheets as one roster (在籍名单): “计算机学院” (2 rows), “外语学院” (2 rows, 1 line above its header ignored)"), "\(run.stderr)")
        #expect(run.stderr.contains("\(status): note: read 2 sheets as one self-check log (自查记录): “已查” (2 rows), “未查” (2 rows)"), "\(run.stderr)")

        // And with --sheet, only that sheet is read: the other college's students leave (refused as a partial roster
        // only from 20 students on)
        let again = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", status, "--db", tmp.file("z2.sqlite"),
                                                    "--out", tmp.file("Reports2"), "--as-of", "2026-11-20", "--no-mail", "--sheet", "外语学院"])
        try #require(again.status == 0, "\(again.stderr)")
        let one = try FindingsFile(path: tmp.file("Reports2/2026-11-20/findings.json"))
        #expect(one.studentCount == 2 && one.studentsByKsh["26110101000001"] == nil)
        #expect(one.unmatched.count == 2, "the first college's log rows match nobody: \(one.unmatched)")
        #expect(!again.stderr.contains("\(roster): note: read"), "\(again.stderr)")
        // while the status export, which has no such sheet, reads its own sheets, and says so
        #expect(again.stderr.contains("\(status): note: read 2 sheets as one self-check log"), "\(again.stderr)")
    }
}
