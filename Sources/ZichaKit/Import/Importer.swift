/// The files of one night.
public struct NightInputs: Sendable {
    public var roster: String?
    public var counselors: String?
    public var logs: [String]

    public init(roster: String?, counselors: String? = nil, logs: [String] = []) {
        self.roster = roster
        self.counselors = counselors
        self.logs = logs
    }
}

/// Imports a night's files into the database in one transaction: all of them, or (on any unreadable
/// file) none. Rows that cannot be used are set aside with a reason, never dropped or silently fixed.
public struct Importer {
    let database: AppDatabase
    let asOf: String
    /// The night's date as `YYYYMMDD`: IDs born after it are invalid.
    let nightDay: Int
    /// The end of the night's day (`EventTime` seconds): events from then on count from a later night.
    let nightEnd: Int64
    let vocabulary: EventVocabulary
    let options: TableOptions
    let diagnostics: DiagnosticSink
    let progress: Progress?
    /// Takes a roster that would mark more than half of the students as left (otherwise refused: see `importFile`).
    public var acceptDepartures = false

    public init(database: AppDatabase, asOf: String, vocabulary: EventVocabulary, options: TableOptions = TableOptions(),
                diagnostics: DiagnosticSink, progress: Progress? = nil) {
        self.database = database
        self.asOf = asOf
        self.nightDay = Int(asOf.replacingOccurrences(of: "-", with: "")) ?? 99_991_231
        self.nightEnd = EventTime.endOfDay(asOf)
        self.vocabulary = vocabulary
        self.options = options
        self.diagnostics = diagnostics
        self.progress = progress
    }

    /// Fewer students leaving than this are never refused as a partial roster (a small roster's few changes).
    static let departuresChecked = 20

    /// Imports roster, counselor list and logs, in that order.
    public func run(_ inputs: NightInputs) throws -> [ImportedFile] {
        var plan: [(TableKind, String)] = []
        if let r = inputs.roster { plan.append((.roster, r)) }
        if let c = inputs.counselors { plan.append((.counselors, c)) }
        plan += inputs.logs.map { (.log, $0) }
        // Digests first: an unreadable file stops the night before anything is written.
        for (_, path) in plan { try TableFile.refuseStream(path: path) }
        let digests = try FileDigest.sha256(paths: plan.map(\.1))
        let ownSheets = sheetChoices(plan.map(\.1))
        StageClock.step("import.digests")
        return try database.importNight(asOf: asOf) { session in
            let files = try zip(plan, digests).map { item, digest in
                try importFile(kind: item.0, path: item.1, options: ownSheets.contains(item.1) ? headerPicksSheet : options, digest: digest, session: session)
            }
            let repeatedStates = try session.storeStagedStates()
            StageClock.step("import.states")
            for repeated in repeatedStates {
                let verb = repeated.left == 1 ? "repeats" : "repeat"
                diagnostics.report(Diagnostic(.note, "\(repeated.left) of its \(counted(repeated.accepted, "row")) \(verb), without a time, the student's "
                    + "previous state (a status export?); each state is kept once, from when it was first reported", at: SourceLocation(file: repeated.file)))
            }
            return files
        }
    }

    /// The options with the sheet left to each workbook's header.
    private var headerPicksSheet: TableOptions {
        var options = options
        options.sheet = nil
        return options
    }

    /// The workbooks among `paths` that pick their own sheet although `--sheet` is given: those without a sheet of
    /// that name when another workbook of the night has one (the option was meant for it: a roster workbook's 花名册
    /// beside a log workbook's 自查记录). A name no workbook has is left to fail, naming the sheets there are.
    private func sheetChoices(_ paths: [String]) -> Set<String> {
        guard let wanted = options.sheet else { return [] }
        let workbooks = paths.filter { (try? TableFile.isWorkbook(path: $0)) == true }
        let without = workbooks.filter { !XLSXReader.hasSheet(named: wanted, path: $0) }
        guard without.count < workbooks.count else { return [] }
        for path in without {
            diagnostics.report(Diagnostic(.note, "no sheet named “\(wanted)” here (another workbook of the night has it): this one reads its sheets whose header matches",
                                          at: SourceLocation(file: path)))
        }
        return Set(without)
    }

    /// Imports one file within the night's transaction: its rows stored or set aside, then what the import found
    /// said (and a roster that would take most students away refused).
    private func importFile(kind: TableKind, path: String, options: TableOptions, digest: (hex: String, size: Int64), session: ImportSession) throws -> ImportedFile {
        let reader = try TableFile.open(path: path, options: options) { HeaderMap(kind: kind, header: $0).isComplete }
        let encoding = (reader as? DelimitedTextReader)?.encoding.rawValue ?? "xlsx"
        if (reader as? DelimitedTextReader)?.mayBeGBK == true {
            diagnostics.report(Diagnostic(.warning, "read as UTF-8, but its bytes are also valid GBK (Excel's CSV on Chinese Windows) and look like it",
                                          at: SourceLocation(file: path),
                                          hint: "if its names read wrong (֣ǿ for 郑强), it is GBK: save it again as CSV UTF-8 or .xlsx and run the night again "
                                              + "(a file imported once is not read again unchanged, and --encoding applies to every file of the night)"))
        }
        let earlier = try session.earlierImport(kind: kind, sha256: digest.hex)
        guard try session.beginFile(kind: kind, name: path, size: digest.size, sha256: digest.hex, encoding: encoding) else {
            return try alreadyImported(kind: kind, path: path, digest: digest, earlier: earlier, session: session)
        }
        if let skipped = (reader as? XLSXReader)?.skippedSheets, !skipped.isEmpty {
            // A 说明 sheet is meant to be skipped; a college's sheet whose header is written otherwise is not.
            let sheets = skipped.prefix(10).map { "“\($0)”" }.joined(separator: ", ") + (skipped.count > 10 ? " and \(skipped.count - 10) more" : "")
            diagnostics.report(Diagnostic(.note, "not reading the \(skipped.count == 1 ? "sheet" : "sheets") \(sheets): no header row of the "
                + "\(kind.title) in the first \(XLSXReader.headerSearchRows) rows", at: SourceLocation(file: path)))
        }
        var rows = RowImporter(kind: kind, reader: reader, importer: self, session: session)
        try read(reader, kind: kind) { try rows.apply($0) }
        let repeated = try session.indexKeys()
        if !repeated.isEmpty {
            // Rare: a first roster naming a 考生号 twice. The rows' cells are read again for the rejects.
            try rows.rejectRepeated(repeated, in: try TableFile.open(path: path, options: options) { HeaderMap(kind: kind, header: $0).isComplete })
        }
        try rows.finish()
        let outcome = try session.finishFile(kind: kind, accepted: rows.accepted, rejected: rows.rejected,
                                             lastEventTime: rows.lastEventTime)
        StageClock.step("import.\(kind.rawValue)")
        if kind == .log, rows.accepted == 0, rows.rejected == 0 { warnOfALogWithoutRows(path) }
        if outcome.keptStudents > 0 {
            let who = outcome.keptStudents == 1 ? "1 student whose row was set aside stays" : "\(outcome.keptStudents) students whose rows were set aside stay"
            diagnostics.report(Diagnostic(.note, who + " on the roster with their values from the previous roster (not marked as left)",
                                          at: SourceLocation(file: path)))
        }
        try refuseNightBeforeBirths(rows, path: path)
        try refusePartialRoster(outcome, rows: rows, path: path)
        reportDepartures(outcome, rows: rows, path: path)
        reportRows(rows, repeatedEvents: outcome.repeatedEvents, path: path)
        if kind == .log, let night = earlier?.night, night != asOf {
            diagnostics.report(Diagnostic(.note, "the same content came in on the night of \(night): its states without a time are "
                + "taken as said again on \(asOf), its other rows as repeats", at: SourceLocation(file: path)))
        }
        // A roster like an older one is tonight's change from the latest: only a log read again came in before.
        return ImportedFile(kind: kind, name: path, accepted: rows.accepted, rejected: rows.rejected, alreadyImported: false,
                            importedOn: kind == .log ? earlier?.night : nil)
    }

    /// A file whose content was imported before (`beginFile` said so): nothing read, the earlier import said.
    private func alreadyImported(kind: TableKind, path: String, digest: (hex: String, size: Int64),
                                 earlier: (night: String, rowsSetAside: Int)?, session: ImportSession) throws -> ImportedFile {
        let setAside = earlier?.rowsSetAside ?? 0
        let night = earlier?.night ?? asOf
        diagnostics.report(Diagnostic(.note, "already imported (same content); nothing to change"
            + (setAside > 0 ? " (\(counted(setAside, "row")) of it \(setAside == 1 ? "was" : "were") set aside then: see rejects.csv of "
               + "\(night == asOf ? "this night" : "the night of \(night)"))" : ""),
            at: SourceLocation(file: path)))
        if kind == .log, try session.logHadNoRows(sha256: digest.hex) { warnOfALogWithoutRows(path) }
        return ImportedFile(kind: kind, name: path, accepted: 0, rejected: 0, alreadyImported: true, importedOn: earlier?.night)
    }

    /// Refuses the night (nothing stored) when most of a roster's students, or of a log's rows, have an ID whose birth
    /// date is after the night: the night's date is mistyped (`--as-of 2004-10-05` for 2024-10-05; or the clock is wrong).
    /// Run on, such a night set every log row aside as born in the future and stored the log as imported, so the right
    /// night given the same log afterwards found it "already imported" and never read its rows (found by an audit of dates).
    private func refuseNightBeforeBirths(_ rows: RowImporter, path: String) throws {
        let read = rows.accepted + (rows.kind == .log ? rows.rejected : 0)
        guard rows.bornAfterNight >= Self.birthsChecked, rows.bornAfterNight * 2 > read else { return }
        let what = rows.kind == .roster ? "students" : "rows"
        throw ZichaError(.usage, "\(rows.bornAfterNight) of the \(read) \(what) of this \(rows.kind.title) have an ID whose birth date is after "
            + "the night of \(asOf): the night's date is probably mistyped, and nothing was stored", at: SourceLocation(file: path),
            hint: "give --as-of the night's own day (YYYY-MM-DD); without --as-of the night is today by this computer's clock (Asia/Shanghai)")
    }

    /// The fewest IDs born after the night that `refuseNightBeforeBirths` looks at: a few students' IDs can be wrong.
    static let birthsChecked = 10

    /// A roster still being written, cut short by the export, of another cohort, or keyed by another column would take
    /// most students off every list and restart their days outstanding: more than half of the students leaving at
    /// once is refused, unless `acceptDepartures`.
    private func refusePartialRoster(_ outcome: FileOutcome, rows: RowImporter, path: String) throws {
        guard !acceptDepartures else { return }
        let left = outcome.leftStudents
        if outcome.rekeyedStudents * 2 > outcome.rekeyedLookedAt {
            // The export changed its key column (学号 ↔ 考生号): whatever their number, every student would start afresh.
            let counted = outcome.rekeyedLookedAt == left ? "\(outcome.rekeyedStudents) of the \(left)"
                : "\(outcome.rekeyedStudents) of the first \(outcome.rekeyedLookedAt) of the \(left)"
            throw ZichaError(.unreadableInput, "this roster names its students by another number than the previous roster: "
                + "\(counted) students it would mark as left are on it under their other number "
                + "(考生号 where the previous roster had 学号, or the other way round)",
                at: SourceLocation(file: path),
                hint: "a student's history (days outstanding, new or persisting findings) follows the roster's key: export the roster "
                    + "with the same key column as before (a roster with 考生号 is keyed by it); to start every student afresh, run with --accept-departures")
        }
        if outcome.zerosLostStudents * 2 > outcome.rekeyedLookedAt {
            // The key column lost its leading zeros: those students would start afresh under a number that is not theirs.
            let counted = outcome.rekeyedLookedAt == left ? "\(outcome.zerosLostStudents) of the \(left)"
                : "\(outcome.zerosLostStudents) of the first \(outcome.rekeyedLookedAt) of the \(left)"
            throw ZichaError(.unreadableInput, "this roster's keys lost their leading zeros: \(counted) students it would mark as left "
                + "are on it with the same 身份证号 under their key without its zeros (2026000001 for 02026000001)",
                at: SourceLocation(file: path),
                hint: "the spreadsheet saved the key column (学号 or 考生号) as a number: format the column as text, export the roster "
                    + "again and run the night; to take them as new students anyway, run with --accept-departures")
        }
        if left >= Self.departuresChecked, left * 2 > outcome.presentBefore {
            let unread = rows.rejectedWithoutKey == 0 ? ""
                : " (\(rows.rejectedWithoutKey) of its rows were set aside without a usable 考生号: if they are theirs, fix them)"
            throw ZichaError(.unreadableInput, "this roster would mark \(left) of the \(outcome.presentBefore) students on the roster "
                + "as left\(unread): is it cut short, or another cohort's?", at: SourceLocation(file: path),
                hint: "check the export (a file still being written?) and run the night again; if it is the next intake's "
                    + "roster (a new check period), give the new season a database and reports folder of its own (--db, --out): "
                    + "in this one its students would inherit the old season's log; if these students did leave, run it with "
                    + "--accept-departures")
        }
    }

    /// Says how many students the roster marked as left: loudly (also under cron) when rows without a usable 考生号
    /// may be theirs, or when a tenth or more left at once.
    private func reportDepartures(_ outcome: FileOutcome, rows: RowImporter, path: String) {
        let left = outcome.leftStudents
        guard left > 0 else { return }
        let message = left == 1 ? "1 student is no longer on the roster and is marked as left"
                                : "\(left) students are no longer on the roster and are marked as left"
        if rows.rejectedWithoutKey > 0 {
            // They may be the students of the rows whose 考生号 could not be read: say so where cron shows it.
            let unread = rows.rejectedWithoutKey == 1 ? "1 row without a usable 考生号 was set aside"
                                                      : "\(rows.rejectedWithoutKey) rows without a usable 考生号 were set aside"
            diagnostics.report(Diagnostic(.warning, message + ", while " + unread, at: SourceLocation(file: path),
                                          hint: "if those rows are theirs, fix them and run the night again: the students come back"))
        } else if left >= Self.departuresChecked, left * 10 >= outcome.presentBefore {
            // A tenth or more at once (a college missing from tonight's export), below the refusal: said under cron
            // too, as those students' history restarts when they come back.
            diagnostics.report(Diagnostic(.warning, message + " (\(left) of \(outcome.presentBefore))", at: SourceLocation(file: path),
                                          hint: "if tonight's export missed them (a college or class left out), run the night again with "
                                            + "the whole roster: they come back with their history", evenWhenQuiet: true))
        } else {
            diagnostics.report(Diagnostic(.note, message, at: SourceLocation(file: path)))
        }
    }

    /// Says what the file's rows showed beyond their own messages: names with a lost character, events dated after
    /// the night, events an earlier log gave already.
    private func reportRows(_ rows: RowImporter, repeatedEvents: Int, path: String) {
        if let (first, name) = rows.firstNameWithLostCharacter {
            let which = rows.namesWithLostCharacters == 1 ? "a name" : "\(rows.namesWithLostCharacters) names"
            diagnostics.report(Diagnostic(.warning, "\(which) with a ? where a character was lost when the file was saved "
                + "(the first here: \(name)); kept as written", at: first,
                hint: "save the roster as CSV UTF-8 or .xlsx (GBK cannot hold characters such as • or rare ones in names)"))
        }
        if rows.eventsAfterNight > 0, let first = rows.firstEventAfterNight {
            let which = rows.eventsAfterNight == 1 ? "1 event is" : "\(rows.eventsAfterNight) events are"
            if rows.eventsAfterNight >= 20, rows.eventsAfterNight * 2 > rows.accepted {
                // Most of tonight's log after the night: the night's date is wrong (a clock set back, an --as-of typo),
                // not the log (found by an audit: such a night was stored silently and inflated days outstanding after it).
                diagnostics.report(Diagnostic(.warning, "\(rows.eventsAfterNight) of the log's \(rows.accepted) events are dated after the night "
                    + "\(asOf) (the first here): is the night's date right?", at: first,
                    hint: "the night is today's date by this computer's clock unless --as-of gives it; check both", evenWhenQuiet: true))
            } else {
                diagnostics.report(Diagnostic(.note, "\(which) dated after \(asOf) (the first here); kept, they count from the night of their date",
                                              at: first))
            }
        }
        if repeatedEvents > 0 {
            let which = repeatedEvents == rows.accepted ? "all \(repeatedEvents) of its events" : "\(repeatedEvents) of its \(rows.accepted) events"
            diagnostics.report(Diagnostic(.note, "\(which) came in an earlier log already (an export of the whole log?); each is kept once",
                                          at: SourceLocation(file: path)))
        }
    }

    /// A roster without rows is refused (every student would leave); a log without rows may be a quiet day's, but is
    /// more often an export that failed: said where cron shows it, each night it comes.
    private func warnOfALogWithoutRows(_ path: String) {
        diagnostics.report(Diagnostic(.warning, "the self-check log has a header and no rows: no event came in from it",
                                      at: SourceLocation(file: path), hint: "check the export if events were expected",
                                      evenWhenQuiet: true))
    }

    /// Reads and prepares the file's rows on a second thread (parsing, decoding, normalizing) while this one
    /// hands them to `store` in file order: the two halves of an import run on two cores. The file's own errors
    /// (an unclosed quote, missing columns) surface after the rows before them were stored, inside the
    /// night's transaction, which then rolls back. A workbook's rows are unpacked and parsed (zlib, libxml2) on a
    /// third thread: that alone took longer than preparing and storing them, and the storing thread waited.
    private func read(_ reader: any TableReader, kind: TableKind, store: (PreparedRow) throws -> Void) throws {
        var preparer = RowPreparer(kind: kind, reader: reader, importer: self)
        try streamOnSecondThread(cells: { $0.cellCount }, produce: { emit in
            if reader is XLSXReader {
                try streamOnSecondThread(cells: { $0.cells.count }, produce: { record in try reader.read(record) },
                                         consume: { try preparer.prepare($0, emit) })
            } else {
                try reader.read { try preparer.prepare($0, emit) }
            }
            try preparer.finish(emit)
        }, consume: store)
    }
}

/// Reports progress of long work on a terminal; silent otherwise.
public protocol Progress: AnyObject {
    func update(_ stage: String, done: Int)
    func finish(_ stage: String)
}
