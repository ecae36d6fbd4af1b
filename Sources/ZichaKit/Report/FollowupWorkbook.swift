import Foundation

/// `followup.xlsx`: the follow-up table for Excel and WPS, IDs and phones as text, header frozen,
/// filter buttons and widths set. Rows stream in; past Excel's row limit a further sheet starts.
final class FollowupWorkbook {
    /// Column widths in characters, matching `FollowupTable.header`.
    static let widths: [Double] = [16, 14, 10, 17, 14, 10, 21, 14, 8, 40, 60, 14, 9, 24]
    static let truncationNote = "…（内容过长已截断，完整内容见 followup.csv）"

    private let workbook: XLSXWriterBook
    private var sheet: XLSXWriterSheet
    private var sheetCount = 1
    private var row = 0
    let url: URL

    /// Creates the workbook at `url` (an empty 0600 file is created first so the file is never world-readable).
    init(url: URL, asOf: String) throws {
        self.url = url
        try ReportFile(url.lastPathComponent, in: url.deletingLastPathComponent()).close()
        workbook = try XLSXWriterBook(url: url, title: "学籍自查待跟进名单 \(asOf)", created: ReportFormat.noon(of: asOf))
        sheet = try workbook.addSheet("待跟进")
        try startSheet()
    }

    private func startSheet() throws {
        for (i, width) in Self.widths.enumerated() {
            let text = FollowupTable.textColumns.contains(i)
            sheet.setColumn(i, width: width, format: text ? workbook.textFormat : workbook.wrapFormat)
        }
        for (i, title) in FollowupTable.header.enumerated() {
            try sheet.write(title, row: 0, column: i, format: workbook.headerFormat)
        }
        sheet.freezeRows(1)
        row = 1
    }

    /// Appends one row of `FollowupTable.cells`.
    func append(_ cells: [String]) throws {
        if row >= XLSXWriterBook.maxRows {
            finishSheet()
            sheetCount += 1
            sheet = try workbook.addSheet("待跟进\(sheetCount)")
            try startSheet()
        }
        let daysColumn = FollowupTable.header.firstIndex(of: "未查天数")
        for (i, cell) in cells.enumerated() {
            if i == daysColumn, let days = Int(cell) {
                try sheet.write(number: days, row: row, column: i)
            } else {
                let text = XLSXWriterBook.cellText(cell, note: Self.truncationNote)
                let format = FollowupTable.textColumns.contains(i) ? workbook.textFormat : workbook.wrapFormat
                try sheet.write(text, row: row, column: i, format: format)
            }
        }
        row += 1
    }

    private func finishSheet() {
        sheet.autofilter(lastRow: max(row - 1, 0), lastColumn: FollowupTable.header.count - 1)
    }

    /// Writes the file.
    func close() throws {
        finishSheet()
        try workbook.close()
    }
}
