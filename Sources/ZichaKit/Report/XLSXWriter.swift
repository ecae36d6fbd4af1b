import Foundation

/// An XLSX workbook of text and number cells, written row by row into a `ZipStreamWriter`: each sheet's
/// XML is deflated as it is made, so a sheet of a million rows is never in memory nor in a temporary file.
///
/// SpreadsheetML written by hand (with `ZipStreamWriter`, which says why): the parts are the fixed set a
/// sheet of strings and numbers needs — the same parts and cell markup libxlsxwriter wrote before, read back
/// by openpyxl in the tests and by our own XLSX reader.
final class XLSXWriterBook {
    /// Excel's limit on the characters of one cell.
    static let maxCellCharacters = 32_767
    /// Excel's limit on the rows of one sheet.
    static let maxRows = 1_048_576

    /// The cell styles of `styles.xml`.
    enum Style: Int {
        /// Excel's default.
        case plain = 0
        /// Bold, shaded, bordered header cells.
        case header = 1
        /// Wrapped text, aligned to the top.
        case wrap = 2
        /// Text number format `@`, so Excel never turns an ID into 1.1E+17 even when a cell is edited.
        case text = 3
    }

    /// One cell of a row.
    enum Cell {
        case text(String, Style)
        /// Text that many rows repeat (a remedy, a state): stored once in the shared strings and referenced by
        /// number, so that a sheet of a million rows does not spell out the same paragraph in every row.
        case shared(String, Style)
        case number(Int, Style)
        /// No value, only the style (what a blank cell of that column looks like).
        case blank(Style)
    }

    private let zip: ZipStreamWriter
    let title: String
    let created: Date
    private(set) var sheetNames: [String] = []
    private(set) var filters: [String] = []          // the autofilter range of each sheet ("" for none)
    private var row = 0                          // rows written to the open sheet
    private var xml = ByteBuffer(capacity: 1 << 17)  // the open sheet's XML not yet handed to `zip`
    private static let columnLetters: [[UInt8]] = (0..<702).map { Array(XLSXCellReference.columnName($0).utf8) }
    private var sharedIndex: [ExactText: Int] = [:]  // text of a `.shared` cell → its number in `sharedStrings`
    private(set) var sharedStrings: [String] = []
    private var sharedBytes = 0
    private var sharedUses = 0
    /// Bounds the shared strings kept in memory until `close` (distinct texts beyond it are written inline).
    static let sharedLimit = 4 << 20

    /// Creates the workbook in `file` (a new, empty file opened for writing); `created` is stored as the
    /// creation time (keep it fixed for reproducible files).
    init(fd: Int32, path: String, title: String, created: Date) {
        zip = ZipStreamWriter(fd: fd, path: path)
        self.title = title
        self.created = created
    }

    /// Uncompressed bytes of the open sheet so far (a sheet must stay under `ZipStreamWriter.maxEntryBytes`).
    var sheetBytes: Int64 { zip.entrySize + Int64(xml.count) }

    /// Rows written to the open sheet.
    var rowsInSheet: Int { row }

    /// Starts a sheet (name ≤ 31 characters, none of `[]:*?/\`): column widths in characters and column
    /// styles, the first `frozenRows` rows kept visible while scrolling.
    func startSheet(_ name: String, columns: [(width: Double, style: Style)], frozenRows: Int) throws {
        sheetNames.append(name)
        filters.append("")
        row = 0
        try zip.beginEntry("xl/worksheets/sheet\(sheetNames.count).xml")
        var head = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        head += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        head += #"<sheetViews><sheetView"# + (sheetNames.count == 1 ? #" tabSelected="1""# : "") + #" workbookViewId="0">"#
        if frozenRows > 0 {
            head += #"<pane ySplit="\#(frozenRows)" topLeftCell="A\#(frozenRows + 1)" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>"#
        }
        head += #"</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>"#
        for (i, column) in columns.enumerated() {
            head += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(Self.excelWidth(column.width))" style="\#(column.style.rawValue)" customWidth="1"/>"#
        }
        head += "</cols><sheetData>"
        xml.text(head)
    }

    /// Appends the next row of the open sheet.
    func appendRow(_ cells: [Cell]) throws {
        row += 1
        // The sheet's buffer is borrowed into a local for the row: one exclusive access instead of one per append.
        var xml = ByteBuffer(capacity: 16)
        swap(&xml, &self.xml)
        append(row: row, cells, to: &xml)
        swap(&xml, &self.xml)
        if self.xml.count >= 1 << 16 { try flushSheet() }
    }

    /// The number of `text` in the shared strings, adding it; nil when the table is full and `text` not in it.
    private func share(_ text: String) -> Int? {
        if let index = sharedIndex[ExactText(text)] { return index }
        guard sharedBytes + text.utf8.count <= Self.sharedLimit else { return nil }
        sharedBytes += text.utf8.count
        sharedStrings.append(text)
        sharedIndex[ExactText(text)] = sharedStrings.count - 1
        return sharedStrings.count - 1
    }

    private func append(row: Int, _ cells: [Cell], to xml: inout ByteBuffer) {
        let r = Array(String(row).utf8)
        func style(_ style: Style) { xml.append(UInt8(ascii: "0") + UInt8(style.rawValue)) }
        xml.text(#"<row r=""#); xml.append(contentsOf: r); xml.text(#"">"#)
        for (i, cell) in cells.enumerated() {
            xml.text(#"<c r=""#)
            xml.append(contentsOf: Self.columnLetters[i]); xml.append(contentsOf: r)
            var cell = cell
            if case .shared(let text, let s) = cell {
                if !text.isEmpty, let index = share(text) {
                    sharedUses += 1
                    xml.text(#"" s=""#); style(s)
                    xml.text(#"" t="s"><v>"#); xml.text(String(index))
                    xml.text("</v></c>")
                    continue
                }
                cell = .text(text, s)
            }
            switch cell {
            case .text(let text, let s) where !text.isEmpty:
                xml.text(#"" s=""#); style(s)
                xml.text(#"" t="inlineStr"><is>"#)
                Self.appendTextElement(text, to: &xml)
                xml.text("</is></c>")
            case .number(let value, let s):
                xml.text(#"" s=""#); style(s)
                xml.text(#""><v>"#); xml.text(String(value))
                xml.text("</v></c>")
            case .text(_, let s), .shared(_, let s), .blank(let s):
                xml.text(#"" s=""#); style(s)
                xml.text(#""/>"#)
            }
        }
        xml.text("</row>")
    }

    /// `<t>text</t>` (opened by the caller's `<is>` or `<si>`), keeping leading and trailing spaces.
    private static func appendTextElement(_ text: String, to xml: inout ByteBuffer) {
        xml.text("<t")
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) {
            xml.text(#" xml:space="preserve""#)
        }
        xml.append(UInt8(ascii: ">"))
        appendEscaped(text, to: &xml)
        xml.text("</t>")
    }

    /// Ends the open sheet, with filter buttons over its first `columns` columns and every row written.
    func finishSheet(filterColumns columns: Int) throws {
        xml.text("</sheetData>")
        if columns > 0 {
            let range = "A1:\(XLSXCellReference.columnName(columns - 1))\(max(row, 1))"
            filters[filters.count - 1] = range
            xml.text(#"<autoFilter ref="\#(range)"/>"#)
        }
        xml.text(#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#)
        try flushSheet()
        try zip.endEntry()
    }

    /// Writes the workbook's other parts and closes the file; the workbook cannot be used afterwards.
    func close() throws {
        try zip.addEntry("[Content_Types].xml", contentTypes)
        try zip.addEntry("_rels/.rels", Self.packageRelationships)
        try zip.addEntry("docProps/app.xml", appProperties)
        try zip.addEntry("docProps/core.xml", coreProperties)
        try zip.addEntry("xl/workbook.xml", workbookPart)
        try zip.addEntry("xl/_rels/workbook.xml.rels", workbookRelationships)
        try zip.addEntry("xl/styles.xml", Self.styles)
        if !sharedStrings.isEmpty {
            var xml = ByteBuffer()
            xml.text(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
            xml.text(#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(sharedUses)" uniqueCount="\#(sharedStrings.count)">"#)
            for text in sharedStrings {
                xml.text("<si>")
                Self.appendTextElement(text, to: &xml)
                xml.text("</si>")
            }
            xml.text("</sst>")
            try zip.addEntry("xl/sharedStrings.xml", xml.string)
        }
        try zip.close()
    }

    private func flushSheet() throws {
        try xml.withUnsafeBytes { try zip.write($0) }
        xml.removeAll()
    }

    // MARK: - Text

    /// A cell's text as Excel can hold it: no character XML forbids, at most 32,767 UTF-16 units
    /// (longer text is cut and ends with `note`).
    static func cellText(_ s: String, note: String) -> String {
        // Nearly every cell is clean and short: one byte scan (UTF-16 never counts more units than UTF-8 bytes;
        // EF BF BE/BF are U+FFFE/U+FFFF, which XML forbids as well).
        // Words are skipped unless they hold a control character or a BF (and the byte before a word is looked at
        // again, for an EF just before it).
        let clean = s.withBytes { b in
            guard b.count <= maxCellCharacters else { return false }
            return ByteScan.firstIndex(in: b, lookBehind: 1, mayHold: { ByteScan.hasLess($0, 0x20) || ByteScan.has($0, 0xBF) }) { b, i in
                let c = b[i]
                return (c < 0x20 && c != 0x0A && c != 0x09) || (c == 0xEF && i + 2 < b.count && b[i + 1] == 0xBF && b[i + 2] >= 0xBE)
            } == b.count
        }
        if clean { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u == "\r" { continue }
            if (u.value < 0x20 && u != "\n" && u != "\t") || u.value == 0xFFFE || u.value == 0xFFFF {
                out.append("\u{FFFD}")
            } else {
                out.append(u)
            }
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

    /// Appends `text` as XML character data: `& < >` escaped, and `_x` of a literal `_xHHHH_` written as
    /// `_x005F_x`, since Excel would read `_xHHHH_` as the escape of a character.
    static func appendEscaped(_ text: String, to out: inout ByteBuffer) {
        text.withBytes { b in
            var start = 0, i = 0
            while true {
                i = ByteScan.firstIndex(in: b, from: i,
                                        mayHold: { ByteScan.has($0, 0x26) || ByteScan.has($0, 0x3C) || ByteScan.has($0, 0x3E) || ByteScan.has($0, 0x5F) },
                                        isSpecial: { b, i in b[i] == 0x26 || b[i] == 0x3C || b[i] == 0x3E || b[i] == 0x5F })
                if i >= b.count { break }
                let replacement: String
                switch b[i] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                default:  // "_"
                    guard isEscapeLike(b, at: i) else { i += 1; continue }
                    replacement = "_x005F_"
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
                out.text(replacement)
                i += 1
                start = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start...]))
        }
    }

    /// Whether `_xHHHH_` starts at `i`.
    private static func isEscapeLike(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i + 6 < b.count, b[i + 1] == UInt8(ascii: "x") || b[i + 1] == UInt8(ascii: "X"), b[i + 6] == UInt8(ascii: "_") else { return false }
        return b[(i + 2)..<(i + 6)].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A }

    /// Escapes `& < > "` for an attribute or element of the fixed parts.
    static func escapeMarkup(_ s: String) -> String {
        var out = ByteBuffer()
        appendEscaped(s, to: &out)
        return out.string.replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A width in characters as Excel stores it: widened by the cell padding of the default font (Calibri 11:
    /// 7-pixel digits, 5 pixels of padding), in 1/256 steps.
    static func excelWidth(_ characters: Double) -> String {
        let stored = characters < 1
            ? (characters * 12 + 0.5).rounded(.down) / 12
            : ((characters * 7 + 5) / 7 * 256).rounded(.down) / 256
        return String(stored)
    }
}
