import CXLSXWriter
import Foundation

/// The one Swift file that talks to libxlsxwriter: a workbook written row by row in constant
/// memory mode, so a sheet of a million rows never sits in memory.
final class XLSXWriterBook {
    /// Excel's limit on the characters of one cell.
    static let maxCellCharacters = 32_767
    /// Excel's limit on the rows of one sheet.
    static let maxRows = 1_048_576

    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private let path: String
    private var closed = false
    /// Bold, shaded header cells.
    private(set) var headerFormat: UnsafeMutablePointer<lxw_format>!
    /// Wrapped text, aligned to the top.
    private(set) var wrapFormat: UnsafeMutablePointer<lxw_format>!
    /// Text number format `@`, so Excel never turns an ID into 1.1E+17 even when a cell is edited.
    private(set) var textFormat: UnsafeMutablePointer<lxw_format>!

    /// Opens a new workbook at `url`; `created` is stored as the creation time (keep it fixed for reproducible files).
    init(url: URL, title: String, created: Date) throws {
        path = url.path
        var options = lxw_workbook_options(constant_memory: 1, tmpdir: nil, use_zip64: 1)
        guard let wb = path.withCString({ workbook_new_opt($0, &options) }) else {
            throw ZichaError(.output, "cannot create the workbook", at: SourceLocation(file: path))
        }
        workbook = wb
        headerFormat = workbook_add_format(wb)
        format_set_bold(headerFormat)
        format_set_bg_color(headerFormat, 0xDDEBF7)
        format_set_border(headerFormat, UInt8(LXW_BORDER_THIN.rawValue))
        wrapFormat = workbook_add_format(wb)
        format_set_text_wrap(wrapFormat)
        format_set_align(wrapFormat, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        textFormat = workbook_add_format(wb)
        format_set_num_format(textFormat, "@")
        format_set_align(textFormat, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        title.withCString { t in
            "zicha".withCString { a in
                var props = lxw_doc_properties()
                props.title = UnsafeMutablePointer(mutating: t)
                props.author = UnsafeMutablePointer(mutating: a)
                props.created = time_t(created.timeIntervalSince1970)
                _ = workbook_set_properties(wb, &props)
            }
        }
    }

    deinit { if !closed { _ = workbook_close(workbook) } }

    /// Adds a sheet (name ≤ 31 characters, none of `[]:*?/\`).
    func addSheet(_ name: String) throws -> XLSXWriterSheet {
        guard let ws = name.withCString({ workbook_add_worksheet(workbook, $0) }) else {
            throw ZichaError(.output, "cannot add the sheet \(name) to the workbook", at: SourceLocation(file: path))
        }
        return XLSXWriterSheet(ws, path: path)
    }

    /// Writes the file; the workbook cannot be used afterwards.
    func close() throws {
        closed = true
        let rc = workbook_close(workbook)
        guard rc == LXW_NO_ERROR else {
            throw ZichaError(.output, "cannot write the workbook: \(String(cString: lxw_strerror(rc)))",
                             at: SourceLocation(file: path))
        }
    }

    /// A cell's text as Excel can hold it: no control characters XML forbids, at most 32,767 characters
    /// (longer text is cut with a note).
    static func cellText(_ s: String, note: String) -> String {
        // Nearly every cell is clean and short: one byte scan (UTF-16 never counts more units than UTF-8 bytes).
        var s = s
        let clean = s.withUTF8 { b in b.count <= maxCellCharacters && !b.contains { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 } }
        if clean { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == "\r" { continue }
            if u.value < 0x20 && u != "\n" && u != "\t" { out.append("\u{FFFD}") } else { out.append(u) }
        }
        var text = String(out)
        if text.utf16.count > maxCellCharacters {
            let keep = maxCellCharacters - note.utf16.count
            var cut = ""
            var used = 0
            for c in text { let n = c.utf16.count; if used + n > keep { break }; cut.append(c); used += n }
            text = cut + note
        }
        return text
    }
}

/// One worksheet of an `XLSXWriterBook`; rows must be written top to bottom.
struct XLSXWriterSheet {
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private let path: String

    fileprivate init(_ sheet: UnsafeMutablePointer<lxw_worksheet>, path: String) {
        self.sheet = sheet
        self.path = path
    }

    /// Writes text as a string cell: never a number, never a formula, whatever it looks like.
    func write(_ text: String, row: Int, column: Int, format: UnsafeMutablePointer<lxw_format>? = nil) throws {
        let rc = text.withCString { worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), $0, format) }
        try check(rc, row: row, column: column)
    }

    /// Writes a number cell.
    func write(number: Int, row: Int, column: Int) throws {
        try check(worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), Double(number), nil), row: row, column: column)
    }

    /// Sets the width (in characters) and format of a column.
    func setColumn(_ column: Int, width: Double, format: UnsafeMutablePointer<lxw_format>? = nil) {
        _ = worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), width, format)
    }

    /// Keeps the first `rows` rows visible while scrolling.
    func freezeRows(_ rows: Int) { worksheet_freeze_panes(sheet, lxw_row_t(rows), 0) }

    /// Adds filter buttons over rows `0...lastRow` and columns `0...lastColumn`.
    func autofilter(lastRow: Int, lastColumn: Int) {
        _ = worksheet_autofilter(sheet, 0, 0, lxw_row_t(lastRow), lxw_col_t(lastColumn))
    }

    private func check(_ rc: lxw_error, row: Int, column: Int) throws {
        guard rc == LXW_NO_ERROR else {
            throw ZichaError(.output, "cannot write a workbook cell: \(String(cString: lxw_strerror(rc)))",
                             at: SourceLocation(file: path, cell: "R\(row + 1)C\(column + 1)"))
        }
    }
}
