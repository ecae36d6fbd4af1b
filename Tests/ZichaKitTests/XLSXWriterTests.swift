import Foundation
import Testing
import ZIPFoundation
@testable import ZichaKit

/// The workbook writer: its ZIP container read back by ZIPFoundation (CRCs checked), its sheets by openpyxl.
@Suite struct XLSXWriterTests {
    @Test func zipEntriesRoundTripThroughZIPFoundation() throws {
        let folder = try ReportFixture.tempFolder("zip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.zip")
        // More than one deflate chunk, written in pieces of every size from 1 byte to a quarter megabyte.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = String(repeating: "学籍自查 <row r=\"1\"/> ", count: 20_000)
        let zip = ZipStreamWriter(fd: try ReportFile.create(url), path: url.path)
        try zip.beginEntry("noise.bin")
        var offset = 0, piece = 1
        while offset < noise.count {
            let end = min(noise.count, offset + piece)
            try zip.write(Array(noise[offset..<end]))
            offset = end
            piece = piece * 3 + 1
        }
        try zip.endEntry()
        try zip.addEntry("empty.txt", "")
        try zip.addEntry("目录/文本.xml", text)
        try zip.close()

        let archive = try Archive(url: url, accessMode: .read)
        var names: [String] = []
        for entry in archive {
            names.append(entry.path)
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }  // verifies the CRC
            switch entry.path {
            case "noise.bin": #expect(Array(data) == noise)
            case "empty.txt": #expect(data.isEmpty)
            default: #expect(String(decoding: data, as: UTF8.self) == text)
            }
        }
        #expect(names == ["noise.bin", "empty.txt", "目录/文本.xml"])
    }

    @Test func sheetsRollOverAndKeepEveryCellAsWritten() throws {
        let folder = try ReportFixture.tempFolder("xlsx-sheets")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("followup.xlsx")
        let book = try FollowupWorkbook(url: url, asOf: "2026-11-29", rowsPerSheet: 3)
        let odd = [" 前后有空格 ", "_x0041_ 不是 A", "a & b < c > d", "非字符\u{FFFE}", "第一行\n第二行"]
        for (i, text) in odd.enumerated() {
            var row = Array(repeating: "", count: FollowupTable.header.count)
            row[0] = text  // 学院: a shared string
            row[5] = text  // 姓名: inline
            row[3] = "2411010100000\(i)"
            row[FollowupTable.header.firstIndex(of: "未查天数")!] = "\(i + 1)"
            try book.append(row)
        }
        try book.close()

        let sheets = try #require(ReportTools.readXLSX(url).object["sheets"] as? [[String: Any]])
        #expect(sheets.map { $0["name"] as? String } == ["待跟进", "待跟进2", "待跟进3"])
        #expect(sheets.map { $0["auto_filter"] as? String } == ["A1:N3", "A1:N3", "A1:N2"])
        #expect(sheets.allSatisfy { $0["freeze_panes"] as? String == "A2" && $0["header_bold"] as? Bool == true })
        let rows = sheets.flatMap { ($0["rows"] as? [[[String: Any]]] ?? []).dropFirst() }
        let written = [" 前后有空格 ", "_x0041_ 不是 A", "a & b < c > d", "非字符\u{FFFD}", "第一行\n第二行"]
        // Excel (and our reader, XLSXText) reads `_xHHHH_` as an escape; openpyxl 3.0 decodes it in shared strings
        // and leaves it as it is in inline ones.
        #expect(rows.map { $0[0]["v"] as? String } == written)
        // 学院 went into the shared strings, once per distinct value; 姓名 stayed inline.
        let archive = try Archive(url: url, accessMode: .read)
        var sheet1 = Data(), shared = Data()
        _ = try archive.extract(try #require(archive["xl/worksheets/sheet1.xml"])) { sheet1.append($0) }
        _ = try archive.extract(try #require(archive["xl/sharedStrings.xml"])) { shared.append($0) }
        let sheetXML = String(decoding: sheet1, as: UTF8.self), sharedXML = String(decoding: shared, as: UTF8.self)
        #expect(sheetXML.contains(#"<c r="A2" s="2" t="s"><v>"#) && sheetXML.contains(#"<c r="F2" s="2" t="inlineStr">"#), "\(sheetXML)")
        #expect(sharedXML.contains(#"count="5" uniqueCount="5""#), "\(sharedXML)")  // the five texts of 学院 (the other shared columns are empty)
        #expect(rows.map { XLSXText.decode(Array(($0[5]["v"] as? String ?? "").utf8)) } == written)
        #expect(rows.map { $0[3]["t"] as? String } == Array(repeating: "s", count: 5), "考生号 is text")
        #expect(rows.map { $0[12]["v"] as? Int } == [1, 2, 3, 4, 5], "未查天数 is a number")
        #expect(rows.allSatisfy { $0[1]["v"] is NSNull }, "empty cells stay empty")
    }

    @Test func randomTextReadsBackAsWrittenThroughOurReader() throws {
        // Text made of the characters that need care in XML and in Excel's `_xHHHH_` escapes, read back by the
        // importer's XLSX reader: every cell is exactly `cellText` of what was written.
        let pool: [String] = ["a", "Z", "0", "7", "F", "x", "X", "_", "&", "<", ">", "\"", "'", " ", "\n", "\t", "\r", "\u{1}",
                              "\u{1F}", "学", "籍", "，", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "\u{202E}", "e\u{301}", "👩‍🎓", "]]>", "&amp;"]
        var generator = SystemRandomNumberGenerator()
        let texts = ["_x0041_", "a_x00e9_b_", "__X004a__", " 空格 "] + (0..<400).map { _ in
            (0..<Int.random(in: 1...24, using: &generator)).map { _ in pool.randomElement(using: &generator)! }.joined()
        }
        let folder = try ReportFixture.tempFolder("xlsx-random")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("followup.xlsx")
        let book = try FollowupWorkbook(url: url, asOf: "2026-11-29")
        for text in texts {
            var row = Array(repeating: "", count: FollowupTable.header.count)
            row[0] = text
            row[3] = "24110101000001"
            try book.append(row)
        }
        try book.close()

        let reader = try XLSXReader(path: url.path, source: "followup.xlsx", options: TableOptions(),
                                    isHeader: { $0.contains("考生号") })
        var read: [String] = []
        try reader.read { if $0.cells.first != "学院" { read.append($0.cells.first ?? "") } }
        let expected = texts.map { XLSXWriterBook.cellText($0, note: FollowupWorkbook.truncationNote) }
        #expect(read.count == expected.count)
        for (got, want) in zip(read, expected) where got != want {
            Issue.record("read back \(got.debugDescription), wrote \(want.debugDescription)")
            break
        }
    }
}
