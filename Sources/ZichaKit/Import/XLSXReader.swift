import Foundation

/// Reads the table of an .xlsx workbook, streaming: ZIPFoundation unpacks the sheet in chunks and
/// libxml2's push parser turns them into rows, so a million-row sheet never sits in memory.
///
/// The sheet is `options.sheet` when given; otherwise the first sheet with a header row (per
/// `isHeader`) among its first 10 non-empty rows, visible tabs before hidden ones, so a 说明 sheet
/// in front is skipped; otherwise the first visible sheet. Records carry the row number as `line`;
/// `numeric` marks cells stored as numbers (dates included), so the importer can refuse an ID so stored.
/// A cell merged down a column (学院 or 班级 over a block of students) gives its value to every row of the block.
public struct XLSXReader: TableReader {
    /// The file name used in messages.
    public let source: String
    /// The name of the sheet being read.
    public let sheetName: String
    private let workbook: XLSXWorkbook
    private let sheet: XLSXWorkbook.Sheet

    /// How many non-empty rows of each sheet are searched for the header row.
    static let headerSearchRows = 10

    /// Opens the workbook at `path` and picks its sheet; throws `.unreadableInput` when it is not a readable .xlsx.
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
        if let wanted = options.sheet {
            guard let found = Self.sheet(named: wanted, in: sheets) else {
                throw ZichaError(.unreadableInput, "the workbook has no sheet named “\(wanted)”; its sheets are \(names)",
                                 at: SourceLocation(file: source), hint: "name one of these sheets, or leave the sheet option out")
            }
            sheet = found
        } else {
            // Visible tabs first: a hidden template or lookup sheet may carry the same header.
            let searched = sheets.filter { !$0.hidden } + sheets.filter(\.hidden)
            sheet = try searched.first { try Self.hasHeader($0, in: workbook, isHeader) } ?? searched[0]
        }
        sheetName = sheet.name
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

    /// Calls `body` with every non-empty row of the sheet, the header row included.
    public func read(_ body: (TableRecord) throws -> Void) throws {
        let handler = Self.makeHandler(workbook)
        handler.merges = try workbook.verticalMerges(sheet)
        try workbook.stream(sheet, into: handler) {
            for record in handler.takePending() { try body(record) }
        }
    }

    /// `roster.xlsx:花名册!D21` for a cell, `roster.xlsx:花名册!21` for a whole row.
    public func location(line: Int, column: Int?) -> SourceLocation {
        let cell = column.map { XLSXCellReference.columnName($0) + String(line) } ?? String(line)
        return SourceLocation(file: source, line: line, cell: Self.quoted(sheet.name) + "!" + cell)
    }

    /// A sheet name as Excel writes it in a reference: quoted when it has spaces or punctuation.
    static func quoted(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func hasHeader(_ sheet: XLSXWorkbook.Sheet, in workbook: XLSXWorkbook,
                                  _ isHeader: ([String]) -> Bool) throws -> Bool {
        let handler = makeHandler(workbook)
        var seen = 0, found = false
        try workbook.stream(sheet, into: handler) {
            for record in handler.takePending() {
                if isHeader(record.cells) { found = true }
                seen += 1
                if found || seen >= headerSearchRows { throw XLSXWorkbook.Stop() }
            }
        }
        return found
    }

    private static func makeHandler(_ workbook: XLSXWorkbook) -> XLSXSheetHandler {
        XLSXSheetHandler(sharedStrings: workbook.sharedStrings, dateStyles: workbook.dateStyles, date1904: workbook.date1904)
    }
}
