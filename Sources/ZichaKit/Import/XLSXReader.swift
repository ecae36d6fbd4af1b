import Foundation

/// Reads the table of an .xlsx workbook, streaming: ZIPFoundation unpacks the sheet in chunks and
/// libxml2's push parser turns them into rows, so a million-row sheet never sits in memory.
///
/// The sheet is `options.sheet` when given. Otherwise every visible sheet with a header row (per `isHeader`) among its
/// first 10 non-empty rows is read, in tab order, as one table — a roster with one sheet per college, a status export
/// with 已查 and 未查 — each sheet with its own header (on its own row, its columns in their own order: the importer
/// finds it again at each sheet's first record); a 说明 sheet, a pivot, a hidden template or lookup sheet are skipped.
/// When no visible sheet has the header, the first hidden one that has it is read; without any, the first visible
/// sheet (whose missing columns the importer names). Records carry the row number as `line` (numbered per
/// `SheetLine` after the first sheet read) and the sheet as `sheet`; `numeric` marks cells stored as numbers (dates
/// included), so the importer can refuse an ID so stored. A cell merged down a column (学院 or 班级 over a block of
/// students) gives its value to every row of the block, within its sheet.
public struct XLSXReader: TableReader {
    /// The file name used in messages.
    public let source: String
    /// The names of the sheets read, in tab order.
    public let sheetNames: [String]
    /// The visible sheets with rows that are not read, for want of a header row (only when no sheet was named).
    public let skippedSheets: [String]
    private let workbook: XLSXWorkbook
    private let sheets: [XLSXWorkbook.Sheet]

    /// The name of the (first) sheet read.
    public var sheetName: String { sheetNames[0] }

    /// How many non-empty rows of each sheet are searched for the header row.
    static let headerSearchRows = 10

    /// Opens the workbook at `path` and picks its sheets; throws `.unreadableInput` when it is not a readable .xlsx.
    public init(path: String, source: String, options: TableOptions, isHeader: @escaping ([String]) -> Bool) throws {
        if let problem = WorkbookSniffer.problem(path: path, source: source) { throw problem }
        self.source = source
        let workbook = try XLSXWorkbook(path: path, source: source)
        self.workbook = workbook
        let sheets = workbook.sheets
        let names = sheets.map { "“\($0.name)”" }.joined(separator: ", ")
        guard !sheets.isEmpty else {
            throw ZichaError(.unreadableInput, "the workbook has no worksheets", at: SourceLocation(file: source),
                             hint: "open it in Excel or WPS and check it holds the table")
        }
        var skipped: [String] = []
        if let wanted = options.sheet {
            guard let found = Self.sheet(named: wanted, in: sheets) else {
                throw ZichaError(.unreadableInput, "the workbook has no sheet named “\(wanted)”; its sheets are \(names)",
                                 at: SourceLocation(file: source), hint: "name one of these sheets, or leave the sheet option out")
            }
            self.sheets = [found]
        } else {
            var matching: [XLSXWorkbook.Sheet] = []
            for sheet in sheets where !sheet.hidden {
                switch try Self.probe(sheet, in: workbook, isHeader) {
                case .header: matching.append(sheet)
                case .rowsWithoutHeader: skipped.append(sheet.name)
                case .empty: break  // Sheet2, Sheet3 of a new workbook
                }
            }
            if matching.count > SheetLine.maxSheets {
                throw ZichaError(.unreadableInput, "the workbook has \(matching.count) sheets with the header row; at most \(SheetLine.maxSheets) are read as one table",
                                 at: SourceLocation(file: source), hint: "name the sheet to read, or export the table as CSV UTF-8")
            }
            if matching.isEmpty {
                // A hidden sheet only when no visible one has the header; without any, the first visible sheet, whose
                // missing columns the importer names.
                let hidden = try sheets.filter(\.hidden).first { try Self.probe($0, in: workbook, isHeader) == .header }
                matching = [hidden ?? sheets.first { !$0.hidden } ?? sheets[0]]
                skipped.removeAll { $0 == matching[0].name }
            }
            self.sheets = matching
        }
        sheetNames = self.sheets.map(\.name)
        skippedSheets = skipped
    }

    /// The sheet called `name` (exactly, else ignoring case and surrounding spaces).
    private static func sheet(named name: String, in sheets: [XLSXWorkbook.Sheet]) -> XLSXWorkbook.Sheet? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return sheets.first(where: { $0.name == trimmed })
            ?? sheets.first(where: { $0.name.trimmingCharacters(in: .whitespaces).lowercased() == trimmed.lowercased() })
    }

    /// Whether the file at `path` is a workbook with a sheet called `name` (false for any other file, or one that
    /// cannot be opened: opening it for its import says why).
    static func hasSheet(named name: String, path: String) -> Bool {
        guard WorkbookSniffer.problem(path: path, source: path) == nil, let workbook = try? XLSXWorkbook(path: path, source: path) else { return false }
        return sheet(named: name, in: workbook.sheets) != nil
    }

    /// Calls `body` with every non-empty row of the sheets read, in tab order, each sheet's header row included.
    public func read(_ body: (TableRecord) throws -> Void) throws {
        let several = sheets.count > 1
        for (index, sheet) in sheets.enumerated() {
            let handler = Self.makeHandler(workbook)
            handler.merges = try workbook.verticalMerges(sheet)  // a sheet's own merges
            try workbook.stream(sheet, into: handler) {
                for var record in handler.takePending() {
                    if several {
                        guard record.line <= SheetLine.lastRow else {
                            // Excel never writes such a row; numbered past its last one, it would take a later sheet's lines.
                            throw ZichaError(.unreadableInput, "the sheet “\(sheet.name)” numbers a row \(record.line), past Excel's last row (\(SheetLine.lastRow))",
                                             at: SourceLocation(file: source), hint: "open it in Excel or WPS and save it again as .xlsx, or as CSV UTF-8")
                        }
                        record.line = SheetLine.line(sheet: index, row: record.line)
                        record.sheet = index
                    }
                    try body(record)
                }
            }
        }
    }

    /// `roster.xlsx:21: 花名册!D21` for a cell; for a whole row `roster.xlsx:21`, or `roster.xlsx:21: sheet 花名册` when
    /// the workbook was read over several sheets (each numbers its rows from 1). The sheet is the one the line is of.
    public func location(line: Int, column: Int?) -> SourceLocation {
        var (index, row) = sheets.count > 1 ? SheetLine.split(line) : (0, line)
        if index >= sheets.count { (index, row) = (0, line) }  // not a line this reader gave
        if let column {
            return SourceLocation(file: source, line: row, cell: Self.quoted(sheets[index].name) + "!" + XLSXCellReference.columnName(column) + String(row))
        }
        return SourceLocation(file: source, line: row, cell: sheets.count > 1 ? "sheet " + sheets[index].name : nil)
    }

    /// A sheet name as Excel writes it in a reference: quoted when it has spaces or punctuation.
    static func quoted(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// What the first rows of a sheet hold.
    private enum Probe { case header, rowsWithoutHeader, empty }

    /// Whether `sheet` has a header row among its first `headerSearchRows` non-empty rows (it is read), rows without
    /// one (skipped, and said), or no row at all.
    private static func probe(_ sheet: XLSXWorkbook.Sheet, in workbook: XLSXWorkbook,
                              _ isHeader: ([String]) -> Bool) throws -> Probe {
        let handler = makeHandler(workbook)
        var seen = 0, found = false
        try workbook.stream(sheet, into: handler) {
            for record in handler.takePending() {
                if isHeader(record.cells) { found = true }
                seen += 1
                if found || seen >= headerSearchRows { throw XLSXWorkbook.Stop() }
            }
        }
        return found ? .header : seen > 0 ? .rowsWithoutHeader : .empty
    }

    private static func makeHandler(_ workbook: XLSXWorkbook) -> XLSXSheetHandler {
        XLSXSheetHandler(sharedStrings: workbook.sharedStrings, numberStyles: workbook.numberStyles, date1904: workbook.date1904)
    }
}
