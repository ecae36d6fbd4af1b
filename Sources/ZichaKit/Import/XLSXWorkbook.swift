import Foundation
import ZIPFoundation

/// An opened .xlsx package: its sheets, date system, shared strings and number styles; streams a
/// sheet's XML from the zip through libxml2 chunk by chunk.
final class XLSXWorkbook {
    /// A worksheet: its tab name, the zip part holding its XML, and whether its tab is hidden.
    struct Sheet { let name: String, part: String, hidden: Bool }

    let source: String
    let sheets: [Sheet]
    let date1904: Bool
    let sharedStrings: XLSXStringTable
    /// How each cell style shows numbers (dates, zero padding).
    let numberStyles: XLSXNumberStyles
    private let archive: Archive

    /// Stops a stream early without being an error.
    struct Stop: Error {}

    init(path: String, source: String) throws {
        self.source = source
        let location = SourceLocation(file: source)
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ZichaError(.unreadableInput, "cannot open the workbook as a zip package (\(error))", at: location,
                             hint: "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8")
        }
        let packageRels = XLSXRelationshipsHandler()
        if archive["_rels/.rels"] != nil { try Self.parse("_rels/.rels", archive, packageRels, source) }
        let workbookPart = packageRels.first(ofType: "officeDocument").map {
            XLSXRelationshipsHandler.resolve($0.target, from: "")
        } ?? "xl/workbook.xml"
        guard archive[workbookPart] != nil else {
            let isODS = archive["content.xml"] != nil
            throw ZichaError(.unreadableInput,
                             isODS ? "this is an OpenDocument spreadsheet (.ods), not an .xlsx workbook"
                                   : "this zip file is not an Excel workbook (it has no \(workbookPart))",
                             at: location, hint: "open it in Excel, WPS or LibreOffice and save as .xlsx or CSV UTF-8")
        }
        let folder = PathText.parent(workbookPart)
        let workbook = XLSXWorkbookHandler()
        try Self.parse(workbookPart, archive, workbook, source)
        let rels = XLSXRelationshipsHandler()
        let relsPart = folder + "/_rels/" + (workbookPart as NSString).lastPathComponent + ".rels"
        if archive[relsPart] != nil { try Self.parse(relsPart, archive, rels, source) }

        // Each part once: sheets pointing at one part are one sheet (found by an audit: 100 tabs naming one part had it
        // unpacked 300 times, a 54 KB file holding a night for minutes).
        var parts = Set<String>()
        sheets = workbook.sheets.compactMap { sheet in
            guard let rel = rels.relationships.first(where: { $0.id == sheet.relationship }),
                  rel.type.isEmpty || rel.type.hasSuffix("/worksheet")  // chart sheets hold no table
            else { return nil }
            let part = XLSXRelationshipsHandler.resolve(rel.target, from: folder)
            guard parts.insert(part).inserted else { return nil }
            return Sheet(name: sheet.name, part: part, hidden: sheet.hidden)
        }
        date1904 = workbook.date1904

        let strings = XLSXSharedStringsHandler()
        let stringsPart = rels.first(ofType: "sharedStrings").map { XLSXRelationshipsHandler.resolve($0.target, from: folder) }
        if let stringsPart, archive[stringsPart] != nil { try Self.parse(stringsPart, archive, strings, source) }
        guard !strings.strings.overflowed else {
            throw ZichaError(.unreadableInput, "the workbook's shared strings pass 4 GiB or \(XLSXStringTable.maxCount) strings", at: location,
                             hint: "export the sheet as CSV UTF-8 instead")
        }
        sharedStrings = strings.strings
        let styles = XLSXStylesHandler()
        let stylesPart = rels.first(ofType: "styles").map { XLSXRelationshipsHandler.resolve($0.target, from: folder) }
        if let stylesPart, archive[stylesPart] != nil { try Self.parse(stylesPart, archive, styles, source) }
        numberStyles = styles.numberStyles
    }

    /// Streams `sheet` through `handler`, calling `afterChunk` after each decompressed chunk;
    /// `afterChunk` may throw `Stop` to end early.
    func stream(_ sheet: Sheet, into handler: XMLEventHandler, afterChunk: () throws -> Void) throws {
        do {
            try Self.parse(sheet.part, archive, handler, source, afterChunk: afterChunk)
        } catch is Stop {
            return
        }
    }

    /// The sheet's cells merged down a column (listed after its rows, so found by a pass of their own).
    func verticalMerges(_ sheet: Sheet) throws -> [XLSXVerticalMerge] {
        guard let entry = archive[sheet.part] else { return [] }
        var scanner = XLSXMergeScanner()
        var budget = Self.unpackingBudget(entry)
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: true) { chunk in
                try budget.take(chunk.count)
                scanner.feed(chunk)
            }
        } catch {
            return []  // the rows' own pass reports a damaged part, with its line
        }
        // Merges that overlap one kept before them in their column are left out: Excel writes none, and each would stay
        // open beside the others for every row of its block (found by an audit: 40,000 copies of one merge, 15 KB
        // packed, took 100 s).
        var lastRow: [Int: Int] = [:]
        var kept: [XLSXVerticalMerge] = []
        for merge in scanner.merges.sorted(by: { ($0.column, $0.firstRow) < ($1.column, $1.firstRow) })
        where merge.firstRow > lastRow[merge.column, default: 0] {
            kept.append(merge)
            lastRow[merge.column] = merge.lastRow
        }
        return kept.sorted { ($0.firstRow, $0.column) < ($1.firstRow, $1.column) }
    }

    /// How many bytes a part may unpack to: 100 times its packed size, and at least 64 MiB. Excel's and WPS's XML
    /// packs 5–20 times smaller; a part packing 700 times smaller (a shared-string table of empty strings: 2.9 MB that
    /// held 2.7 GB of memory, found by an audit) is made to exhaust the machine, and the night stops before it does.
    static func unpackingBudget(_ entry: Entry) -> UnpackingBudget {
        UnpackingBudget(left: max(64 << 20, 100 * Int(clamping: entry.compressedSize)))
    }

    /// The bytes a part may still unpack to.
    struct UnpackingBudget {
        var left: Int
        struct Exceeded: Error {}
        mutating func take(_ count: Int) throws {
            left -= count
            if left < 0 { throw Exceeded() }
        }
    }

    private static func parse(_ part: String, _ archive: Archive, _ handler: XMLEventHandler, _ source: String,
                              afterChunk: () throws -> Void = {}) throws {
        let location = SourceLocation(file: source)
        guard let entry = archive[part] else {
            throw ZichaError(.unreadableInput, "the workbook is missing its part \(part)", at: location,
                             hint: "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8")
        }
        let parser = XMLPushParser(handler: handler, name: part)
        var callerError: Error?  // from afterChunk: the caller's own error (or Stop), passed through untouched
        var budget = unpackingBudget(entry)
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                try budget.take(chunk.count)
                try parser.feed(chunk)
                do { try afterChunk() } catch { callerError = error; throw Stop() }
            }
            try parser.finish()
        } catch let failure as XMLParseFailure {
            throw ZichaError(.unreadableInput, "\(part) in the workbook is damaged (line \(failure.line): \(failure.message))",
                             at: location, hint: "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8")
        } catch is Stop {
            throw callerError ?? Stop()
        } catch is UnpackingBudget.Exceeded {
            throw ZichaError(.unreadableInput, "\(part) in the workbook unpacks to more than 100 times its packed size, as no workbook "
                + "Excel or WPS writes does (one made to exhaust the machine?); not read", at: location,
                hint: "open it in Excel or WPS and save it again as .xlsx, or export CSV UTF-8")
        } catch {
            throw ZichaError(.unreadableInput, "cannot unpack \(part) from the workbook (\(error))", at: location,
                             hint: "the file may be truncated; export it again as .xlsx or CSV UTF-8")
        }
        try afterChunk()
    }
}
