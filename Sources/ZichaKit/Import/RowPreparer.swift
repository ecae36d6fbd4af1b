#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One record of a file, made ready on the reading thread: a row to store, a row to set aside, or a note.
enum PreparedRow {
    /// The record rides along: a 考生号 seen earlier in the file is only known when storing, and set aside as it was.
    case student(PreparedStudent)
    case event(EventRow)
    /// A counselor list's row: a class (within `college` when the row names it, else '') or a college.
    case scope(kind: String, college: String, scope: String, counselor: String, email: String, line: Int)
    case reject(TableRecord, reason: String, column: Int?)
    /// A roster row set aside whose 考生号 could be read: that student, if stored, is still on tonight's roster.
    case rejectStudent(TableRecord, reason: String, column: Int?, ksh: String)
    case diagnostic(Diagnostic)

    /// The cells of the file's record it holds (what a batch of rows weighs in memory).
    var cellCount: Int {
        switch self {
        case .student(let student): return student.record.cells.count
        case .reject(let record, _, _), .rejectStudent(let record, _, _, _): return record.cells.count
        case .event, .scope, .diagnostic: return 1
        }
    }
}

/// A roster row ready to store, with the record it came from. A class, so that the storing thread takes it from
/// its batch with one retain: an enum payload of two structs was copied out field by field (≈ 30 strings, a
/// retain and a release each) for every row of a roster.
final class PreparedStudent {
    let row: StudentRow
    let record: TableRecord

    init(_ row: StudentRow, _ record: TableRecord) {
        self.row = row
        self.record = record
    }
}

/// Turns one file's records into rows ready to store: header matching, normalization, reasons to reject.
/// Pure of the database, so it runs on the thread that reads the file while another stores (`RowImporter`).
/// A workbook read over several sheets (`XLSXReader`) is one table whose header is found again on each sheet: the
/// header state below is the current sheet's; the counts and notes are the file's.
struct RowPreparer {
    let kind: TableKind
    let reader: any TableReader
    let nightDay: Int
    let vocabulary: EventVocabulary
    private var header: HeaderMap? = nil
    /// The header row's cells, empty ones included: in a text file, a data row with values past them is misaligned.
    private var headerWidth = 0
    /// The columns within the header whose header cell is empty (notes typed beside the table, a trailing separator).
    private var unheadedColumns: [Int] = []
    /// The key column (考生号 or 学号, 身份证号, 辅导员) and the header keys of its aliases: a row naming it there may be
    /// the header again (`isHeaderAgain`).
    private var keyColumn: (index: Int?, headerKeys: Set<String>) = (nil, [])
    /// Rows with values in columns without a header, and where the first is: said at the end of the file, with how
    /// many (a row shifted into such a column by an unquoted separator is counted there too).
    private var unheadedRows = 0
    private var firstUnheaded: SourceLocation?
    /// Counselor-list rows naming a counselor without an address, and the first of them.
    private var rowsWithoutEmail = 0
    private var firstWithoutEmail: SourceLocation?
    /// Failures (注册失败, 找回失败) whose 说明 gives a reason zicha does not read, or one no finding covers for that kind
    /// of failure (a registration refused for the name: the SPEC's findings name none), and the first of them.
    private var unreadReasons = 0
    private var firstUnreadReason: (location: SourceLocation, detail: String)?
    private var recordsBeforeHeader = 0
    private var firstHeaderRecord: TableRecord? = nil
    /// OpenCC, opened for the first failure whose detail is not understood as written (see `failureReason`).
    private var traditional: OpenCCConverter?? = .none
    /// The sheet of the records being read (`TableRecord.sheet`), and per sheet read its data rows and the lines above
    /// its header, for the note naming the sheets read.
    private var sheet = 0
    private var sheetRows: [Int] = [0]
    private var sheetTitleRows: [Int] = [0]
    /// Whether lines above a header were warned of (once per file: each sheet's are in the note naming the sheets read).
    private var warnedTitleRows = false
    /// Unknown columns warned of (once per file, though each sheet has them).
    private var warnedUnknown: Set<String> = []
    /// A roster's key column, as its first sheet's header gave it: a later sheet must key its students alike.
    private var rosterKeyIsKsh: Bool?
    private let asOfMidnight: Int64
    /// The last few distinct 事件 labels and their events: a log repeats a handful of labels millions of times,
    /// and folding each (full-width, spaces, case) costs more than comparing it with the few already seen.
    private var recentLabels: [(label: [UInt8], kind: EventKind?)] = []
    /// The log's columns, looked up once per file: hashing field names for each cell of millions of events cost
    /// 7 % of the reading thread, which bounds the log's import.
    private var logColumns = LogColumns()
    /// The roster's columns, looked up once per file like the log's (13 lookups per student otherwise).
    private var rosterColumns = RosterColumns(HeaderMap(kind: .roster, header: []))
    /// Counselor addresses that mail would refuse, warned of at their first row.
    private var addresses = CounselorAddressCheck()

    init(kind: TableKind, reader: any TableReader, importer: Importer) {
        self.kind = kind
        self.reader = reader
        self.nightDay = importer.nightDay
        self.vocabulary = importer.vocabulary
        asOfMidnight = EventTime.startOfDay(importer.asOf) ?? 0
    }

    /// Whether a data row is a header of this kind of table again — the second of two exports pasted one under the
    /// other, its first cell perhaps behind the byte order mark it began its file with, its headers written another
    /// way. Its key cell (考生号 or 学号, 身份证号, 辅导员) is looked at first: one byte for nearly every row (no 考生号
    /// or ID starts with anything but a digit), then whether it names the key field; only then the whole row.
    private func isHeaderAgain(_ record: TableRecord) -> Bool {
        guard let key = keyColumn.index, key < record.cells.count, let first = record.cells[key].utf8.first,
              first < 0x30 || first > 0x39 else { return false }
        var cell = record.cells[key]
        if cell.hasPrefix("\u{FEFF}") { cell.removeFirst() }
        guard keyColumn.headerKeys.contains(Text.headerKey(cell)) else { return false }
        var cells = record.cells
        if cells[0].hasPrefix("\u{FEFF}") { cells[0].removeFirst() }
        return HeaderMap(kind: kind, header: cells).isComplete
    }

    /// Column names for a message: the first ten, each cut to 40 characters, and how many more (a header of
    /// thousands of columns, or one cell holding a whole file, is not printed whole where cron mails it).
    static func names(_ columns: [String]) -> String {
        let shown = columns.prefix(10).map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }.joined(separator: ", ")
        return columns.count > 10 ? shown + " and \(columns.count - 10) more" : shown
    }

    /// Takes one record: the header (within the first ten records, with notes on its columns), or a data row
    /// handed to `emit` (nothing for blank rows).
    mutating func prepare(_ record: TableRecord, _ emit: (PreparedRow) throws -> Void) throws {
        if record.sheet != sheet { try startSheet(record.sheet) }
        guard let map = header else {
            let candidate = HeaderMap(kind: kind, header: record.cells)
            if firstHeaderRecord == nil { firstHeaderRecord = record }
            if candidate.isComplete {
                header = candidate
                headerWidth = record.cells.count
                unheadedColumns = record.cells.indices.filter { Text.trimmed(record.cells[$0]).isEmpty }
                if kind == .log { logColumns = LogColumns(candidate) }
                if kind == .counselors { try checkNotRoster(at: record) }
                if kind == .roster {
                    rosterColumns = RosterColumns(candidate)
                    try checkRosterKey(at: record)
                }
                let field = kind == .roster ? (rosterColumns.keyIsKsh ? "ksh" : "xh") : kind == .log ? "id" : "counselor"
                keyColumn = (candidate.columns[field],
                             Set(kind.fields.first { $0.name == field }?.aliases.map(Text.headerKey) ?? []))
                for (second, first) in candidate.repeated {
                    if kind == .log, let column = logColumns.timeOfDay, Text.trimmed(record.cells[column]) == second {
                        // 日期 and 时间 side by side: a date in one and a time of day in the other (see `event`).
                        try emit(.diagnostic(Diagnostic(.note, "reading the columns \(first) and \(second) together as the time of each row "
                            + "(a date in one, a time of day in the other)", at: reader.location(line: record.line, column: nil))))
                        continue
                    }
                    try emit(.diagnostic(Diagnostic(.warning, "ignoring the column \(second): the column \(first) before it gives the same field, and only the first is read",
                                                      at: reader.location(line: record.line, column: nil))))
                }
                let unknown = candidate.unknown.filter { !warnedUnknown.contains($0) }  // a later sheet's same columns: said once
                if !unknown.isEmpty {
                    warnedUnknown.formUnion(unknown)
                    try emit(.diagnostic(Diagnostic(.warning, "ignoring columns not used for the \(kind.title): \(Self.names(unknown))",
                                                      at: reader.location(line: record.line, column: nil))))
                }
                if recordsBeforeHeader > 0 {
                    sheetTitleRows[sheet] = recordsBeforeHeader
                    if !warnedTitleRows {
                        warnedTitleRows = true
                        try emit(.diagnostic(Diagnostic(.warning, "ignoring \(recordsBeforeHeader) line(s) above the header row",
                                                          at: reader.location(line: record.line, column: nil))))
                    }
                }
                return
            }
            recordsBeforeHeader += 1
            if recordsBeforeHeader >= 10 { throw missingColumns() }
            return
        }
        if !record.formulasWithoutValue.isEmpty || !record.errors.isEmpty, let row = try workbookCellProblem(record, map) { return try emit(row) }
        if record.cells.allSatisfy({ Text.trimmed($0).isEmpty }) { return }
        sheetRows[sheet] += 1
        if let problem = record.decodingProblem { return try emit(.reject(record, reason: problem, column: nil)) }
        if isHeaderAgain(record) {
            // Two exports pasted one under the other: read as data, the second header would be a student named 姓名.
            return try emit(.reject(record, reason: "the header row again (two exports joined into one file?)", column: nil))
        }
        if let column = unheadedValue(in: record) {  // a note beside the table, ignored like an unknown column
            unheadedRows += 1
            if firstUnheaded == nil { firstUnheaded = reader.location(line: record.line, column: column) }
        }
        if record.cells.count > headerWidth, !(reader is XLSXReader),
           let last = record.cells.lastIndex(where: { !Text.trimmed($0).isEmpty }), last >= headerWidth {
            // In a text file every value after an unquoted separator inside a cell lands one column too far.
            let reason = "the row has \(last + 1) cells and the header \(headerWidth): a separator inside a cell without quotes? "
                + "(its values would land in the wrong columns)"
            if kind == .roster, let ksh = rosterKey(record) { return try emit(.rejectStudent(record, reason: reason, column: nil, ksh: ksh)) }
            return try emit(.reject(record, reason: reason, column: nil))
        }
        if kind != .counselors, !record.numeric.isEmpty, let column = map.columns["id"], record.isNumeric(column),
           !Self.isWholeFifteenDigits(HeaderMap.cell(column, in: record.cells)) {
            // Excel keeps 15 significant digits: the ID lost its last ones, and may still pass the check by chance.
            // A legacy 15-digit ID fits whole (FAQ 8's form), so it is read as the number it is.
            let reason = "身份证号 stored as a number lost its last digits; format the column as text and export again"
            if kind == .roster, let ksh = rosterKey(record) { return try emit(.rejectStudent(record, reason: reason, column: column, ksh: ksh)) }
            return try emit(.reject(record, reason: reason, column: column))
        }
        let prepared: PreparedRow
        switch kind {
        case .roster: prepared = roster(record)
        case .counselors: prepared = counselor(record, map)
        case .log: prepared = event(record)
        }
        if let warning = addressWarning(prepared, map) { try emit(.diagnostic(warning)) }
        try emit(prepared)
    }

    /// Begins the records of the `next` sheet read: its header is looked for again, the previous one's having been found.
    private mutating func startSheet(_ next: Int) throws {
        if header == nil { throw missingColumns() }  // the reader reads only sheets with a header row, but should it not
        sheet = next
        while sheetRows.count <= next { sheetRows.append(0); sheetTitleRows.append(0) }
        header = nil
        headerWidth = 0
        unheadedColumns = []
        keyColumn = (nil, [])
        recordsBeforeHeader = 0
        firstHeaderRecord = nil
    }

    /// A roster whose sheets key their students differently (考生号 on one, 学号 on another, which lacks 考生号) is
    /// refused: a 学号 taken as a 考生号 would be a student of its own, and the same student under their 考生号 would leave.
    private mutating func checkRosterKey(at record: TableRecord) throws {
        guard let first = rosterKeyIsKsh else { rosterKeyIsKsh = rosterColumns.keyIsKsh; return }
        guard first != rosterColumns.keyIsKsh else { return }
        throw ZichaError(.unreadableInput, first ? "this sheet has no 考生号 column, while the roster's first sheet keys its students by 考生号"
                                                 : "this sheet has a 考生号 column, while the roster's first sheet has none and keys its students by 学号",
                         at: reader.location(line: record.line, column: nil),
                         hint: "give every sheet of the roster the same key column (考生号), or name the sheet to read")
    }

    /// Ends the file: a file without a usable header is not a table for zicha.
    func finish(_ emit: (PreparedRow) throws -> Void) throws {
        if let names = (reader as? XLSXReader)?.sheetNames, names.count > 1 {
            // Read as one table: which sheets, so that a sheet that should not have been (a 汇总 beside the colleges'
            // sheets, whose students then come twice) or one missing from the list is seen at once.
            let sheets = names.indices.map { i in
                let above = i < sheetTitleRows.count && sheetTitleRows[i] > 0 ? ", \(counted(sheetTitleRows[i], "line")) above its header ignored" : ""
                return "“\(names[i])” (\(counted(i < sheetRows.count ? sheetRows[i] : 0, "row"))\(above))"
            }
            try emit(.diagnostic(Diagnostic(.note, "read \(names.count) sheets as one \(kind.title): \(sheets.joined(separator: ", "))",
                                            at: SourceLocation(file: reader.source))))
        }
        if let firstUnheaded {
            try emit(.diagnostic(Diagnostic(.warning, "ignoring values in columns without a header, in \(counted(unheadedRows, "row")) (the first here)",
                                            at: firstUnheaded)))
        }
        if let more = addresses.summary(source: reader.source) { try emit(.diagnostic(more)) }
        if let firstWithoutEmail {
            // Under cron too, as a malformed address is: nobody else learns that these counselors get no mail.
            try emit(.diagnostic(Diagnostic(.warning, "\(counted(rowsWithoutEmail, "row")) of the counselor list "
                                            + (rowsWithoutEmail == 1 ? "names" : "name") + " a counselor without 邮箱 (the first here)",
                                            at: firstWithoutEmail,
                                            hint: "their students are NO_COUNSELOR and no counselor is mailed for them until the address is filled in",
                                            evenWhenQuiet: true)))
        }
        if let firstUnreadReason {
            try emit(.diagnostic(Diagnostic(.warning, "\(counted(unreadReasons, "failure")) (注册失败, 找回失败) \(unreadReasons == 1 ? "gives" : "give") a reason zicha does not "
                                            + "recognise, or none of its findings covers (the first here: “\(firstUnreadReason.detail.prefix(40))”): "
                                            + "no finding or remedy comes from them",
                                            at: firstUnreadReason.location,
                                            hint: "the students are still listed while they have not checked; the reasons read are those of the "
                                                + "SPEC and the FAQ (证件号码已被注册, 征兵, 手机号码已存在, 证件和姓名不符, 请求被取消, 未注册, 邮箱)")))
        }
        if header == nil {
            if firstHeaderRecord == nil {
                throw ZichaError(.unreadableInput, "the file has no header row and no rows", at: SourceLocation(file: reader.source))
            }
            throw missingColumns()
        }
    }

    /// A number Excel would show as a date from 1982 to 2173 (day counts 30000–99999, a fraction for the time of day):
    /// what a date and time column in General format becomes in a CSV (46353.375).
    static func looksLikeDayCount(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].utf8.count == 5, parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              parts.count == 1 || !parts[1].isEmpty, let days = Int(parts[0]) else { return false }
        return days >= 30000
    }

    /// Exactly 15 ASCII digits: a number Excel stores without loss.
    static func isWholeFifteenDigits(_ text: String) -> Bool {
        text.utf8.count == 15 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The first column of `record` holding a value under an empty header cell (Excel writes a sheet's used columns
    /// into a CSV) or, in a workbook, whose cells keep their columns, past the header.
    private func unheadedValue(in record: TableRecord) -> Int? {
        let filled = { (i: Int) in !Text.trimmed(record.cells[i]).isEmpty }
        if let column = unheadedColumns.first(where: { $0 < record.cells.count && filled($0) }) { return column }
        guard record.cells.count > headerWidth, reader is XLSXReader else { return nil }
        return (headerWidth..<record.cells.count).first(where: filled)
    }

    /// A roster given as the counselor list has every column a counselor list needs (班级, 姓名 read as the counselor,
    /// 辅导员邮箱): read, it would make each student a counselor and leave the classes without addresses. A column only a
    /// roster has (考生号, 身份证号) says which file it is.
    private func checkNotRoster(at record: TableRecord) throws {
        let asRoster = HeaderMap(kind: .roster, header: record.cells)
        let studentColumns = ["ksh", "id"].compactMap { asRoster.columns[$0] }
            .filter { Text.headerKey(record.cells[$0]) != "id" }  // a bare "ID" may be a counselor's staff number
            .map { Text.trimmed(record.cells[$0]) }
        guard !studentColumns.isEmpty else { return }
        throw ZichaError(.unreadableInput, "this looks like a roster, not a counselor list: it has the column(s) \(studentColumns.joined(separator: ", "))",
                         at: reader.location(line: record.line, column: nil),
                         hint: "give the roster as --roster and, as --counselors, a list of 班级 or 学院, 辅导员 and 邮箱")
    }

    private func missingColumns() -> ZichaError {
        if let problem = firstHeaderRecord?.decodingProblem {
            // Not a header that names other columns: a header read in the wrong encoding (`--encoding utf-8` on a GBK file).
            return ZichaError(.unreadableInput, "the header row cannot be read: \(problem)",
                              at: reader.location(line: firstHeaderRecord?.line ?? 1, column: nil),
                              hint: "check --encoding (without it the encoding is detected: UTF-8, UTF-16 with its byte order mark, or GB18030/GBK)")
        }
        let map = HeaderMap(kind: kind, header: firstHeaderRecord?.cells ?? [])
        func tried(_ f: TableKind.Field) -> String { "\(f.aliases[0]) (tried: \(f.aliases.joined(separator: ", ")))" }
        // Where another column would do instead (a roster's 学号 for 考生号, a counselor list's 学院 for 班级), it is named too.
        let alternative = [("ksh", "xh"), ("class", "college")]
        let names = map.missing.map { field in
            guard let other = alternative.first(where: { $0.0 == field.name }).flatMap({ alt in kind.fields.first { $0.name == alt.1 } })
            else { return tried(field) }
            return tried(field) + ", or else " + tried(other)
        }
        return ZichaError(.unreadableInput, "the \(kind.title) lacks required column(s): \(names.joined(separator: "; "))",
                          at: reader.location(line: firstHeaderRecord?.line ?? 1, column: nil),
                          hint: (reader as? DelimitedTextReader)?.delimiterForced == true
                            ? "--delimiter is used for every CSV/TSV file of the night; if this file has another separator, leave --delimiter out (each file's is detected)"
                            : "the first row must be the header; headers may be Chinese, pinyin abbreviations or English"
                              + Self.shownHeader(firstHeaderRecord?.cells ?? []))
    }

    /// The header row as read, for the message of a missing column: the office sees what zicha saw, an invisible
    /// character or a control shown as its code point (`身份证号[U+00AD]`), each cell cut at 30 characters, 20 cells at most.
    static func shownHeader(_ cells: [String]) -> String {
        let shown = cells.prefix(20).map { cell -> String in
            var out = ""
            for u in Text.trimmed(cell).unicodeScalars.prefix(30) {
                if Text.isInvisible(u) || Text.isC0C1Control(u.value) || Text.isBidiControl(u.value) { out += Text.mark(u.value) }
                else { out.unicodeScalars.append(u) }
            }
            return out
        }
        guard !shown.isEmpty else { return "" }
        return "; this file's first row reads: " + shown.joined(separator: " | ") + (cells.count > 20 ? " | …" : "")
    }

    /// A warning when the row's counselor address (the roster's 辅导员邮箱, the counselor list's 邮箱) cannot be mailed.
    private mutating func addressWarning(_ row: PreparedRow, _ map: HeaderMap) -> Diagnostic? {
        let reader = reader
        switch row {
        case .student(let s):
            let column = rosterColumns.counselorEmail
            return addresses.check(s.row.counselorEmail, counselor: s.row.counselor,
                                   at: reader.location(line: s.row.line, column: column))
        case .scope(_, _, _, let counselor, let email, let line):
            return addresses.check(email, counselor: counselor, at: reader.location(line: line, column: map.columns["email"]))
        default:
            return nil
        }
    }

    /// The roster row's key (考生号, or 学号 in a roster without one) as stored, or nil when empty.
    func rosterKey(_ record: TableRecord) -> String? {
        let ksh = Text.removingSpaces(Text.halfWidth(Text.unmarkedNumber(HeaderMap.cell(rosterColumns.key, in: record.cells))))
        return ksh.isEmpty ? nil : ksh
    }

    /// Why a roster key is no 考生号 or 学号, or nil: it must be ASCII letters and digits (with - _ . /), hold a digit, and
    /// not be all zeros. An Excel error (`#N/A` of a failed VLOOKUP), a dash, a 0 or a footer (`合计：2人`) taken as a
    /// key would make a student of it — two `#N/A` rows "one student twice", and on a later night another student
    /// whose lookup fails would inherit that history.
    static func keyProblem(_ key: String) -> String? {
        // Over the string's own bytes: every roster row's key is looked at.
        enum Verdict { case key, excelError, notAKey, noDigit, allZeros }
        let verdict = key.withBytes { b -> Verdict in
            if b.first == UInt8(ascii: "#") { return .excelError }
            var digit = false, nonZero = false
            for c in b {
                switch c {
                case UInt8(ascii: "0"): digit = true
                case UInt8(ascii: "1")...UInt8(ascii: "9"): digit = true; nonZero = true
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): nonZero = true
                case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"): break
                default: return .notAKey
                }
            }
            return !digit ? .noDigit : !nonZero ? .allZeros : .key
        }
        switch verdict {
        case .key: return nil
        case .excelError: return "is an Excel error (a formula that failed), not a key"
        case .notAKey: return "is not a key: only letters and digits (a footer or a note in the key column?)"
        case .noDigit: return "is not a key: it holds no digit"
        case .allZeros: return "is not a key: it is all zeros"
        }
    }

    private func roster(_ record: TableRecord) -> PreparedRow {
        let c = record.cells, columns = rosterColumns
        let keyName = columns.keyIsKsh ? "考生号" : "学号"
        guard let ksh = rosterKey(record) else {
            return .reject(record, reason: columns.keyIsKsh ? "考生号 is empty" : "学号 is empty (the roster has no 考生号 column)", column: columns.key)
        }
        if Text.isScientificNotation(ksh) {
            return .reject(record, reason: "\(keyName) \(ksh.prefix(40)) was saved by Excel in scientific notation and its digits are lost; format the column as text and export again",
                           column: columns.key)
        }
        if let problem = Self.keyProblem(ksh) {
            return .reject(record, reason: "\(keyName) “\(ksh.prefix(40))” \(problem)", column: columns.key)
        }
        // Set aside with its 考生号: the student stays on tonight's roster as the previous one had them (not left).
        // Each names the cell it is about (`roster.xlsx:44: 外语学院!E44`), as the README promises of every message.
        func reject(_ reason: String, _ column: Int?) -> PreparedRow { .rejectStudent(record, reason: reason, column: column, ksh: ksh) }
        func cell(_ column: Int?) -> String { HeaderMap.cell(column, in: c) }
        let name = PersonName(cell(columns.name))
        if name.normalized.isEmpty { return reject("姓名 is empty", columns.name) }
        let idText = cell(columns.id)
        if idText.isEmpty { return reject("身份证号 is empty", columns.id) }
        let admission = cell(columns.admissionName)
        return .student(PreparedStudent(StudentRow(
            ksh: ksh, xh: Text.removingSpaces(Text.halfWidth(Text.unmarkedNumber(cell(columns.xh)))), name: name,
            admissionName: admission.isEmpty ? nil : PersonName(admission),
            id: IDNumber(idText, today: nightDay), sex: cell(columns.sex), birthdate: cell(columns.birthdate),
            phone: PhoneNumber(cell(columns.phone)), college: Text.unitName(cell(columns.college)), major: cell(columns.major),
            className: Text.unitName(cell(columns.className)), counselor: PersonName(cell(columns.counselor)).normalized,
            counselorEmail: cell(columns.counselorEmail), line: record.line).hashed(), record))
    }

    private mutating func counselor(_ record: TableRecord, _ map: HeaderMap) -> PreparedRow {
        let c = record.cells
        let className = Text.unitName(map.value("class", in: c)), college = Text.unitName(map.value("college", in: c))
        // The counselor's name folded as a student's is (`赵　老师` is 赵老师: found by an audit, findings.json kept the
        // ideographic space while the mail and the list's file name showed an ASCII one)
        let name = PersonName(map.value("counselor", in: c)).normalized, written = map.value("email", in: c)
        let email = Text.meansNone(written) ? "" : written  // 无, —, N/A: no address, not a malformed one
        if className.isEmpty, college.isEmpty { return .reject(record, reason: "neither 班级 nor 学院 is given", column: nil) }
        if name.isEmpty, email.isEmpty { return .reject(record, reason: "neither 辅导员 nor 邮箱 is given", column: nil) }
        if email.isEmpty {
            rowsWithoutEmail += 1
            if firstWithoutEmail == nil { firstWithoutEmail = reader.location(line: record.line, column: map.columns["email"]) }
        }
        return .scope(kind: className.isEmpty ? "college" : "class", college: className.isEmpty ? "" : college, scope: className.isEmpty ? college : className,
                      counselor: name, email: email, line: record.line)
    }

    private mutating func eventKind(_ label: String) -> EventKind? {
        let seen = label.withBytes { b -> EventKind?? in
            for entry in recentLabels where entry.label.count == b.count {
                if entry.label.withUnsafeBufferPointer({ b.count == 0 || memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }) { return .some(entry.kind) }
            }
            return nil
        }
        if let seen { return seen }
        let kind = vocabulary.kind(of: label)
        if recentLabels.count == 16 { recentLabels.removeFirst() }
        recentLabels.append((Array(label.utf8), kind))
        return kind
    }

    /// The reason a failure's detail gives; a detail written in traditional characters (证件號碼已被註冊, typed by an
    /// office or exported by a system in Hong Kong or Taiwan) is read in simplified ones, character by character,
    /// when it is not understood as written.
    private mutating func failureReason(_ detail: String) -> FailureReason? {
        if let reason = FailureReason.classify(detail) { return reason }
        guard detail.utf8.contains(where: { $0 >= 0xE3 }) else { return nil }  // no CJK character: nothing to simplify
        if case .none = traditional { traditional = .some(try? OpenCCConverter()) }
        guard case .some(.some(let converter)) = traditional else { return nil }
        let simplified = detail.unicodeScalars.map { converter.simplified($0) }.joined()
        return simplified == detail ? nil : FailureReason.classify(simplified)
    }

    private mutating func event(_ record: TableRecord) -> PreparedRow {
        let c = record.cells, columns = logColumns
        func reject(_ reason: String, _ column: Int?) -> PreparedRow { .reject(record, reason: reason, column: column) }
        let idText = HeaderMap.cell(columns.id, in: c)
        if idText.isEmpty { return reject("身份证号 is empty", columns.id) }
        let id = IDNumber(idText, today: nightDay)
        if let problem = id.problem { return reject("身份证号 \(Masking.id(id.raw)) is not valid: \(problem.rawValue)", columns.id) }
        let label = HeaderMap.cell(columns.event, in: c)
        guard let kind = eventKind(label) else {
            return reject(label.isEmpty ? "事件 is empty" : "unknown event \"\(label.prefix(40))\"; add it to the configuration's events if it is one",
                          columns.event)
        }
        var timeText = HeaderMap.cell(columns.time, in: c)
        if let column = columns.timeOfDay { timeText = EventTime.joined(timeText, HeaderMap.cell(column, in: c)) }
        let time: Int64
        if timeText.isEmpty {
            time = asOfMidnight
        } else if let t = EventTime.parse(timeText) {
            time = t
        } else if EventTime.meansNone(timeText) {  // a dash, 无, N/A: looked for only in what is not a time
            time = asOfMidnight
        } else if let column = columns.time, record.isNumeric(column) {
            // A date and time Excel keeps as its day count (46000.5) in a cell without a date format.
            // A time of day alone: a cell formatted hh:mm (shown `09:00:00`) holds the fraction of a day, no date.
            let timeOfDay = timeText.contains(":") && !timeText.contains("-") && !timeText.contains("/")
            if timeOfDay || Double(timeText).map({ $0 >= 0 && $0 < 1 }) == true {
                return reject("时间 \(timeText.prefix(40)) is a time of day without a date in the workbook; give the date too "
                    + "(format the column as yyyy-mm-dd hh:mm:ss, or add a 日期 column) and save again", column)
            }
            return reject("时间 \(timeText.prefix(40)) is a plain number in the workbook: an Excel date and time in a cell without "
                + "a date format; format the column as a date and time (yyyy-mm-dd hh:mm:ss) and save again", column)
        } else if Self.looksLikeDayCount(timeText) {
            // The same number in a CSV: the sheet was exported with the column in General format.
            return reject("时间 \(timeText.prefix(40)) is a plain number: an Excel date and time saved as its day count; "
                + "format the column as a date and time (yyyy-mm-dd hh:mm:ss) and export again", columns.time)
        } else {
            return reject("时间 \"\(timeText.prefix(40))\" is not a date and time (YYYY-MM-DD HH:MM[:SS])", columns.time)
        }
        let detail = HeaderMap.cell(columns.detail, in: c)
        let isFailure = kind == .registerFailed || kind == .recoverFailed
        let reason = isFailure ? failureReason(detail) : nil
        if isFailure, !detail.isEmpty, reason.map({ Rules.codes(of: kind, $0).0 == nil }) ?? true, !FailureReason.isOtherObstacle(detail) {
            unreadReasons += 1
            if firstUnreadReason == nil { firstUnreadReason = (reader.location(line: record.line, column: columns.detail), detail) }
        }
        let stored = id.wasFifteen ? IDNumber.fifteenForm(of: id.normalized)! : id.normalized
        return .event(EventRow(id: stored, isFifteen: id.wasFifteen, name: PersonName(HeaderMap.cell(columns.name, in: c)).normalized,
                               kind: kind, detail: detail, reason: reason, time: time, line: record.line))
    }
}

/// A log's column per field (nil when absent).
private struct LogColumns {
    let id, event, time, detail, name: Int?
    /// A second time column (时间 after 日期): its cell is joined to the first's (`EventTime.joined`).
    let timeOfDay: Int?

    /// No columns (before the header is found).
    init() { id = nil; event = nil; time = nil; detail = nil; name = nil; timeOfDay = nil }

    init(_ map: HeaderMap) {
        let c = map.columns
        id = c["id"]; event = c["event"]; time = c["time"]; detail = c["detail"]; name = c["name"]
        timeOfDay = map.secondColumns["time"]
    }
}

/// A roster's column per field (nil when absent). The key is 考生号, or 学号 in a roster without 考生号.
private struct RosterColumns {
    let key, xh, name, admissionName, id, sex, birthdate, phone, college, major, className, counselor, counselorEmail: Int?
    let keyIsKsh: Bool

    init(_ map: HeaderMap) {
        let c = map.columns
        keyIsKsh = c["ksh"] != nil
        key = c["ksh"] ?? c["xh"]
        xh = c["xh"]; name = c["name"]; admissionName = c["admission_name"]; id = c["id"]; sex = c["sex"]
        birthdate = c["birthdate"]; phone = c["phone"]; college = c["college"]; major = c["major"]; className = c["class"]
        counselor = c["counselor"]; counselorEmail = c["counselor_email"]
    }
}
