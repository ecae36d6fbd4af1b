import Foundation
import Testing
import ZIPFoundation
@testable import ZichaKit

/// Small workbooks made to cost a night minutes or gigabytes (a security audit's cases): each is read in bounded time
/// and memory, or refused.
@Suite struct XLSXLimitsTests {
    static let main = RawWorkbook.main, relationships = RawWorkbook.relationships

    /// A package of `sheets` (tab name → part) over `parts` (part → XML), with `shared` as its shared-string table.
    static func workbook(sheets: [(String, String)], parts: [String: String], shared: String? = nil) throws -> String {
        var rels = sheets.enumerated().map { i, sheet in
            "<Relationship Id=\"rId\(i + 1)\" Type=\"\(relationships)/worksheet\" Target=\"\(sheet.1.dropFirst(3))\"/>"
        }
        if shared != nil { rels.append("<Relationship Id=\"rS\" Type=\"\(relationships)/sharedStrings\" Target=\"sharedStrings.xml\"/>") }
        var all: [(String, String)] = [
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
                + "Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><sheets>"
                + sheets.enumerated().map { "<sheet name=\"\($0.element.0)\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined()
                + "</sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + rels.joined() + "</Relationships>"),
        ]
        all.append(contentsOf: parts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if let shared { all.append(("xl/sharedStrings.xml", shared)) }
        let archive = try Archive(accessMode: .create)
        for (path, text) in all {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try ImportFixtures.temporaryFile(try #require(archive.data), name: "limits.xlsx")
    }

    static let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>考生号</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>姓名</t></is></c>"
        + "<c r=\"C1\" t=\"inlineStr\"><is><t>身份证号</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>班级</t></is></c></row>"

    static func row(_ r: Int, ksh: String, name: String, id: String, className: String? = nil, extra: String = "") -> String {
        "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>\(ksh)</t></is></c><c r=\"B\(r)\" t=\"inlineStr\"><is><t>\(name)</t></is></c>"
            + "<c r=\"C\(r)\" t=\"inlineStr\"><is><t>\(id)</t></is></c>"
            + (className.map { "<c r=\"D\(r)\" t=\"inlineStr\"><is><t>\($0)</t></is></c>" } ?? "") + extra + "</row>"
    }

    static func read(_ path: String) throws -> (reader: XLSXReader, records: [TableRecord]) {
        let reader = try XLSXReader(path: path, source: "limits.xlsx", options: TableOptions(), isHeader: XLSXReaderTests.isRosterHeader)
        return (reader, try XLSXReaderTests.records(reader))
    }

    @Test func aPartThatUnpacksToAHundredTimesItsSizeIsRefused() throws {
        // Given a shared-string table of 6 million empty strings: 78 MB of XML that packs to a few hundred KB
        let empty = String(repeating: "<si><t/></si>", count: 6_000_000)
        let path = try Self.workbook(sheets: [("花名册", "xl/worksheets/sheet1.xml")],
                                     parts: ["xl/worksheets/sheet1.xml": "<worksheet xmlns=\"\(Self.main)\"><sheetData>\(Self.header)</sheetData></worksheet>"],
                                     shared: "<sst xmlns=\"\(Self.main)\">\(empty)</sst>")
        // Then the workbook is refused as no workbook Excel writes, not read into memory
        let error = try #require(throws: ZichaError.self) { _ = try Self.read(path) }
        #expect(error.exitCode == 65)
        #expect(error.diagnostic.message.contains("unpacks to more than 100 times its packed size"), "\(error)")
    }

    @Test func sheetsNamingOnePartAreOneSheet() throws {
        // Given 50 tabs all pointing at one sheet's XML
        let sheet = "<worksheet xmlns=\"\(Self.main)\"><sheetData>\(Self.header)"
            + Self.row(2, ksh: "26110101000001", name: "张伟", id: "110105199001010029") + "</sheetData></worksheet>"
        let path = try Self.workbook(sheets: (1...50).map { ("S\($0)", "xl/worksheets/sheet1.xml") }, parts: ["xl/worksheets/sheet1.xml": sheet])
        // Then it is read once: one sheet, one student
        let (reader, records) = try Self.read(path)
        #expect(reader.sheetNames == ["S1"])
        #expect(records.filter { $0.cells.first == "26110101000001" }.count == 1)
    }

    @Test func overlappingMergesAreReadOnceAndACellPastColumnXFDStaysInTheRow() throws {
        // Given 20,000 copies of one merge of 班级 over rows 2…3, and a cell written at column ZZZ
        let merges = String(repeating: "<mergeCell ref=\"D2:D3\"/>", count: 20_000)
        let sheet = "<worksheet xmlns=\"\(Self.main)\"><sheetData>\(Self.header)"
            + Self.row(2, ksh: "26110101000001", name: "张伟", id: "110105199001010029", className: "计科2601",
                       extra: "<c r=\"ZZZ2\" t=\"inlineStr\"><is><t>远</t></is></c>")
            + Self.row(3, ksh: "26110101000002", name: "王芳", id: "110101200602030017")
            + "</sheetData><mergeCells count=\"20000\">\(merges)</mergeCells></worksheet>"
        let path = try Self.workbook(sheets: [("花名册", "xl/worksheets/sheet1.xml")], parts: ["xl/worksheets/sheet1.xml": sheet])
        let (_, records) = try Self.read(path)
        // Then the merge gives row 3 its 班级, and the far cell lands after the row's last one, not 18,278 columns out
        let second = try #require(records.first { $0.cells.first == "26110101000001" })
        let third = try #require(records.first { $0.cells.first == "26110101000002" })
        #expect(third.cells.count == 4 && third.cells[3] == "计科2601", "\(third.cells)")
        #expect(second.cells.count == 5 && second.cells[4] == "远", "\(second.cells)")
    }
}
