/// Stores one file's prepared rows, in file order: rows, rejects with their reasons, and the counts.
struct RowImporter {
    let kind: TableKind
    let reader: any TableReader
    let importer: Importer
    let session: ImportSession
    private(set) var accepted = 0
    private(set) var rejected = 0
    /// Roster rows set aside whose 考生号 could not be read: their students, if stored, are marked as left.
    private(set) var rejectedWithoutKey = 0
    /// A log's latest event time.
    private(set) var lastEventTime: Int64?
    /// A log's events dated after the night's day, and where the first of them is: they count from their own night.
    private(set) var eventsAfterNight = 0
    private(set) var firstEventAfterNight: SourceLocation?
    /// Students, and a log's rows set aside, whose ID gives a birth date after the night: a few are typos in the IDs;
    /// most of a file is a night's date mistyped (`--as-of 2004-10-05` for 2024-10-05, `Importer.refuseNightBeforeBirths`).
    private(set) var bornAfterNight = 0
    /// Roster names holding `?` (or U+FFFD): a character the file's encoding could not hold when it was saved
    /// (买买提•艾力 saved as GBK is 买买提?艾力). Kept as written, and said.
    private(set) var namesWithLostCharacters = 0
    private(set) var firstNameWithLostCharacter: (location: SourceLocation, name: String)?
    /// A counselor list's first counselor and line for each address (lower case), and the addresses already said to be
    /// given for two counselors.
    private var counselorOfAddress: [String: (name: String, line: Int)] = [:]
    private var addressesOfTwo: Set<String> = []

    init(kind: TableKind, reader: any TableReader, importer: Importer, session: ImportSession) {
        self.kind = kind
        self.reader = reader
        self.importer = importer
        self.session = session
    }

    mutating func apply(_ row: PreparedRow) throws {
        switch row {
        case .diagnostic(let d):
            importer.diagnostics.report(d)
            return
        case .reject(let record, let reason, let column):
            try reject(record, reason, column: column)
            if kind == .roster { rejectedWithoutKey += 1 }
            if kind == .log, reason.hasSuffix(IDNumber.Problem.futureDate.rawValue) { bornAfterNight += 1 }
        case .rejectStudent(let record, let reason, let column, let ksh):
            try reject(record, reason, column: column)
            try session.keepStudent(ksh: ksh)
        case .student(let s):
            if try session.addStudent(s.row) {
                accepted += 1
                if !s.row.counselorEmail.isEmpty { warnOfAnAddressOfTwo(counselor: s.row.counselor, email: s.row.counselorEmail, line: s.record.line) }
                if s.row.id.problem == .futureDate { bornAfterNight += 1 }
                if Self.lostCharacter(in: s.row.name.raw) || s.row.admissionName.map({ Self.lostCharacter(in: $0.raw) }) == true {
                    namesWithLostCharacters += 1
                    if firstNameWithLostCharacter == nil {
                        firstNameWithLostCharacter = (reader.location(line: s.record.line, column: nil), s.row.name.raw)
                    }
                }
            } else {
                try reject(s.record, Self.repeatedKey(s.row.ksh), column: nil)
            }
        case .event(let e):
            try session.addEvent(e)
            accepted += 1
            lastEventTime = max(lastEventTime ?? e.time, e.time)
            if e.time >= importer.nightEnd {
                eventsAfterNight += 1
                if firstEventAfterNight == nil { firstEventAfterNight = reader.location(line: e.line, column: nil) }
            }
        case .scope(let kind, let college, let scope, let counselor, let email, let line):
            if let earlier = try session.addCounselorScope(kind: kind, college: college, scope: scope, counselor: counselor, email: email, line: line) {
                let what = kind == "class" ? "班级" : "学院"
                let named = college.isEmpty ? scope : "\(scope) of \(college)"
                let at = reader.location(line: earlier.line, column: nil)  // a workbook's sheet too, when several are read
                let earlierAt = "line \(at.line ?? earlier.line)" + (at.cell.map { " of \($0)" } ?? "")
                importer.diagnostics.report(Diagnostic(.warning, "\(what) \(named) is given again with another counselor or address (\(earlierAt): "
                    + "\(earlier.counselor.isEmpty ? "no name" : earlier.counselor)): this later row is used", at: reader.location(line: line, column: nil),
                    hint: "keep one row per \(what) in the counselor list"))
            }
            warnOfAnAddressOfTwo(counselor: counselor, email: email, line: line)
            accepted += 1
        }
        if (accepted + rejected) % 100_000 == 0 { importer.progress?.update("import \(kind.rawValue)", done: accepted + rejected) }
    }

    /// One address given for two counselors (李老师 and 李娜 at li.laoshi@), in the counselor list or the roster's own
    /// 辅导员 columns: mail goes by address, so they get one message with both lists, greeting one of them (found by an
    /// audit: nothing said so). A warning at the first such row.
    private mutating func warnOfAnAddressOfTwo(counselor: String, email: String, line: Int) {
        guard !email.isEmpty, !counselor.isEmpty else { return }
        let key = CounselorListChanges.key(email)
        guard let first = counselorOfAddress[key] else { counselorOfAddress[key] = (counselor, line); return }
        guard first.name != counselor, addressesOfTwo.insert(key).inserted else { return }
        let at = reader.location(line: first.line, column: nil)
        importer.diagnostics.report(Diagnostic(.warning, "the address \(email) is given for two counselors, \(first.name) (line \(at.line ?? first.line)"
            + (at.cell.map { " of \($0)" } ?? "") + ") and \(counselor): mail goes by address, so they get one message holding both lists, "
            + "greeting one of them", at: reader.location(line: line, column: nil),
            hint: "give each counselor their own address, or write the counselor's name the same way in every row"))
    }

    /// Sets aside the rows found after the load to repeat an earlier row's 考生号 (`ImportSession.indexKeys`, by
    /// line), reading their cells from `rereading`, the same file opened again; they no longer count as accepted.
    mutating func rejectRepeated(_ repeated: [Int: String], in rereading: any TableReader) throws {
        try rereading.read { record in
            guard let ksh = repeated[record.line] else { return }
            accepted -= 1
            try reject(record, Self.repeatedKey(ksh), column: nil)
        }
    }

    private static func lostCharacter(in name: String) -> Bool {
        name.utf8.contains(UInt8(ascii: "?")) || name.unicodeScalars.contains("\u{FFFD}")
    }

    private static func repeatedKey(_ ksh: String) -> String { "考生号 \(ksh) appears twice in this roster; the first row is kept" }

    /// Ends the file: a roster without students is not a roster, and a counselor list without rows is an export that
    /// failed more often than a school without counselors.
    func finish() throws {
        importer.progress?.finish("import \(kind.rawValue)")
        if kind == .roster, accepted == 0 {
            throw ZichaError(.unreadableInput, rejected == 0 ? "the roster has a header but no students" : "no roster row could be used (\(rejected) rejected)",
                             at: SourceLocation(file: reader.source),
                             hint: "an empty roster would mark every student as left; check the export")
        }
        if kind == .counselors, accepted == 0 {
            // Found by an audit: taken, it made every student NO_COUNSELOR and mailed every counselor that their list was empty.
            throw ZichaError(.unreadableInput, rejected == 0 ? "the counselor list has a header but no rows"
                                 : "no row of the counselor list could be used (\(rejected) rejected)",
                             at: SourceLocation(file: reader.source),
                             hint: "an empty counselor list would leave every student without a counselor; check the export, "
                                 + "or leave out --counselors to keep the latest list")
        }
    }

    private mutating func reject(_ record: TableRecord, _ reason: String, column: Int?) throws {
        rejected += 1
        let location = reader.location(line: record.line, column: column)
        importer.diagnostics.report(Diagnostic(.error, reason, at: location))
        try session.addReject(line: record.line, location: location.description, reason: reason, cells: record.cells)
    }
}
