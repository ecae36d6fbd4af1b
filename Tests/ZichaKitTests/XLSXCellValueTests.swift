import Foundation
import Testing
import ZIPFoundation
@testable import ZichaKit

/// A workbook written from raw XML parts, as programs other than Excel write them: formulas without a saved value,
/// Excel error cells, custom number formats, numbers of 18 digits.
enum RawWorkbook {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A cell: `inline` text, a number (`<v>` as given) with an optional style, or any raw `<c>` element.
    enum Cell {
        case text(String)
        case number(String, style: Int? = nil)
        case raw(String)
    }

    /// The `<c>` element of `cell` at `reference` (raw cells give their own reference: `{r}` is replaced).
    static func xml(_ cell: Cell, _ reference: String) -> String {
        switch cell {
        case .text(let text):
            let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            return "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(escaped)</t></is></c>"
        case .number(let value, let style):
            return "<c r=\"\(reference)\"\(style.map { " s=\"\($0)\"" } ?? "")><v>\(value)</v></c>"
        case .raw(let element):
            return element.replacingOccurrences(of: "{r}", with: reference)
        }
    }

    /// Writes a one-sheet workbook (its sheet `sheetName`) of `rows` to a fresh temporary file named `name`; `numberFormats` are
    /// custom formats (`numFmtId` 164 on) given to cell styles 1, 2, … in order. Returns its path.
    static func file(_ name: String, sheet sheetName: String = "花名册", rows: [[Cell]], numberFormats: [String] = []) throws -> String {
        var sheet = "<worksheet xmlns=\"\(main)\"><sheetData>"
        for (r, row) in rows.enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() { sheet += xml(cell, XLSXCellReference.columnName(c) + String(r + 1)) }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let formats = numberFormats.enumerated().map { "<numFmt numFmtId=\"\(164 + $0.offset)\" formatCode=\"\(escapeAttribute($0.element))\"/>" }
        let styles = "<styleSheet xmlns=\"\(main)\"><numFmts count=\"\(formats.count)\">\(formats.joined())</numFmts>"
            + "<cellXfs count=\"\(formats.count + 1)\"><xf numFmtId=\"0\"/>"
            + numberFormats.indices.map { "<xf numFmtId=\"\(164 + $0)\" applyNumberFormat=\"1\"/>" }.joined() + "</cellXfs></styleSheet>"
        let parts: [(String, String)] = [
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
                + "Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><sheets><sheet name=\"\(sheetName)\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                + "<Relationship Id=\"rId2\" Type=\"\(relationships)/styles\" Target=\"styles.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/styles.xml", styles),
        ]
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try ImportFixtures.temporaryFile(try #require(archive.data), name: name)
    }

    private static func escapeAttribute(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
    }
}

/// Cells whose stored value is not what Excel shows: formulas a program wrote without computing them, zero-padded
/// number formats, whole 18-digit numbers, Excel errors.
@Suite struct XLSXCellValueTests {
    @discardableResult
    static func night(roster: String, logs: [String] = [], asOf: String = "2026-09-05", database: AppDatabase? = nil,
                      diagnostics: DiagnosticCollector = DiagnosticCollector()) throws -> [ImportedFile] {
        try ImportFixtures.importNight(try database ?? AppDatabase(inMemory: ()), asOf: asOf, roster: roster, logs: logs, diagnostics: diagnostics)
    }

    // MARK: formulas without a saved value

    @Test(arguments: [
        // openpyxl: the formula and an empty <v>
        #"<c r="{r}"><f>IF(E2="01","计算机学院","外语学院")</f><v></v></c>"#,
        // other programs: no <v> at all, or a text result without its value
        #"<c r="{r}"><f>IF(E2="01","计算机学院","外语学院")</f></c>"#,
        #"<c r="{r}" t="str"><f>IF(E2="01","计算机学院","外语学院")</f></c>"#,
    ])
    func aFormulaWithoutASavedValueInAColumnOfTheTableRefusesTheWorkbook(_ formula: String) throws {
        // Given a roster written by a program whose 学院 is a formula it did not compute
        let path = try RawWorkbook.file("roster.xlsx", rows: [
            [.text("考生号"), .text("姓名"), .text("身份证号"), .text("学院"), .text("学院代码")],
            [.text("26110101000001"), .text("张伟"), .text("110105199001010029"), .raw(formula), .text("01")],
            [.text("26110101000002"), .text("王芳"), .text("110101200602030017"), .raw(formula), .text("02")],
        ])
        // Then the night is refused, naming the first such cell and what to do (not every student without a college)
        let error = try #require(throws: ZichaError.self) { try Self.night(roster: path) }
        #expect(error.exitCode == 65)
        #expect(error.diagnostic.location?.description == "\(path):2: 花名册!D2")
        #expect(error.diagnostic.message == "the cell holds a formula without a saved value (the workbook was written by a program that does not compute formulas)",
                "\(error)")
        #expect(error.diagnostic.hint?.contains("open it in Excel or WPS and save it again") == true)
    }

    @Test func anIDThatIsAFormulaWithoutASavedValueRefusesTheWorkbook() throws {
        // Given 身份证号 = TRIM(D2) of a column of raw IDs, not computed (audit d7b)
        let path = try RawWorkbook.file("roster.xlsx", rows: [
            [.text("考生号"), .text("姓名"), .text("身份证号"), .text("原始")],
            [.text("26110101000001"), .text("张伟"), .raw(#"<c r="{r}"><f>TRIM(D2)</f><v/></c>"#), .text(" 110105199001010029")],
        ])
        let error = try #require(throws: ZichaError.self) { try Self.night(roster: path) }
        #expect(error.exitCode == 65)
        #expect(error.diagnostic.location?.description == "\(path):2: 花名册!C2")
    }

    @Test func formulasBesideTheTableOrWithASavedValueAreRead() throws {
        // Given formulas with a saved value in the table (a text, an empty text, a number), and formulas without one in
        // a column the roster does not use (备注) and in a column without a header
        let path = try RawWorkbook.file("roster.xlsx", rows: [
            [.text("考生号"), .text("姓名"), .text("身份证号"), .text("学院"), .text("备注")],
            [.text("26110101000001"), .text("张伟"), .text("110105199001010029"),
             .raw(#"<c r="{r}" t="str"><f>IF(1,"计算机学院","")</f><v>计算机学院</v></c>"#), .raw(#"<c r="{r}"><f>LEN(A2)</f><v/></c>"#),
             .raw(#"<c r="{r}"><f>ROW()</f></c>"#)],
            [.raw(#"<c r="{r}"><f>A2+1</f><v>26110101000002</v></c>"#), .text("王芳"), .text("110101200602030017"),
             .raw(#"<c r="{r}" t="str"><f>IF(0,"计算机学院","")</f><v/></c>"#)],
        ])
        let database = try AppDatabase(inMemory: ())
        let files = try Self.night(roster: path, database: database)
        // Then both students are stored with the values Excel saved
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [0])
        #expect(try database.rows("SELECT ksh, college FROM student ORDER BY ksh") ==
                [#"[ksh:"26110101000001" college:"计算机学院"]"#, #"[ksh:"26110101000002" college:""]"#])
    }

    // MARK: zero-padded number formats

    @Test func aNumberShownZeroPaddedReadsAsExcelShowsIt() throws {
        // Given a roster keyed by 学号, stored as numbers and shown by the format 0000000000 (Excel: 0000012345)
        let path = try RawWorkbook.file("roster.xlsx", rows: [
            [.text("学号"), .text("姓名"), .text("身份证号")],
            [.number("12345", style: 1), .text("张伟"), .text("110105199001010029")],
            [.number("1.2346E4", style: 1), .text("王芳"), .text("110101200602030017")],
        ], numberFormats: ["0000000000"])
        let database = try AppDatabase(inMemory: ())
        try Self.night(roster: path, database: database)
        // Then the 学号 is the one Excel shows, so the next night's CSV export of the same sheet finds the same students
        #expect(try database.rows("SELECT ksh FROM student ORDER BY ksh") == [#"[ksh:"0000012345"]"#, #"[ksh:"0000012346"]"#])
        let csv = try ImportFixtures.temporaryFile("学号,姓名,身份证号\n0000012345,张伟,110105199001010029\n0000012346,王芳,110101200602030017\n",
                                                   name: "roster.csv")
        try Self.night(roster: csv, asOf: "2026-09-06", database: database)
        #expect(try database.rows("SELECT ksh FROM student WHERE left_on IS NULL ORDER BY ksh") == [#"[ksh:"0000012345"]"#, #"[ksh:"0000012346"]"#])
    }

    // MARK: 18-digit IDs stored as numbers

    @Test func anIDStoredAsAWholeEighteenDigitNumberIsReadButOneThatLostDigitsIsSetAside() throws {
        // Given a roster whose 身份证号 are numbers: two written whole, as pandas or openpyxl write an integer; the others
        // as a program that kept them as decimals (a double) could have written them
        let whole = ["110105200701010025", "110105199001010029"]
        let lossy = [
            "1.10105200701010E+17",  // Excel's 15 digits
            "110105200701010000",    // the same without exponent (the check fails)
            "110105200701011968",    // a double's exact value (110105200701011976 as a double), its check right by chance
            "110105200701011060",    // a valid ID, but also the shortest digits of a double: cannot tell
        ]
        let path = try RawWorkbook.file("roster.xlsx", rows: [[.text("考生号"), .text("姓名"), .text("身份证号")]]
            + (whole + lossy).enumerated().map { i, id in [.text("2611010100000\(i)"), .text("学生\(i)"), .number(id)] })
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try Self.night(roster: path, database: database, diagnostics: diagnostics)
        // Then the whole ones are stored, the others set aside as before
        #expect(files.map(\.accepted) == [2] && files.map(\.rejected) == [4])
        #expect(try database.rows("SELECT id_norm FROM student WHERE id_problem IS NULL ORDER BY ksh") == whole.map { "[id_norm:\"\($0)\"]" })
        #expect(diagnostics.errors.allSatisfy { $0.message.hasPrefix("身份证号 stored as a number lost its last digits") }, "\(diagnostics.errors)")
    }

    // MARK: Excel errors

    @Test func anExcelErrorInAKeyCellSetsTheRowAside() throws {
        // Given a roster whose 考生号 came from a VLOOKUP that failed on two rows, and one whose 身份证号 did
        let na = #"<c r="{r}" t="e"><f>VLOOKUP(B2,Sheet2!A:B,2,0)</f><v>#N/A</v></c>"#
        let path = try RawWorkbook.file("roster.xlsx", rows: [
            [.text("考生号"), .text("姓名"), .text("身份证号")],
            [.raw(na), .text("张伟"), .text("110105199001010029")],
            [.raw(na), .text("王芳"), .text("110101200602030017")],
            [.text("26110101000003"), .text("李娜"), .raw(#"<c r="{r}" t="e"><v>#REF!</v></c>"#)],
            [.text("26110101000004"), .text("赵敏"), .text("320102197001018646")],
        ])
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let files = try Self.night(roster: path, database: database, diagnostics: diagnostics)
        // Then those rows are set aside saying so, and no student is keyed #N/A
        #expect(files.map(\.accepted) == [1] && files.map(\.rejected) == [3])
        #expect(try database.rows("SELECT ksh FROM student") == [#"[ksh:"26110101000004"]"#])
        #expect(diagnostics.errors.map(\.description) == [
            "\(path):2: 花名册!A2: error: 考生号: the cell holds the Excel error #N/A (a formula that failed)",
            "\(path):3: 花名册!A3: error: 考生号: the cell holds the Excel error #N/A (a formula that failed)",
            "\(path):4: 花名册!C4: error: 身份证号: the cell holds the Excel error #REF! (a formula that failed)",
        ], "\(diagnostics.errors.map(\.description))")
    }

    @Test func anExcelErrorInALogsIDSetsTheRowAside() throws {
        let roster = try ImportFixtures.temporaryFile("考生号,姓名,身份证号\n26110101000001,张伟,110105199001010029\n", name: "roster.csv")
        let log = try RawWorkbook.file("log.xlsx", sheet: "自查记录", rows: [
            [.text("时间"), .text("身份证号"), .text("事件")],
            [.text("2026-09-04 10:00"), .raw(#"<c r="{r}" t="e"><v>#N/A</v></c>"#), .text("自查完成")],
            [.text("2026-09-04 10:00"), .text("110105199001010029"), .text("自查完成")],
        ])
        let diagnostics = DiagnosticCollector()
        let files = try Self.night(roster: roster, logs: [log], diagnostics: diagnostics)
        #expect(files.map(\.accepted) == [1, 1] && files.map(\.rejected) == [0, 1])
        #expect(diagnostics.errors.map(\.description) == ["\(log):2: 自查记录!B2: error: 身份证号: the cell holds the Excel error #N/A (a formula that failed)"])
    }

    // MARK: the sheet reader alone

    @Test func theSheetReaderMarksFormulasWithoutAValueAndErrors() throws {
        let records = try XLSXReaderTests.rows("""
            <row r="2"><c r="A2"><f>1+1</f><v/></c><c r="B2" t="e"><f>NA()</f><v>#N/A</v></c><c r="C2" t="str"><f>""</f><v/></c>\
            <c r="D2"><f>1+1</f><v>2</v></c><c r="E2" t="str"><f>A1</f></c></row>\
            <row r="3"><c r="C3"><f t="shared" si="0"/></c></row><row r="4"><c r="A4" t="e"><v>#REF!</v></c></row>
            """)
        #expect(records == [
            TableRecord(line: 2, cells: ["", "#N/A", "", "2"], numeric: [false, false, false, true], formulasWithoutValue: [0, 4], errors: [1]),
            TableRecord(line: 3, cells: [], numeric: [], formulasWithoutValue: [2]),
            TableRecord(line: 4, cells: ["#REF!"], numeric: [false], errors: [0]),
        ])
    }

    @Test func zeroPaddedFormatsAndTheirLiterals() throws {
        let formats = ["0000000000", "000000", #""XH"000000"#, #"000000"班""#, #"\A0000"#, "[$-804]000000", "0000000000;[Red]-0000000000",
                       "0.00", "#,##0", "0", "00.0", "000000E+00", "[>100]000000", "yyyy-mm-dd", "@", #"0"天""#]
        let records = try XLSXReaderTests.rows("<row r=\"1\">" + formats.indices.map { "<c s=\"\($0 + 1)\"><v>12345</v></c>" }.joined()
            + "<c s=\"1\"><v>12.5</v></c><c s=\"1\"><v>-7</v></c><c s=\"2\"><v>12345678</v></c></row>",
            styles: XLSXNumberStyles(codes: [nil] + formats))
        #expect(records.first?.cells == ["0000012345", "012345", "XH012345", "012345班", "A12345", "012345", "0000012345",
                                         "12345", "12345", "12345", "12345", "12345", "12345", "1933-10-18", "12345", "12345天",
                                         "12.5", "-7", "12345678"])
        #expect(records.first?.numeric.allSatisfy { $0 } == true)
    }

    @Test func exactIDNumbers() {
        #expect(XLSXNumber.isWholeIDNumber("110105200701010025"))
        #expect(XLSXNumber.isWholeIDNumber("110101200602030017"))
        for raw in ["1.10105200701010E+17", "110105200701010000", "110105200701011968", "110105200701011060", "110105200701010026",
                    "11010520070101002", "1101052007010100250", "110105200701010025.0", "-110105200701010025", " 110105200701010025"] {
            #expect(!XLSXNumber.isWholeIDNumber(raw), "\(raw)")
        }
    }
}
