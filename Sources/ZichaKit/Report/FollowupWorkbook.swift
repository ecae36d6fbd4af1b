import Foundation

/// `followup.xlsx`: the follow-up table for Excel and WPS, IDs and phones as text, header frozen,
/// filter buttons and widths set. Rows stream in; past Excel's row limit a further sheet starts.
final class FollowupWorkbook {
    /// Column widths in characters, matching `FollowupTable.header`.
    static let widths: [Double] = [16, 14, 10, 17, 14, 10, 21, 14, 8, 40, 60, 14, 9, 24]
    static let truncationNote = "…（内容过长已截断，完整内容见 followup.csv）"
    private static let daysColumn = FollowupTable.header.firstIndex(of: "未查天数")
    /// Columns whose few distinct values (colleges, states, remedy texts and their ids, changes) go into the
    /// shared strings: the remedies alone were 40 % of the sheet's XML at a million students.
    private static let sharedColumns = Set(["学院", "状态", "处理办法", "参考", "变化"].compactMap { FollowupTable.header.firstIndex(of: $0) })

    private let workbook: XLSXWriterBook
    private var sheetCount = 1
    private var cells: [XLSXWriterBook.Cell] = []
    private let rowsPerSheet: Int
    let url: URL

    /// Creates the workbook at `url` (0600, never replacing a file). A sheet holds at most `rowsPerSheet` rows
    /// (the header included; Excel's limit unless a test wants smaller sheets).
    init(url: URL, asOf: String, rowsPerSheet: Int = XLSXWriterBook.maxRows) throws {
        self.url = url
        self.rowsPerSheet = max(2, min(rowsPerSheet, XLSXWriterBook.maxRows))
        workbook = XLSXWriterBook(fd: try ReportFile.create(url), path: url.path,
                                  title: "学籍自查待跟进名单 \(asOf)", created: ReportFormat.noon(of: asOf))
        try startSheet("待跟进")
    }

    private static func style(_ column: Int) -> XLSXWriterBook.Style {
        FollowupTable.textColumns.contains(column) ? .text : .wrap
    }

    private func startSheet(_ name: String) throws {
        let columns = Self.widths.enumerated().map { (width: $0.element, style: Self.style($0.offset)) }
        try workbook.startSheet(name, columns: columns, frozenRows: 1)
        try workbook.appendRow(FollowupTable.header.map { .text($0, .header) })
    }

    /// Appends one row of `FollowupTable.cells`.
    func append(_ row: [String]) throws {
        // A new sheet past Excel's row limit, or before a sheet outgrows what one ZIP entry may hold.
        if workbook.rowsInSheet >= rowsPerSheet || workbook.sheetBytes >= ZipStreamWriter.maxEntryBytes - (1 << 24) {
            try workbook.finishSheet(filterColumns: FollowupTable.header.count)
            sheetCount += 1
            try startSheet("待跟进\(sheetCount)")
        }
        cells.removeAll(keepingCapacity: true)
        for (i, cell) in row.enumerated() {
            if i == Self.daysColumn, let days = Int(cell) {
                cells.append(.number(days, Self.style(i)))
            } else if Self.sharedColumns.contains(i) {
                cells.append(.shared(XLSXWriterBook.cellText(cell, note: Self.truncationNote), Self.style(i)))
            } else {
                cells.append(.text(XLSXWriterBook.cellText(cell, note: Self.truncationNote), Self.style(i)))
            }
        }
        try workbook.appendRow(cells)
    }

    /// Writes the rest of the file and closes it.
    func close() throws {
        try workbook.finishSheet(filterColumns: FollowupTable.header.count)
        try workbook.close()
    }
}
