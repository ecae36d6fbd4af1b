/// Turns the SAX events of one worksheet into table records, placing each cell by its reference.
/// Completed rows wait in `pending` until the driver takes them after each chunk.
///
/// A number is read as Excel shows it where its style says how (a date, zero padding: `XLSXNumberStyles`). A formula is
/// read as the value Excel saved with it; one without (a program wrote the workbook and did not compute it) is marked in
/// `TableRecord.formulasWithoutValue`, and an Excel error (`#N/A`) in `TableRecord.errors`, for the importer to decide.
final class XLSXSheetHandler: XMLEventHandler {
    private enum Kind { case number, shared, inline, formulaString, boolean, error, isoDate }

    private let sharedStrings: XLSXStringTable
    private let styles: XLSXNumberStyles
    private let date1904: Bool

    /// Rows completed since the driver last took them.
    var pending: [TableRecord] = []
    /// The sheet's vertical merges, by first row: each gives its top cell's value to the rows below it in the block.
    var merges: [XLSXVerticalMerge] = []
    private var nextMerge = 0
    /// Merges under way: the block, and the value (and whether a number) of its top cell.
    private var openMerges: [(merge: XLSXVerticalMerge, text: String, numeric: Bool)] = []

    private var row = 0
    private var cells: [String] = []
    private var numeric: [Bool] = []
    private var formulasWithoutValue: [Int] = []
    private var errors: [Int] = []
    private var problem: String?
    private var nextColumn = 0
    private var column = 0
    private var kind = Kind.number
    private var style = 0
    /// Whether the cell under way has a formula (`<f>`), and a saved value (`<v>`).
    private var hasFormula = false
    private var hasValue = false
    private var buffer: [UInt8] = []
    private var collecting = false
    private var inInline = false
    private var inPhonetic = false

    init(sharedStrings: XLSXStringTable, numberStyles: XLSXNumberStyles, date1904: Bool) {
        self.sharedStrings = sharedStrings
        self.styles = numberStyles
        self.date1904 = date1904
    }

    /// Takes the rows completed so far.
    func takePending() -> [TableRecord] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) {
        if name.equals("c") {
            let reference = attributes["r"].map(XLSXCellReference.parse)
            column = reference?.column ?? nextColumn
            kind = attributes["t"].map(Self.kind) ?? .number
            style = attributes["s"].flatMap(XLSXCellReference.integer) ?? 0
            hasFormula = false
            hasValue = false
            buffer.removeAll(keepingCapacity: true)
        } else if name.equals("v") {
            collecting = true
            hasValue = true
        } else if name.equals("f") {
            hasFormula = true
        } else if name.equals("row") {
            // Rows without `r` follow the previous one; gaps in `r` are rows Excel did not write.
            row = attributes["r"].flatMap(XLSXCellReference.integer).flatMap { $0 >= 1 ? $0 : nil } ?? row + 1  // r="0" is not a row
            cells.removeAll(keepingCapacity: true)
            numeric.removeAll(keepingCapacity: true)
            if !formulasWithoutValue.isEmpty { formulasWithoutValue.removeAll() }
            if !errors.isEmpty { errors.removeAll() }
            problem = nil
            nextColumn = 0
        } else if name.equals("is") {
            inInline = true
        } else if name.equals("t") {
            collecting = inInline && !inPhonetic
        } else if name.equals("rPh") {
            inPhonetic = true
        }
    }

    func endElement(_ name: XMLBytes) {
        if name.equals("v") || name.equals("t") {
            collecting = false
        } else if name.equals("c") {
            place()
        } else if name.equals("row") {
            if !merges.isEmpty { applyMerges() }
            while let last = cells.last, last.isEmpty { cells.removeLast() }
            if !cells.isEmpty || problem != nil || !formulasWithoutValue.isEmpty {
                if numeric.count > cells.count { numeric.removeLast(numeric.count - cells.count) }
                pending.append(TableRecord(line: row, cells: cells, numeric: numeric, decodingProblem: problem,
                                           formulasWithoutValue: formulasWithoutValue, errors: errors))
            }
        } else if name.equals("is") {
            inInline = false
        } else if name.equals("rPh") {
            inPhonetic = false
        }
    }

    func characters(_ text: XMLBytes) {
        if collecting { buffer.append(contentsOf: UnsafeBufferPointer(start: text.base, count: text.count)) }
    }

    /// Fills this row's cells that lie inside a merge begun above, and opens the merges whose top is this row.
    private func applyMerges() {
        openMerges.removeAll { $0.merge.lastRow < row }
        for open in openMerges where open.merge.firstRow < row { put(open.text, numeric: open.numeric, at: open.merge.column) }
        while nextMerge < merges.count, merges[nextMerge].firstRow <= row {
            let merge = merges[nextMerge]
            nextMerge += 1
            guard merge.firstRow == row, merge.column < cells.count, !cells[merge.column].isEmpty else { continue }
            openMerges.append((merge, cells[merge.column], numeric[merge.column]))
        }
    }

    private func put(_ text: String, numeric isNumber: Bool, at column: Int) {
        if column >= cells.count {
            cells.append(contentsOf: repeatElement("", count: column - cells.count + 1))
            numeric.append(contentsOf: repeatElement(false, count: column - numeric.count + 1))
        }
        cells[column] = text
        numeric[column] = isNumber
    }

    private func place() {
        nextColumn = column + 1
        // Excel always saves a formula's value: `<v/>` with t="str" for an empty text. No `<v>`, or an empty one for a
        // number (openpyxl's way), is a formula nobody computed: its value, what Excel would show, is unknown.
        if hasFormula, !hasValue || buffer.isEmpty && kind != .formulaString {
            if !formulasWithoutValue.contains(column) { formulasWithoutValue.append(column) }
            return
        }
        let (text, isNumber) = value()
        guard !text.isEmpty else { return }
        put(text, numeric: isNumber, at: column)
        if kind == .error { errors.append(column) }
    }

    /// The text of the cell just closed, and whether Excel stored it as a number (dates included).
    private func value() -> (String, Bool) {
        switch kind {
        case .shared:
            guard let index = XLSXCellReference.integer(buffer), index < sharedStrings.count
            else {
                if !buffer.isEmpty {
                    problem = "cell \(XLSXCellReference.columnName(column))\(row) points at a shared string the workbook does not have"
                }
                return ("", false)
            }
            return (sharedStrings[index], false)
        case .inline, .formulaString, .error:
            return (XLSXText.decode(buffer), false)
        case .boolean:
            let raw = String(decoding: buffer, as: UTF8.self)
            if raw.isEmpty { return ("", false) }
            return (raw == "1" || raw.lowercased() == "true" ? "TRUE" : "FALSE", false)
        case .isoDate:
            return (XLSXDate.text(iso: String(decoding: buffer, as: UTF8.self)), false)
        case .number:
            let raw = String(decoding: buffer, as: UTF8.self)
            if raw.isEmpty { return ("", false) }
            let display = styles[style]
            if case .date = display, let serial = Double(raw), let date = XLSXDate.text(serial: serial, date1904: date1904) {
                return (date, true)
            }
            let text = XLSXNumber.text(raw)
            if case .padded = display, let padded = XLSXNumberStyles.text(text, display) { return (padded, true) }
            // A whole 18-digit ID a program wrote as an integer lost no digits: not marked, the importer reads it.
            if XLSXNumber.isWholeIDNumber(raw) { return (text, false) }
            return (text, true)
        }
    }

    private static func kind(_ type: XMLBytes) -> Kind {
        if type.equals("s") { return .shared }
        if type.equals("inlineStr") { return .inline }
        if type.equals("str") { return .formulaString }
        if type.equals("b") { return .boolean }
        if type.equals("e") { return .error }
        if type.equals("d") { return .isoDate }
        return .number
    }
}
