// Fuzz target: the XLSX reader (WorkbookSniffer, ZIPFoundation, libxml2's push parser, the sheet,
// shared-string, style and relationship handlers), through a real file as the importer reads it.
//
// Input: a zip as is (starts with "PK"), or parts separated by "|||" — sheet XML, shared strings,
// workbook XML, styles — packed into a fresh .xlsx here, so the XML handlers are fuzzed past the
// zip's CRC checks.
//
// Invariants: the reader throws only ZichaError(.unreadableInput) naming the file; rows are numbered
// from 1; a record has cells (or a formula without a saved value) and no trailing empty cell; `numeric` never
// outruns `cells`; an error cell is one of the record's cells, and holds text; a record's location names the
// sheet it came from (a workbook may have several read as one table).
import Foundation
import ZIPFoundation

private let directory = scratch(NSTemporaryDirectory() + "zicha-fuzz-xlsx-\(getpid())")
private let path = scratch(directory + "/fuzz.xlsx")

private let defaults = [
    #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
    #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>学号</t></si></sst>"#,
    #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="14"/></cellXfs></styleSheet>"#,
]
private let packageRels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
private let workbookRels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#

private func split(_ bytes: ArraySlice<UInt8>) -> [Data] {
    var parts: [Data] = []
    var current: [UInt8] = []
    var i = bytes.startIndex
    while i < bytes.endIndex {
        if bytes[i] == 0x7C, i + 2 < bytes.endIndex, bytes[i + 1] == 0x7C, bytes[i + 2] == 0x7C {
            parts.append(Data(current)); current = []; i += 3; continue
        }
        current.append(bytes[i]); i += 1
    }
    parts.append(Data(current))
    return parts
}

private func package(_ parts: [Data]) throws -> Data {
    let archive = try Archive(accessMode: .create)
    var files: [(String, Data)] = [("_rels/.rels", Data(packageRels.utf8)), ("xl/_rels/workbook.xml.rels", Data(workbookRels.utf8))]
    let names = ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"]
    for (k, name) in names.enumerated() { files.append((name, k < parts.count ? parts[k] : Data(defaults[k].utf8))) }
    for (name, data) in files {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return archive.data ?? Data()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let file: Data
    if bytes.starts(with: [0x50, 0x4B]) {
        file = Data(bytes)
    } else {
        guard let zipped = try? package(split(bytes[...])) else { return 0 }
        file = zipped
    }
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: path, contents: file) else { return 0 }

    do {
        let reader = try XLSXReader(path: path, source: "fuzz.xlsx", options: TableOptions()) { $0.contains("学号") }
        var rows = 0
        try reader.read { record in
            rows += 1
            invariant(record.line >= 1, "row number \(record.line)")
            invariant(!record.cells.isEmpty || record.decodingProblem != nil || !record.formulasWithoutValue.isEmpty,
                      "an empty record without a problem")
            invariant(record.errors.allSatisfy { $0 < record.cells.count && !record.cells[$0].isEmpty }, "an error cell without text")
            invariant(record.cells.last.map { !$0.isEmpty } ?? true, "a trailing empty cell")
            invariant(record.numeric.count <= record.cells.count, "numeric flags outrun cells")
            // Every sheet read (the workbook may list several) names its own rows: the sheet's, at a row of its own.
            invariant(record.sheet >= 0 && record.sheet < reader.sheetNames.count, "sheet \(record.sheet) of \(reader.sheetNames.count) read")
            let location = reader.location(line: record.line, column: record.cells.count - 1)
            invariant(location.cell?.hasPrefix(XLSXReader.quoted(reader.sheetNames[record.sheet]) + "!") == true, "\(location) is not of sheet \(record.sheet)")
            invariant(reader.sheetNames.count == 1 || (location.line ?? 0) >= 1 && (location.line ?? 0) <= SheetLine.lastRow, "row of \(location)")
        }
    } catch let error as ZichaError {
        invariant(error.kind == .unreadableInput, "error kind \(error.kind): \(error)")
        invariant(error.diagnostic.location?.file == "fuzz.xlsx", "error does not name the file: \(error)")
    } catch {
        invariant(false, "a non-ZichaError escaped the XLSX reader: \(error)")
    }
    return 0
}
