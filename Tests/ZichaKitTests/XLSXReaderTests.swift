// Memory stays flat. Measured with `/usr/bin/time -v` running the debug test binary directly:
//   ZICHA_XLSX_BIG=/tmp/big.xlsx /usr/bin/time -v .build/debug/zichaPackageTests.xctest \
//     --testing-library swift-testing --filter XLSXReaderTests/bigSheet
// on rosters made by `/usr/bin/python3 scripts/make_xlsx_fixtures.py --big PATH --rows N [--shared]`:
//   200,001 rows, inline strings (117 MB sheet XML, 11.8 MB file): 16.1 s debug, max RSS 38,744 KB
//    20,001 rows, inline strings:                                   1.4 s debug, max RSS 38,420 KB
//   200,001 rows, 600k shared strings (16 MB sharedStrings.xml):   9.8 s debug, max RSS 53,320 KB
//   the same binary running one tiny test:                                         max RSS 32,448 KB
// Rows stream; only the shared-string table is held (it is needed for random access).
import Foundation
import Testing
@testable import ZichaKit

@Suite struct XLSXReaderTests {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("xlsx")
    static func fixture(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static func isRosterHeader(_ cells: [String]) -> Bool { cells.contains("考生号") && cells.contains("身份证号") }

    static func open(_ name: String, sheet: String? = nil,
                     isHeader: @escaping ([String]) -> Bool = isRosterHeader) throws -> XLSXReader {
        try XLSXReader(path: fixture(name), source: name, options: TableOptions(sheet: sheet), isHeader: isHeader)
    }

    static func records(_ reader: XLSXReader) throws -> [TableRecord] {
        var records: [TableRecord] = []
        try reader.read { records.append($0) }
        return records
    }

    static func trimmed(_ cells: [String]) -> [String] {
        var cells = cells
        while cells.last == "" { cells.removeLast() }
        return cells
    }

    @Test func cellsMergedDownAColumnGiveTheirValueToEveryRowOfTheBlock() throws {
        // Given a roster whose 学院 (I2:I11) and 班级 (K2:K6, K7:K11) are merged over blocks of students: Excel keeps
        // each value in the block's top cell only (roster-merged.xlsx, written by openpyxl)
        let records = try Self.records(try Self.open("roster-merged.xlsx"))
        let header = try #require(records.first).cells
        let college = try #require(header.firstIndex(of: "学院")), className = try #require(header.firstIndex(of: "班级"))
        let rows = records.dropFirst()
        // Then every student has them
        #expect(rows.count == 10)
        #expect(rows.allSatisfy { $0.cells.count > className && $0.cells[college] == "计算机学院" }, "\(rows.map(\.cells))")
        #expect(rows.map { $0.cells[className] } == Array(repeating: "计科2601", count: 5) + Array(repeating: "计科2602", count: 5))
    }

    @Test func theMergeScannerFindsReferencesAcrossChunks() {
        // Given a sheet's tail cut into chunks of every size from 1 to 40 bytes
        let xml = Array(#"</sheetData><mergeCells count="4"><mergeCell ref="K7:K11"/><mergeCell ref="A1:C1"/><mergeCell ref="I2:I11"/><mergeCell ref="AB100:AB1048576"/></mergeCells>"#.utf8)
        for size in 1...40 {
            var scanner = XLSXMergeScanner()
            var i = 0
            while i < xml.count { scanner.feed(xml[i..<min(i + size, xml.count)]); i += size }
            // Then the vertical merges are found whole, the merge within one row left out
            #expect(scanner.merges == [XLSXVerticalMerge(column: 10, firstRow: 7, lastRow: 11), XLSXVerticalMerge(column: 8, firstRow: 2, lastRow: 11),
                                       XLSXVerticalMerge(column: 27, firstRow: 100, lastRow: 1_048_576)], "chunks of \(size)")
        }
    }

    @Test func rosterReadsExactlyTheRowsOfItsCSVTwin() throws {
        // Given a roster with a 说明 sheet in front, and the CSV Excel would export from 花名册
        let csv = try String(contentsOfFile: Self.fixture("roster.csv"), encoding: .utf8)
        let expected = csv.components(separatedBy: "\r\n").enumerated().compactMap { index, line in
            let cells = Self.trimmed(line.components(separatedBy: ","))
            return cells.isEmpty ? nil : TableRecord(line: index + 1, cells: cells)
        }
        // When
        let reader = try Self.open("roster.xlsx")
        let records = try Self.records(reader)
        // Then: the sheet with the header is chosen, and rows and row numbers match line for line
        #expect(reader.sheetName == "花名册")
        #expect(records.map(\.line) == expected.map(\.line))
        for (record, twin) in zip(records, expected) {
            #expect(record.cells == twin.cells, "row \(record.line)")
            #expect(record.decodingProblem == nil)
        }
    }

    @Test func numbersAreFlaggedAndCellsAreNamed() throws {
        let reader = try Self.open("roster.xlsx")
        let rows = Dictionary(uniqueKeysWithValues: try Self.records(reader).map { ($0.line, $0) })
        let idAsNumber = try #require(rows[7])
        #expect(idAsNumber.cells[3] == "340104200602030000")
        #expect(idAsNumber.isNumeric(3))  // the importer rejects an ID stored as a number
        #expect(idAsNumber.isNumeric(0) && idAsNumber.isNumeric(6))  // 考生号, 手机号
        #expect(!idAsNumber.isNumeric(1) && !idAsNumber.isNumeric(2) && !idAsNumber.isNumeric(9))
        #expect(rows[3]?.isNumeric(3) == false)
        #expect(rows[8]?.cells[0] == "24110101000005")  // stored as 2.4110101000005E13
        #expect(reader.location(line: 7, column: 3).description == "roster.xlsx:7: 花名册!D7")
        #expect(reader.location(line: 7, column: 3) == SourceLocation(file: "roster.xlsx", line: 7, cell: "花名册!D7"))
        #expect(reader.location(line: 7, column: nil).description == "roster.xlsx:7")
        #expect(XLSXReader.quoted("Sheet 1") == "'Sheet 1'")
    }

    @Test func aNamedSheetIsReadEvenWithoutAHeader() throws {
        let reader = try Self.open("roster.xlsx", sheet: "说明")
        let records = try Self.records(reader)
        #expect(reader.sheetName == "说明")
        #expect(records.last?.cells == ["导出日期", "2024-09-01"])
    }

    @Test func anUnknownSheetNameListsTheSheets() throws {
        let error = try #require(throws: ZichaError.self) { try Self.open("roster.xlsx", sheet: "名单") }
        #expect(error.exitCode == 65)
        #expect(error.diagnostic.message.contains("“说明”, “模板”, “花名册”"))
    }

    @Test func aHiddenSheetIsReadOnlyWhenNamed() throws {
        // 模板 is a hidden tab before 花名册 with the same header and no rows
        #expect(try Self.open("roster.xlsx").sheetName == "花名册")
        let template = try Self.open("roster.xlsx", sheet: "模板")
        #expect(try Self.records(template).map(\.line) == [1])
    }

    @Test func everyVisibleSheetWithTheHeaderIsReadInTabOrderEachWithItsOwnRowsAndMerges() throws {
        // Given a roster with a 说明 sheet, a sheet per college (计算机学院: its header on row 1; 外语学院: a title row,
        // then its header on row 3 with the columns in another order), 学院 merged over each college's students, a
        // hidden 模板 with the header and a row, a 透视 summary and an empty Sheet3 (roster-sheets.xlsx, by openpyxl)
        let reader = try Self.open("roster-sheets.xlsx")
        let records = try Self.records(reader)
        // Then both colleges' sheets are read, in tab order, and the non-empty visible sheets without the header are named
        #expect(reader.sheetNames == ["计算机学院", "外语学院"])
        #expect(reader.skippedSheets == ["说明", "透视"])
        #expect(records.map(\.sheet) == [0, 0, 0, 1, 1, 1, 1])
        // And the second sheet's rows are numbered past the first's, each merge filling its own sheet's rows
        #expect(records.map(\.line) == [1, 2, 3, 10_000_001, 10_000_003, 10_000_004, 10_000_005])
        #expect(records.map { Self.trimmed($0.cells) } == [
            ["考生号", "姓名", "身份证号", "学院", "班级"],
            ["26110101000001", "学生1", "110105200701010017", "计算机学院", "计科2601"],
            ["26110101000002", "学生2", "110105200701010025", "计算机学院", "计科2601"],
            ["外语学院2026级新生名单"],
            ["姓名", "学院", "班级", "身份证号", "考生号"],
            ["学生3", "外语学院", "英语2601", "110105200701010033", "26110101000003"],
            ["学生4", "外语学院", "英语2601", "110105200701010041", "26110101000004"],
        ])
        // And a location names the sheet its line is of, and the row within it
        #expect(reader.location(line: 10_000_004, column: 3).description == "roster-sheets.xlsx:4: 外语学院!D4")
        #expect(reader.location(line: 10_000_004, column: nil) == SourceLocation(file: "roster-sheets.xlsx", line: 4, cell: "sheet 外语学院"))
        #expect(reader.location(line: 2, column: 0).description == "roster-sheets.xlsx:2: 计算机学院!A2")
    }

    @Test func aNamedSheetOfSeveralIsReadAloneWithItsOwnRowNumbers() throws {
        let reader = try Self.open("roster-sheets.xlsx", sheet: "外语学院")
        #expect(reader.sheetNames == ["外语学院"] && reader.skippedSheets.isEmpty)
        let records = try Self.records(reader)
        #expect(records.map(\.line) == [1, 3, 4, 5] && records.allSatisfy { $0.sheet == 0 })
        #expect(reader.location(line: 4, column: 0).description == "roster-sheets.xlsx:4: 外语学院!A4")
        // A hidden sheet is read when named
        #expect(try Self.records(try Self.open("roster-sheets.xlsx", sheet: "模板")).map { $0.cells.first } == ["考生号", "26110101000009"])
    }

    @Test func withoutAMatchingHeaderTheFirstVisibleSheetIsRead() throws {
        let reader = try Self.open("roster.xlsx", isHeader: { _ in false })
        #expect(reader.sheetName == "说明")
    }

    @Test(arguments: ["dates1900.xlsx", "dates1904.xlsx"])
    func datesReadAsISOText(_ name: String) throws {
        // Each row holds a label, a styled number, and the text Excel shows for it
        let records = try Self.records(Self.open(name, isHeader: { $0.first == "说明" }))
        #expect(records.count > 3)
        for record in records.dropFirst() {
            #expect(record.cells[1] == record.cells[2], "\(name) row \(record.line): \(record.cells[0])")
        }
    }

    @Test func anErrorFromTheCallerPassesThrough() throws {
        struct Enough: Error {}
        let reader = try Self.open("roster.xlsx")
        #expect(throws: Enough.self) { try reader.read { _ in throw Enough() } }
    }

    @Test(arguments: [
        ("encrypted.xlsx", "password"), ("legacy.xls", "Excel 97–2003"), ("html.xls", "HTML table"),
        ("truncated.xlsx", "cut short"), ("renamed-csv.xlsx", "plain text"),
        // Saved by LibreOffice, WPS or Gnumeric in other formats (the first lines of each): read as text, they "lacked"
        // every column, and the message sent the office to its headers (an audit of spreadsheet programs)
        ("flat.fods", "OpenDocument spreadsheet in one XML file"), ("uof.uos", "UOF document"), ("sylk.slk", "SYLK spreadsheet"),
        ("dif.dif", "DIF spreadsheet"),
    ])
    func unreadableWorkbooksSayWhatTheyAre(_ name: String, _ phrase: String) throws {
        let problem = try #require(WorkbookSniffer.problem(path: Self.fixture(name), source: name))
        #expect(problem.exitCode == 65)
        #expect(problem.diagnostic.message.contains(phrase))
        #expect(problem.diagnostic.hint != nil)
        #expect(problem.diagnostic.location == SourceLocation(file: name))
        let error = try #require(throws: ZichaError.self) { try Self.open(name) }
        #expect(error.diagnostic == problem.diagnostic)
    }

    @Test func soundFilesAreNotFlagged() {
        #expect(WorkbookSniffer.problem(path: Self.fixture("roster.xlsx"), source: "roster.xlsx")?.diagnostic == nil)
        #expect(WorkbookSniffer.problem(path: Self.fixture("roster.csv"), source: "roster.csv")?.diagnostic == nil)
        // A `;`-separated CSV whose header starts like a SYLK file's first record is a CSV
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-semicolon-\(UUID().uuidString).csv").path
        FileManager.default.createFile(atPath: csv, contents: Data("ID;Phone;Name\n110105199001010029;13800138000;张伟\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: csv) }
        #expect(WorkbookSniffer.problem(path: csv, source: "semicolon.csv")?.diagnostic == nil)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["ZICHA_XLSX_BIG"] != nil))
    func bigSheet() throws {
        let path = ProcessInfo.processInfo.environment["ZICHA_XLSX_BIG"]!
        let start = Date()
        let reader = try XLSXReader(path: path, source: "big.xlsx", options: TableOptions(), isHeader: Self.isRosterHeader)
        var rows = 0
        try reader.read { _ in rows += 1 }
        print("XLSX big sheet: \(rows) rows in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        #expect(rows > 1)
    }

    // MARK: cells as Excel and WPS write them, fed straight to the sheet parser

    static func rows(_ sheetData: String, shared: [String] = [], dateStyles: [Bool] = [], styles: XLSXNumberStyles? = nil,
                     chunkSize: Int = 1 << 16) throws -> [TableRecord] {
        let handler = XLSXSheetHandler(sharedStrings: XLSXStringTable(shared), numberStyles: styles ?? XLSXNumberStyles(dates: dateStyles),
                                       date1904: false)
        let parser = XMLPushParser(handler: handler, name: "sheet1.xml")
        let xml = Data(("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + sheetData + "</sheetData></worksheet>").utf8)
        var records: [TableRecord] = []
        for start in stride(from: 0, to: xml.count, by: chunkSize) {
            try parser.feed(xml.subdata(in: start..<min(start + chunkSize, xml.count)))
            records += handler.takePending()
        }
        try parser.finish()
        return records + handler.takePending()
    }

    @Test func cellsArePlacedByTheirReference() throws {
        // Given cells with gaps, cells without `r`, a row without `r`, and text split across tiny chunks
        let records = try Self.rows("""
            <row r="2"><c r="B2" t="inlineStr"><is><t>甲</t></is></c><c r="D2"><v>1</v></c><c><v>2</v></c></row>\
            <row><c r="C3" t="s"><v>1</v></c><c r="E3" t="s"><v/></c></row>\
            <row r="9"><c r="A9" t="s"><v/></c></row>
            """, shared: ["零", "壹贰叁"], chunkSize: 3)
        #expect(records == [
            TableRecord(line: 2, cells: ["", "甲", "", "1", "2"], numeric: [false, false, false, true, true]),
            TableRecord(line: 3, cells: ["", "", "壹贰叁"], numeric: [false, false, false]),
        ])
    }

    @Test func everyCellTypeReadsAsText() throws {
        let records = try Self.rows("""
            <row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#DIV/0!</v></c>\
            <c r="D1" t="str"><f>A1&amp;B1</f><v>TRUEFALSE</v></c><c r="E1" t="d"><v>2024-09-01T00:00:00</v></c>\
            <c r="F1" t="d"><v>2024-09-01T08:05:00</v></c><c r="G1" s="1"><v>45536.5</v></c><c r="H1" s="0"><v>45536.5</v></c>\
            <c r="I1" t="inlineStr"><is><r><t xml:space="preserve">欧阳 </t></r><r><t>娜娜</t></r>\
            <rPh sb="0" eb="2"><t>ōuyáng</t></rPh></is></c><c r="J1" t="inlineStr"><is><t>第一行_x000D__x000A_第二行</t></is></c></row>
            """, dateStyles: [false, true])
        #expect(records.first?.cells == ["TRUE", "FALSE", "#DIV/0!", "TRUEFALSE", "2024-09-01", "2024-09-01 08:05:00",
                                         "2024-09-01 12:00:00", "45536.5", "欧阳 娜娜", "第一行\n第二行"])
        #expect(records.first?.numeric == [false, false, false, false, false, false, true, true, false, false])
    }

    @Test(arguments: [
        ("王小明", "王小明"), ("a_x000D_b", "a\nb"), ("第一行_x000D__x000A_第二行", "第一行\n第二行"), ("出生日期_x000D_\n有误", "出生日期\n有误"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("_x005F_x000D_", "_x000D_"), ("_x_x0041_", "_xA"), ("a_x004a_", "aJ"), ("_xD83D__xDE00_", "😀"),
        ("_xD83D_", "_xD83D_"), ("_x12G4_", "_x12G4_"), ("王_x0000_一", "王_x0000_一"), ("_x001B_[2J", "_x001B_[2J"),
        ("_x0085_", "_x0085_"), ("a_x0009_b", "a\tb"), ("_x0041", "_x0041"), ("x_x4E2D_", "x中"), ("__x0041_", "_A"),
    ])
    func escapesAreUndone(_ stored: String, _ shown: String) {
        #expect(XLSXText.decode(Array(stored.utf8)) == shown)
    }

    @Test func sharedStringsKeepTheirOrderRunsAndEscapes() throws {
        let handler = XLSXSharedStringsHandler()
        let parser = XMLPushParser(handler: handler, name: "sharedStrings.xml")
        try parser.feed(Data("""
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="5"><si><t>考生号</t></si>\
            <si><t/></si><si><r><t xml:space="preserve">欧阳 </t></r><r><t>娜娜</t></r><rPh sb="0" eb="2"><t>ōuyáng</t></rPh></si>\
            <si><t>第一行_x000D__x000A_第二行</t></si><si><t>110105200001010021</t></si></sst>
            """.utf8))
        try parser.finish()
        let table = handler.strings
        #expect(table.count == 5)
        #expect((0..<table.count).map { table[$0] } == ["考生号", "", "欧阳 娜娜", "第一行\n第二行", "110105200001010021"])
        let rows = try Self.rows(#"<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>2</v></c></row>"#,
                                 shared: (0..<table.count).map { table[$0] })
        #expect(rows.first?.cells == ["110105200001010021", "欧阳 娜娜"])
    }

    @Test func aMissingSharedStringMarksTheRow() throws {
        let records = try Self.rows(#"<row r="4"><c r="A4" t="s"><v>7</v></c><c r="B4"><v>1</v></c></row>"#)
        #expect(records.first?.cells == ["", "1"])
        #expect(records.first?.decodingProblem?.contains("A4") == true)
    }

    @Test func brokenXMLIsReported() {
        #expect(throws: XMLParseFailure.self) { try Self.rows("<row r=\"1\"><c r=\"A1\"><v>1</c></row>") }
    }

    @Test(arguments: [
        ("2.4110101000001E13", "24110101000001"), ("13800138000", "13800138000"), ("5.0", "5"),
        ("3.4010420060203e+17", "340104200602030000"), ("0.30000000000000004", "0.3"), ("1.5E-3", "0.0015"),
        ("-0", "0"), ("-12.50", "-12.5"), ("24110101000002.0", "24110101000002"), ("n/a", "n/a"),
    ])
    func numbersReadAsTheirDigits(_ raw: String, _ shown: String) {
        #expect(XLSXNumber.text(raw) == shown)
    }

    @Test func dateFormatsAreRecognised() {
        for code in ["yyyy-mm-dd", #"yyyy"年"m"月"d"日""#, "h:mm AM/PM", "[h]:mm:ss", "[$-804]yyyy/m/d", "d-mmm"] {
            #expect(XLSXDate.isDateFormat(code), "\(code)")
        }
        for code in ["General", "0.00", "#,##0", "[Red]0.00", #"0"天""#, "@", "0.00E+00", #"0_);\(0\)"#] {
            #expect(!XLSXDate.isDateFormat(code), "\(code)")
        }
        #expect([14, 22, 31, 45, 57, 58].allSatisfy(XLSXDate.isBuiltInDate))
        #expect(![0, 1, 2, 10, 11, 23, 49].contains(where: XLSXDate.isBuiltInDate))
    }

    @Test func serialsFollowExcelsCalendar() {
        #expect(XLSXDate.text(serial: 1, date1904: false) == "1900-01-01")
        #expect(XLSXDate.text(serial: 59, date1904: false) == "1900-02-28")
        #expect(XLSXDate.text(serial: 60, date1904: false) == "1900-02-29")
        #expect(XLSXDate.text(serial: 61, date1904: false) == "1900-03-01")
        #expect(XLSXDate.text(serial: 45536.999999999, date1904: false) == "2024-09-02")
        #expect(XLSXDate.text(serial: 0, date1904: true) == "1904-01-01")
        // A time-of-day cell at midnight holds 0 (day 0 is no date in the 1900 system); noon 0.5
        #expect(XLSXDate.text(serial: 0, date1904: false) == "00:00:00")
        #expect(XLSXDate.text(serial: 0.5, date1904: false) == "12:00:00")
        #expect(XLSXDate.text(serial: 44074, date1904: true) == "2024-09-01")
        #expect(XLSXDate.text(serial: -1, date1904: false) == nil)
    }
}
