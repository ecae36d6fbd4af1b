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

        sheets = workbook.sheets.compactMap { sheet in
            guard let rel = rels.relationships.first(where: { $0.id == sheet.relationship }),
                  rel.type.isEmpty || rel.type.hasSuffix("/worksheet")  // chart sheets hold no table
            else { return nil }
            return Sheet(name: sheet.name, part: XLSXRelationshipsHandler.resolve(rel.target, from: folder), hidden: sheet.hidden)
        }
        date1904 = workbook.date1904

        let strings = XLSXSharedStringsHandler()
        let stringsPart = rels.first(ofType: "sharedStrings").map { XLSXRelationshipsHandler.resolve($0.target, from: folder) }
        if let stringsPart, archive[stringsPart] != nil { try Self.parse(stringsPart, archive, strings, source) }
        guard !strings.strings.overflowed else {
            throw ZichaError(.unreadableInput, "the workbook's shared strings pass 4 GiB", at: location,
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
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: true) { chunk in scanner.feed(chunk) }
        } catch {
            return []  // the rows' own pass reports a damaged part, with its line
        }
        return scanner.merges.sorted { ($0.firstRow, $0.column) < ($1.firstRow, $1.column) }
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
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                try parser.feed(chunk)
                do { try afterChunk() } catch { callerError = error; throw Stop() }
            }
            try parser.finish()
        } catch let failure as XMLParseFailure {
            throw ZichaError(.unreadableInput, "\(part) in the workbook is damaged (line \(failure.line): \(failure.message))",
                             at: location, hint: "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8")
        } catch is Stop {
            throw callerError ?? Stop()
        } catch {
            throw ZichaError(.unreadableInput, "cannot unpack \(part) from the workbook (\(error))", at: location,
                             hint: "the file may be truncated; export it again as .xlsx or CSV UTF-8")
        }
        try afterChunk()
    }
}
