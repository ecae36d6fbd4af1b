/// Turns one file's records into stored rows: header matching, normalization, rejects.
struct RowImporter {
    let kind: TableKind
    let reader: any TableReader
    let importer: Importer
    let session: ImportSession
    private var header: HeaderMap? = nil
    private var recordsBeforeHeader = 0
    private(set) var accepted = 0
    private(set) var rejected = 0
    private var firstHeaderRecord: TableRecord? = nil
    private let asOfMidnight: Int64

    init(kind: TableKind, reader: any TableReader, importer: Importer, session: ImportSession) {
        self.kind = kind
        self.reader = reader
        self.importer = importer
        self.session = session
        asOfMidnight = EventTime.startOfDay(importer.asOf) ?? 0
    }

    /// Takes one record: the header (within the first ten records), or a data row.
    mutating func take(_ record: TableRecord) throws {
        guard let map = header else {
            let candidate = HeaderMap(kind: kind, header: record.cells)
            if firstHeaderRecord == nil { firstHeaderRecord = record }
            if candidate.isComplete {
                header = candidate
                if !candidate.unknown.isEmpty {
                    importer.diagnostics.report(Diagnostic(.warning, "ignoring columns not used for the \(kind.title): \(candidate.unknown.joined(separator: ", "))",
                                                           at: reader.location(line: record.line, column: nil)))
                }
                if recordsBeforeHeader > 0 {
                    importer.diagnostics.report(Diagnostic(.warning, "ignoring \(recordsBeforeHeader) line(s) above the header row",
                                                           at: reader.location(line: record.line, column: nil)))
                }
                return
            }
            recordsBeforeHeader += 1
            if recordsBeforeHeader >= 10 { throw missingColumns() }
            return
        }
        if record.cells.allSatisfy({ Text.trimmed($0).isEmpty }) { return }
        if let problem = record.decodingProblem { return try reject(record, problem) }
        if kind != .counselors, let column = map.columns["id"], record.isNumeric(column) {
            // Excel keeps 15 significant digits: the ID lost its last ones, and may still pass the check by chance.
            return try reject(record, "身份证号 stored as a number lost its last digits; format the column as text and export again", column: column)
        }
        let reason: String?
        switch kind {
        case .roster: reason = try roster(record, map)
        case .counselors: reason = try counselor(record, map)
        case .log: reason = try event(record, map)
        }
        if let reason { try reject(record, reason) } else { accepted += 1 }
        if (accepted + rejected) % 100_000 == 0 { importer.progress?.update("import \(kind.rawValue)", done: accepted + rejected) }
    }

    /// Ends the file: a file without a usable header, or a roster without students, is not a table for zicha.
    func finish() throws {
        importer.progress?.finish("import \(kind.rawValue)")
        if header == nil {
            if firstHeaderRecord == nil {
                throw ZichaError(.unreadableInput, "the file has no header row and no rows", at: SourceLocation(file: reader.source))
            }
            throw missingColumns()
        }
        if kind == .roster, accepted == 0 {
            throw ZichaError(.unreadableInput, rejected == 0 ? "the roster has a header but no students" : "no roster row could be used (\(rejected) rejected)",
                             at: SourceLocation(file: reader.source),
                             hint: "an empty roster would mark every student as left; check the export")
        }
    }

    private func missingColumns() -> ZichaError {
        let map = HeaderMap(kind: kind, header: firstHeaderRecord?.cells ?? [])
        let names = map.missing.map { "\($0.aliases[0]) (tried: \($0.aliases.joined(separator: ", ")))" }
        return ZichaError(.unreadableInput, "the \(kind.title) lacks required column(s): \(names.joined(separator: "; "))",
                          at: reader.location(line: firstHeaderRecord?.line ?? 1, column: nil),
                          hint: "the first row must be the header; headers may be Chinese, pinyin abbreviations or English")
    }

    private mutating func reject(_ record: TableRecord, _ reason: String, column: Int? = nil) throws {
        rejected += 1
        let location = reader.location(line: record.line, column: column)
        importer.diagnostics.report(Diagnostic(.error, reason, at: location))
        try session.addReject(line: record.line, location: location.description, reason: reason, cells: record.cells)
    }

    private func roster(_ record: TableRecord, _ map: HeaderMap) throws -> String? {
        let c = record.cells
        let keyField = map.has("ksh") ? "ksh" : "xh"
        let ksh = Text.halfWidth(map.value(keyField, in: c)).filter { !$0.isWhitespace }
        if ksh.isEmpty { return keyField == "ksh" ? "考生号 is empty" : "学号 is empty (the roster has no 考生号 column)" }
        let name = PersonName(map.value("name", in: c))
        if name.normalized.isEmpty { return "姓名 is empty" }
        let idText = map.value("id", in: c)
        if idText.isEmpty { return "身份证号 is empty" }
        let admission = map.value("admission_name", in: c)
        let row = StudentRow(
            ksh: ksh, xh: Text.halfWidth(map.value("xh", in: c)), name: name,
            admissionName: admission.isEmpty ? nil : PersonName(admission),
            id: IDNumber(idText, today: importer.today), sex: map.value("sex", in: c), birthdate: map.value("birthdate", in: c),
            phone: PhoneNumber(map.value("phone", in: c)), college: map.value("college", in: c), major: map.value("major", in: c),
            className: map.value("class", in: c), counselor: map.value("counselor", in: c),
            counselorEmail: map.value("counselor_email", in: c), line: record.line)
        if try !session.addStudent(row) { return "考生号 \(ksh) appears twice in this roster; the first row is kept" }
        return nil
    }

    private func counselor(_ record: TableRecord, _ map: HeaderMap) throws -> String? {
        let c = record.cells
        let className = map.value("class", in: c), college = map.value("college", in: c)
        let name = map.value("counselor", in: c), email = map.value("email", in: c)
        if className.isEmpty, college.isEmpty { return "neither 班级 nor 学院 is given" }
        if name.isEmpty, email.isEmpty { return "neither 辅导员 nor 邮箱 is given" }
        try session.addCounselorScope(kind: className.isEmpty ? "college" : "class", scope: className.isEmpty ? college : className,
                                      counselor: name, email: email, line: record.line)
        return nil
    }

    private func event(_ record: TableRecord, _ map: HeaderMap) throws -> String? {
        let c = record.cells
        let idText = map.value("id", in: c)
        if idText.isEmpty { return "身份证号 is empty" }
        let id = IDNumber(idText, today: importer.today)
        if let problem = id.problem { return "身份证号 \(Masking.id(id.raw)) is not valid: \(problem.rawValue)" }
        let label = map.value("event", in: c)
        guard let kind = importer.vocabulary.kind(of: label) else {
            return label.isEmpty ? "事件 is empty" : "unknown event \"\(label.prefix(40))\"; add it to the configuration's events if it is one"
        }
        let timeText = map.value("time", in: c)
        let time: Int64
        if timeText.isEmpty { time = asOfMidnight } else if let t = EventTime.parse(timeText) { time = t } else {
            return "时间 \"\(timeText.prefix(40))\" is not a date and time (YYYY-MM-DD HH:MM[:SS])"
        }
        let detail = map.value("detail", in: c)
        let reason = kind == .registerFailed || kind == .recoverFailed ? FailureReason.classify(detail) : nil
        let stored = id.wasFifteen ? IDNumber.fifteenForm(of: id.normalized)! : id.normalized
        try session.addEvent(EventRow(id: stored, isFifteen: id.wasFifteen, name: PersonName(map.value("name", in: c)).normalized,
                                      kind: kind, detail: detail, reason: reason, time: time, line: record.line))
        return nil
    }
}
