/// One record of an input table: its cells as text, and where it starts.
public struct TableRecord: Sendable, Equatable {
    /// 1-based line (text files) or row (workbooks) where the record starts. A workbook read over several sheets
    /// numbers the rows of each sheet after the first as `SheetLine` says, so that no two records of one file share
    /// a line (the key of its stored events and rows set aside); the reader's `location` turns it back into a sheet
    /// and row.
    public var line: Int
    /// Which of the sheets read the record comes from, 0 for the first (and for every record of a text file): the
    /// importer looks for each sheet's own header row.
    public var sheet: Int = 0
    /// The cells, in column order; a short row has fewer cells.
    public var cells: [String]
    /// Per column, whether a workbook stored the cell as a number (empty for text files) whose digits may not be whole:
    /// an 18-digit 身份证号 written exactly by a program (`XLSXNumber.isWholeIDNumber`) is not marked.
    public var numeric: [Bool]
    /// Set when bytes of this record could not be decoded; the importer rejects such a record.
    public var decodingProblem: String?
    /// Workbooks: the columns whose cell holds a formula without a saved value (a program wrote the formula and did not
    /// compute it, so what Excel would show is unknown); their text in `cells` is empty. Rarely any, so no storage.
    public var formulasWithoutValue: [Int] { workbookMarks?.formulasWithoutValue ?? [] }
    /// Workbooks: the columns whose cell holds an Excel error (`t="e"`: `#N/A`, `#REF!`), its text in `cells`.
    public var errors: [Int] { workbookMarks?.errors ?? [] }
    /// The two lists above, nil when both are empty (nearly every record): one word that is nil to copy with each
    /// record, not two arrays to retain and release (a 100k night: 140 M instructions).
    private var workbookMarks: WorkbookMarks?

    private struct WorkbookMarks: Sendable, Equatable {
        var formulasWithoutValue: [Int]
        var errors: [Int]
    }

    public init(line: Int, cells: [String], numeric: [Bool] = [], decodingProblem: String? = nil, sheet: Int = 0,
                formulasWithoutValue: [Int] = [], errors: [Int] = []) {
        self.line = line
        self.sheet = sheet
        self.cells = cells
        self.numeric = numeric
        self.decodingProblem = decodingProblem
        workbookMarks = formulasWithoutValue.isEmpty && errors.isEmpty ? nil
            : WorkbookMarks(formulasWithoutValue: formulasWithoutValue, errors: errors)
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
    /// Where a cell is, for messages: `roster.csv:14` or `roster.xlsx:21: 花名册!D21`.
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
    /// Workbooks: the sheet to read; otherwise every visible sheet whose header row matches, as one table.
    public var sheet: String? = nil

    public init(encoding: TextEncoding = .auto, delimiter: UInt8? = nil, sheet: String? = nil) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
    }
}

/// The `line` of a workbook's row when several sheets are read as one table: the k-th sheet read (k = 0 for the first)
/// numbers its rows k × 10,000,000 + row. The first sheet read — the only one of most workbooks, and every record of a
/// text file — keeps its plain row numbers, so what was stored before this numbering came is what it would store now.
///
/// A log event's identity in the store is (file, line) (`event`'s primary key, and `state_restated`'s reference to the
/// event a state said again), and so is a row set aside (`reject`); a first roster's repeated 考生号 are found again by
/// line (`ImportSession.indexKeys`, `RowImporter.rejectRepeated`). Two sheets' row 3 must not be one line: rather than
/// add a sheet column to those keys (a migration of the largest tables, and a wider key for every event of every text
/// file), later sheets' rows are moved into a range of their own. Excel's rows end at 1,048,576, well below the
/// stride, and a sheet numbering rows past that is refused when several sheets are read (`XLSXReader.read`); the line
/// stays decimal-readable in the database (10000003 is row 3 of the second sheet read) and, with at most `maxSheets`
/// sheets, below 2⁴⁰ (`ImportSession.storeStagedStates` packs a file id and a line into one integer).
public enum SheetLine {
    /// Lines per sheet read.
    public static let stride = 10_000_000
    /// Excel's last row.
    public static let lastRow = 1_048_576
    /// At most this many sheets are read as one table (far past any roster's colleges or classes).
    public static let maxSheets = 100_000

    /// The line of row `row` of the `sheet`-th sheet read.
    public static func line(sheet: Int, row: Int) -> Int { sheet * stride + row }

    /// The sheet read (0 for the first) and row of a line of a workbook read over several sheets.
    public static func split(_ line: Int) -> (sheet: Int, row: Int) { (line / stride, line % stride) }
}
