/// One record of an input table: its cells as text, and where it starts.
public struct TableRecord: Sendable, Equatable {
    /// 1-based line (text files) or row (workbooks) where the record starts.
    public var line: Int
    /// The cells, in column order; a short row has fewer cells.
    public var cells: [String]
    /// Per column, whether a workbook stored the cell as a number (empty for text files) whose digits may not be whole:
    /// an 18-digit 身份证号 written exactly by a program (`XLSXNumber.isWholeIDNumber`) is not marked.
    public var numeric: [Bool]
    /// Set when bytes of this record could not be decoded; the importer rejects such a record.
    public var decodingProblem: String?
    /// Workbooks: the columns whose cell holds a formula without a saved value (a program wrote the formula and did not
    /// compute it, so what Excel would show is unknown); their text in `cells` is empty. Rarely any, so no storage.
    public var formulasWithoutValue: [Int]
    /// Workbooks: the columns whose cell holds an Excel error (`t="e"`: `#N/A`, `#REF!`), its text in `cells`.
    public var errors: [Int]

    public init(line: Int, cells: [String], numeric: [Bool] = [], decodingProblem: String? = nil,
                formulasWithoutValue: [Int] = [], errors: [Int] = []) {
        self.line = line
        self.cells = cells
        self.numeric = numeric
        self.decodingProblem = decodingProblem
        self.formulasWithoutValue = formulasWithoutValue
        self.errors = errors
    }

    /// Whether column `i` held a number in a workbook.
    public func isNumeric(_ i: Int) -> Bool { i < numeric.count && numeric[i] }
}

/// A source of table records. Readers stream: they never hold the whole file.
///
/// A reader throws `ZichaError(.unreadableInput, …)` when the file is not a table at all
/// (empty, binary, unclosed quote at the end, an encrypted or legacy workbook).
public protocol TableReader {
    /// The file name used in messages (as the user gave it).
    var source: String { get }
    /// Calls `body` with every record in file order, the header row included.
    func read(_ body: (TableRecord) throws -> Void) throws
    /// Where a cell is, for messages: `roster.csv:14` or `roster.xlsx:花名册!D21`.
    func location(line: Int, column: Int?) -> SourceLocation
}

/// Text encodings zicha reads; `auto` detects from the BOM and the bytes.
public enum TextEncoding: String, Sendable, CaseIterable {
    case auto
    case utf8 = "utf-8"
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"
    case gb18030
}

/// How to open an input table.
public struct TableOptions: Sendable {
    /// Force an encoding instead of detecting it.
    public var encoding: TextEncoding = .auto
    /// Force a delimiter instead of detecting it.
    public var delimiter: UInt8? = nil
    /// Workbooks: the sheet to read; otherwise the first whose header row matches.
    public var sheet: String? = nil

    public init(encoding: TextEncoding = .auto, delimiter: UInt8? = nil, sheet: String? = nil) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
    }
}
