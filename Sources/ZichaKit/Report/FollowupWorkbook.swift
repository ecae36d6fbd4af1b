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
    convenience init(url: URL, asOf: String, rowsPerSheet: Int = XLSXWriterBook.maxRows) throws {
        try self.init(fd: try ReportFile.create(url), path: url.path, asOf: asOf, rowsPerSheet: rowsPerSheet)
    }

    /// Writes the workbook into `fd` (a new, empty file opened for writing, closed by `close()`); `path` names it in messages.
    init(fd: Int32, path: String, asOf: String, rowsPerSheet: Int = XLSXWriterBook.maxRows) throws {
        self.url = URL(fileURLWithPath: path)
        self.rowsPerSheet = max(2, min(rowsPerSheet, XLSXWriterBook.maxRows))
        workbook = XLSXWriterBook(fd: fd, path: path, title: "学籍自查待跟进名单 \(asOf)", created: ReportFormat.noon(of: asOf))
        try startSheet("待跟进")
    }

    /// A whole workbook of `rows` (each `FollowupTable.cells`) as bytes, for a mail attachment: written through an
    /// anonymous temporary file (gone when closed), as the writer streams into a file.
    static func bytes(_ rows: [[String]], asOf: String) throws -> [UInt8] {
        func failure(_ what: String) -> ZichaError {
            ZichaError(.output, "cannot \(what) the workbook attached to a counselor's message: \(String(cString: strerror(errno)))",
                       hint: "check the space and permissions of the temporary folder (TMPDIR, else /tmp)")
        }
        guard let file = tmpfile() else { throw failure("make a temporary file for") }
        defer { fclose(file) }
        let fd = dup(fileno(file))  // the workbook closes its own descriptor; this one reads the file back
        guard fd >= 0 else { throw failure("make a temporary file for") }
        let book = try FollowupWorkbook(fd: fd, path: "attachment.xlsx", asOf: asOf)
        for row in rows { try book.append(row) }
        try book.close()
        let size = Int(lseek(fileno(file), 0, SEEK_END))
        guard size > 0 else { throw failure("read back") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { pread(fileno(file), $0.baseAddress! + done, size - done, off_t(done)) }
            guard n > 0 else { throw failure("read back") }
            done += n
        }
        return bytes
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
