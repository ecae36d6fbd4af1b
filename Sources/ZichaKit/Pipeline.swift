import Foundation
import CJemalloc

/// Everything one nightly run needs to know.
public struct NightlyOptions: Sendable {
    public var inputs: NightInputs
    public var databasePath: String = "zicha.sqlite"
    public var outputDirectory: String = "Reports"
    /// `YYYY-MM-DD`; today in Asia/Shanghai when nil.
    public var asOf: String?
    public var configuration = Configuration()
    public var table = TableOptions()
    /// Office copies of counselor lists with full ID numbers and phones.
    public var unmasked = false
    /// Skips the mail stage: no message is composed, written to the outbox or sent (reports only).
    public var skipMail = false
    /// Reconciles every student even when only logs and rosters came in since the latest night (see `ReconcileSession.base`).
    public var fullReconcile = false
    /// Addresses whose message of this night may or may not have arrived (a delivery of unknown outcome) and that
    /// the office chose to send again.
    public var resend: Set<String> = []
    /// Takes a roster that would mark more than half of the students as left (see `Importer.acceptDepartures`).
    public var acceptDepartures = false

    public init(inputs: NightInputs) { self.inputs = inputs }
}

/// What a nightly run did.
public struct NightlyResult: Sendable {
    public var asOf: String
    public var imported: [ImportedFile]
    public var totals: NightTotals
    public var byCode: [FindingCode: Int]
    /// Rows set aside from the files the night reads (its roster and counselor list, tonight's logs), whether they
    /// came in on this run or an earlier one: the same on a re-run of the night.
    public var setAsideRows: Int
    public var reportDirectory: String
    public var mail: MailOutcome?
}

/// The one place the nightly order is written: import → reconcile → report → email.
public enum Pipeline {
    /// Today's date in Asia/Shanghai, `YYYY-MM-DD`.
    public static func today(now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Runs a whole night. Throws a `ZichaError` whose `exitCode` follows the SPEC.
    public static func nightly(_ options: NightlyOptions, diagnostics: DiagnosticSink, progress: Progress? = nil) throws -> NightlyResult {
        do {
            return try night(options, diagnostics: diagnostics, progress: progress)
        } catch let error as ZichaError {
            throw error
        } catch {
            throw AppDatabase.describe(error, path: options.databasePath)  // e.g. a full disk during import
        }
    }

    private static func night(_ options: NightlyOptions, diagnostics: DiagnosticSink, progress: Progress?) throws -> NightlyResult {
        StageClock.last = Date()
        let night = try open(options, diagnostics: diagnostics, progress: progress)
        defer { withExtendedLifetime(night.locks) {} }

        // 1. Import: every file of the night in one transaction.
        let imported = try importFiles(night)
        StageClock.mark("import")
        returnFreeMemory()

        // A re-run of a night whose inputs did not change keeps its results and reports: only mail is retried.
        let fingerprint = try night.database.nightFingerprint(settings: settingsKey(options, catalog: night.catalog))
        let stored = try night.database.storedFingerprint(asOf: night.asOf)
        let redone = try stored != nil && night.database.earlierNightRedone(after: night.asOf)
        if redone {
            diagnostics.report(Diagnostic(.note, "a night before \(night.asOf) was reconciled again after it: reconciling everyone, so that days "
                + "outstanding and new or persisting findings count from that night as it is now"))
        }
        let unchanged = imported.files.allSatisfy(\.alreadyImported) && stored == fingerprint && !redone
        let nothingNew = stored == nil && imported.isLastNightsAgain(asOf: night.asOf)
        if nothingNew {
            diagnostics.report(Diagnostic(.warning, "every input of the night \(night.asOf) came in on an earlier night: its lists are the "
                + "last night's, counted a day on", hint: "check that tonight's exports were written (their dates and times)", evenWhenQuiet: true))
        }
        // The published folder says what it was written from: a run stopped between storing a changed night and
        // publishing its reports leaves the folder of the night's earlier run, which is then not up to date.
        let inputsMark = SHA256.hex(SHA256.digest(Array(fingerprint.utf8))) + "\n"
        if unchanged, let result = try reuseReports(night, imported: imported.files, inputsMark: inputsMark) { return result }

        // 2. Reconcile: pure rules over the stored values, results kept per night. A night already reconciled
        // from the same inputs whose reports are missing (deleted, a disk filled up) or older (the run that stored
        // the night was stopped before publishing them) only gets its reports.
        if unchanged {
            let why = FileManager.default.fileExists(atPath: night.published) ? "its reports are older than its last run; writing them again"
                : "writing its missing reports"
            diagnostics.report(Diagnostic(.note, "nothing changed since this night's last run; " + why, at: SourceLocation(file: night.published)))
        } else {
            try reconcile(night, fingerprint: fingerprint, nothingNew: nothingNew)
            if imported.files.contains(where: { $0.kind == .counselors && !$0.alreadyImported }) {
                try warnOfCounselorsLost(night)
            }
        }
        StageClock.mark("reconcile")

        // 3. Report: written to a temporary folder, then renamed, so no half-written night looks complete.
        let (summary, reportDirectory, mailer) = try writeReports(night, inputsMark: inputsMark)
        StageClock.mark("report")

        // 4. Email: delivery from the published outbox; the ledger keeps a re-run from mailing anyone twice.
        let mail = try mailer?.deliver(from: URL(fileURLWithPath: reportDirectory + "/outbox"), diagnostics: diagnostics)
        StageClock.mark("mail")
        return NightlyResult(asOf: night.asOf, imported: imported.files, totals: summary.totals, byCode: summary.findingsByCode,
                             setAsideRows: summary.setAsideRows, reportDirectory: reportDirectory, mail: mail)
    }

    /// What the stages of one night share: its date, its settings, its database and the locks held for the whole run.
    private struct Night {
        let options: NightlyOptions
        let asOf: String
        let config: Configuration
        let catalog: RemedyCatalog
        let vocabulary: EventVocabulary
        let traditional: TraditionalNameCheck
        /// No mail tonight: `--no-mail`, a night after today, or a later night mailed already.
        var skipMail: Bool
        let database: AppDatabase
        /// Whether this run created the database: a night that stops before its import is stored removes it again.
        let databaseIsNew: Bool
        let locks: [RunLock?]
        let diagnostics: DiagnosticSink
        let progress: Progress?
        /// The night's reports folder, `<out>/<as-of>`.
        var published: String { options.outputDirectory + "/" + asOf }
    }

    /// Said once, under cron too, when this build has just upgraded the database (by a night or by `prune`): the earlier
    /// version no longer opens it, and the next night's work is larger.
    static func upgradeNote(_ database: AppDatabase) -> Diagnostic? {
        guard let from = database.upgradedFrom else { return nil }
        return Diagnostic(.note, "the database was upgraded from schema \(from) to \(AppDatabase.schemaLevel) by this version of "
            + "zicha (\(zichaVersion())); the version before it no longer opens it", at: SourceLocation(file: database.path),
            hint: "a night of a new build reconciles every student again (a once-only, longer night); keep a copy of the database "
                + "from before the upgrade to go back", evenWhenQuiet: true)
    }

    /// Days between a night and the one before it past which the gap is warned of (`checkHistory`).
    static let longGap = 60

    /// Checks the date and the settings, takes the run locks, opens the database and brings its ledger up to date
    /// with the reports folder — everything before the import, each refusal before anything is stored.
    private static func open(_ options: NightlyOptions, diagnostics: DiagnosticSink, progress: Progress?) throws -> Night {
        let asOf = options.asOf ?? today()
        guard let day = EventTime.dayNumber(asOf) else {
            let shaped = asOf.utf8.count == 10 && asOf.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil
            throw ZichaError(.usage, shaped ? "--as-of \(asOf) is not a day of the calendar (its month or day does not exist)"
                                            : "--as-of \"\(asOf)\" is not a date written YYYY-MM-DD (such as \(today()))")
        }
        // A night is run on or after its day: one more than a month ahead is a typo (2126-11-30, 2026-12-21 for
        // 11-21), and would sort after every real night. (A month, not a day: a server clock behind is no reason to refuse.)
        if let now = EventTime.dayNumber(today()), day > now + 31 {
            throw ZichaError(.usage, "--as-of \(asOf) is more than a month after today (\(today()) in Asia/Shanghai): "
                + "a night is run on or after its day")
        }
        let config = options.configuration
        let catalog = try config.remedies.map(RemedyCatalog.load(path:)) ?? RemedyCatalog.bundled()
        let vocabulary = try config.located { try EventVocabulary(extra: config.events ?? [:]) }
        let traditional = try TraditionalNameCheck.bundled()
        var skipMail = options.skipMail
        if !skipMail { try config.located { try MailTransportFactory.check(config.mail, environment: ProcessInfo.processInfo.environment) } }
        // A night ahead (a typo: 12-20 for 11-20) is reported but not mailed: counselors would get lists dated ahead
        // (a message is dated at the start of its night), and every real night before it would then not be mailed
        // (see `laterNightMailed`).
        if !skipMail, let now = EventTime.dayNumber(today()), day > now {
            diagnostics.report(Diagnostic(.warning, "the night \(asOf) is after today (\(today()) in Asia/Shanghai): its reports are "
                + "written, its lists are not mailed", hint: "a night is mailed on or after its day; check --as-of", evenWhenQuiet: true))
            skipMail = true
        }
        if options.skipMail, !options.resend.isEmpty {
            throw ZichaError(.usage, "--resend sends a message of the night again and --no-mail sends none: give one or the other")
        }
        try checkWritable(database: options.databasePath, reports: options.outputDirectory, night: asOf)
        // One run at a time on a database, for the whole night (see `RunLock`): a second one waits a little, then
        // says so, as it does for a transaction SQLite holds.
        let databaseLock = options.databasePath == ":memory:" ? nil
            : try lockDatabase(options.databasePath, hint: "wait for the other run to finish, or check for a stuck process")
        let databaseIsNew = !FileManager.default.fileExists(atPath: options.databasePath)
        let database = try AppDatabase(path: options.databasePath)
        if let note = upgradeNote(database) { diagnostics.report(note) }
        do {
            // And one run at a time in a reports folder (two databases may share one), before anything is imported.
            let reportsLock = try lockReports(options.outputDirectory)
            var night = Night(options: options, asOf: asOf, config: config, catalog: catalog, vocabulary: vocabulary, traditional: traditional,
                              skipMail: skipMail, database: database, databaseIsNew: databaseIsNew, locks: [databaseLock, reportsLock],
                              diagnostics: diagnostics, progress: progress)
            try checkHistory(&night)
            return night
        } catch {
            if databaseIsNew { database.removeFiles() }
            throw error
        }
    }

    /// What the database and the reports folder say of the nights around this one: nights published but not stored,
    /// mail the outboxes say was sent, a pruned night before it, a `--resend` naming no message, a clock set back,
    /// nights run after it, a later night mailed already.
    private static func checkHistory(_ night: inout Night) throws {
        let (options, asOf, database, diagnostics) = (night.options, night.asOf, night.database, night.diagnostics)
        warnOfUnfinishedReports(in: options.outputDirectory, besides: asOf, diagnostics)
        try warnOfNightsNotStored(in: options.outputDirectory, database: database, diagnostics)
        // What the night folders' outboxes say was mailed and the database does not know (restored from an older copy,
        // or new): taken into the ledger before anything is mailed.
        try DeliveryJournal.adopt(from: options.outputDirectory, asOf: asOf, into: database)
        if let pruned = try database.prunedHistory(before: asOf) {
            let ranBefore = FileManager.default.fileExists(atPath: night.published)
            throw ZichaError(.usage, "the night \(asOf) cannot be run\(ranBefore ? " again" : ""): the night before it, \(pruned), was "
                + "pruned, so its days outstanding and new or persisting findings would restart from nothing (and later nights run "
                + "again would inherit that)",
                at: SourceLocation(file: options.databasePath),
                hint: (ranBefore ? "its reports folder is kept as it was; " : "")
                    + "a night runs while the night before it is kept (`zicha prune --keep-nights N` keeps the latest N)")
        }
        // A --resend address must name a message of this night whose fate is unknown: a typo would else resend nothing.
        if !options.resend.isEmpty {
            try CounselorMailer.checkResend(options.resend, asOf: asOf, database: database,
                                            outbox: URL(fileURLWithPath: night.published + "/outbox"), diagnostics: diagnostics)
        }
        // A night cron missed, run late: the nights after it were counted without it. The next new night counts through
        // it (`ReconcileSession.recountStreaks`); their own reports stay as written unless they are run again.
        let later = try database.laterNights(after: asOf)
        // Today by the clock, before two or more stored nights: the clock was set back (a month behind, the audit's case,
        // stored a night of that date and counted a month more outstanding on every night after it; a few days behind
        // ran a stored night again with tonight's files, and mailed nobody). One night ahead is a typo's (a night run with
        // --as-of after its day), or the clock a day behind, and runs on.
        if options.asOf == nil, later.count >= 2 {
            throw ZichaError(.usage, "today is \(asOf) by this computer's clock (Asia/Shanghai), and the database already holds "
                + "\(later.count) nights after it (\(later.first!) … \(later.last!)): the clock is probably wrong, and nothing was run",
                at: SourceLocation(file: options.databasePath),
                hint: "set the clock right (timedatectl; an NTP service keeps it so); to run an earlier night on purpose, give its --as-of")
        }
        // A night long after the last one: a past --as-of mistyped on an earlier night (2023-10-07 for 2024-10-07), or a
        // new intake in the old season's database. Every unchecked student's days outstanding count through the gap
        // (found by an audit of dates: 366, 367… on every later night). Said, not refused: a break can be real.
        if later.isEmpty, let previous = try database.earlierNight(before: asOf), let before = EventTime.dayNumber(previous),
           let day = EventTime.dayNumber(asOf), day - before > Self.longGap {
            diagnostics.report(Diagnostic(.warning, "the last night in this database is \(previous), \(day - before) days before \(asOf): "
                + "days outstanding count through the gap", at: SourceLocation(file: options.databasePath),
                hint: "if a night's --as-of was mistyped, that night is stored under the wrong day (start the database afresh); "
                    + "a new intake (next year's students) takes a database and reports folder of its own (--db, --out)", evenWhenQuiet: true))
        }
        if let first = later.first {
            let shown = later.count > 3 ? "\(first) … \(later.last!)" : later.joined(separator: ", ")
            diagnostics.report(Diagnostic(.note, "the night(s) after \(asOf) were run before it (\(shown)): their reports stay as they were "
                + "written; the next new night counts days outstanding through \(asOf)",
                hint: "to bring a later night's reports up to date, run it again (the same command with its --as-of)"))
        }
        // Counselors mailed a later night's lists are not sent this earlier night's, older ones after them.
        if !night.skipMail, let later = try database.laterNightMailed(after: asOf) {
            diagnostics.report(Diagnostic(.warning, "the night \(later) was mailed already: the lists of \(asOf) are older and are "
                + "not mailed (its reports are written)", at: SourceLocation(file: options.databasePath), evenWhenQuiet: true))
            night.skipMail = true
        }
    }

    /// The night's files as imported, with what is needed to tell last night's exports given again.
    private struct ImportedNight {
        let files: [ImportedFile]
        /// Whether a run of this night imported files before this one (and stopped before its results, if none are stored).
        let importedEarlierTonight: Bool
        /// The last night before this one that imported a log.
        let lastLogNight: String?

        /// Whether every file came in before — its logs on the last night that had logs, a roster or counselor list as
        /// the latest one: last night's exports given again. (Not when a run of this night imported them and then
        /// stopped before its results, nor for a missed night run late with files that came in on a later night, nor
        /// for a status export like an older night's, whose states moved since.) A file already imported tonight can
        /// only be another --log of this run (no earlier run of the night imported).
        func isLastNightsAgain(asOf: String) -> Bool {
            !importedEarlierTonight && files.allSatisfy { file in
                if file.alreadyImported { return file.importedOn.map { $0 <= asOf } ?? false }
                return file.kind == .log && file.importedOn != nil && file.importedOn == lastLogNight  // a status export read again
            } && files.contains { $0.importedOn.map { $0 < asOf } ?? false }
        }
    }

    /// Imports every file of the night in one transaction; a first night that could not be imported leaves no empty
    /// database behind.
    private static func importFiles(_ night: Night) throws -> ImportedNight {
        let (database, asOf) = (night.database, night.asOf)
        do {
            let importedEarlierTonight = try database.hasImportedFiles(asOf: asOf)
            let lastLogNight = try database.latestLogNight(before: asOf)
            var importer = Importer(database: database, asOf: asOf, vocabulary: night.vocabulary, options: night.options.table,
                                    diagnostics: night.diagnostics, progress: night.progress)
            importer.acceptDepartures = night.options.acceptDepartures
            let files = try importer.run(night.options.inputs)
            if night.databaseIsNew, night.options.databasePath != ":memory:" {
                // Run from another directory, a relative --db would otherwise start over without a word.
                night.diagnostics.report(Diagnostic(.warning, "a new database was created for this night: "
                    + URL(fileURLWithPath: night.options.databasePath).standardizedFileURL.path,
                    hint: "expected on the first night only; if nights were run before, this run used another directory or --db "
                        + "(give --db and --out as absolute paths)", evenWhenQuiet: true))
            }
            return ImportedNight(files: files, importedEarlierTonight: importedEarlierTonight, lastLogNight: lastLogNight)
        } catch {
            if night.databaseIsNew { database.removeFiles() }
            throw error
        }
    }

    /// A night run again with the inputs of its last run, whose published reports say so: they are kept, and only
    /// mail is retried. Nil when the reports must be written again (missing, or from an earlier run).
    private static func reuseReports(_ night: Night, imported: [ImportedFile], inputsMark: String) throws -> NightlyResult? {
        let published = night.published
        guard (try? String(contentsOfFile: published + "/" + ReportFolder.inputsMark, encoding: .utf8)) == inputsMark,
              FileManager.default.fileExists(atPath: published + "/findings.json") else { return nil }
        night.diagnostics.report(Diagnostic(.note, "nothing changed since this night's last run; its reports are up to date",
                                            at: SourceLocation(file: published)))
        let reader = try NightReader(database: night.database, asOf: night.asOf)
        let summary = try reader.summary(deadline: night.config.deadline)
        var mail: MailOutcome?
        if !night.skipMail {
            let mailer = makeMailer(night, inputsMark: inputsMark)
            let outbox = URL(fileURLWithPath: published + "/outbox")
            try mailer.prepare()
            mail = try mailer.loadManifest(from: outbox)
                ? try mailer.deliver(from: outbox, diagnostics: night.diagnostics)
                : try mailer.run(lists: try CounselorLists.collect(from: reader), diagnostics: night.diagnostics)
        }
        return NightlyResult(asOf: night.asOf, imported: imported, totals: summary.totals, byCode: summary.findingsByCode,
                             setAsideRows: summary.setAsideRows, reportDirectory: published, mail: mail)
    }

    /// Reconciles the night (only the students its new rows touch, unless `--full` or too many) and says how.
    private static func reconcile(_ night: Night, fingerprint: String, nothingNew: Bool) throws {
        let (database, asOf, diagnostics) = (night.database, night.asOf, night.diagnostics)
        let reconciler = Reconciler(database: database, traditional: night.traditional, progress: night.progress)
        let outcome = try reconciler.run(asOf: asOf, inputs: fingerprint, incremental: !night.options.fullReconcile)
        StageClock.step("reconcile.commit")
        if let base = outcome.base, nothingNew {
            diagnostics.report(Diagnostic(.note, "no file came in since the night of \(base.asOf): every result carried over"))
        } else if let base = outcome.base {
            diagnostics.report(Diagnostic(.note, "only \(base.rosterChanged ? "logs and a roster" : "logs") came in since the night of "
                + "\(base.asOf): reconciled the \(counted(base.touchedIDs, "ID")) their new or changed rows name and carried the other results "
                + "over (--full reconciles everyone)"))
        } else if let touched = outcome.touchedIDsOfWholeNight {
            diagnostics.report(Diagnostic(.note, "the rows new since the latest night name \(touched) IDs, more than a fifth of the "
                + "students: reconciled everyone (sooner than one by one)"))
        }
        reportUnmatchedScopes(try database.counselorScopesMatchingNoStudent(asOf: asOf), diagnostics)
        reportClassRowsSpanningColleges(try database.classRowsSpanningColleges(asOf: asOf), diagnostics)
        StageClock.step("reconcile.scopes")
    }

    /// After a new counselor list: a warning, under cron too, when 20 or more students, and a tenth of the night's, lost
    /// the counselor address they had the night before — a list cut short, a college's rows missing — before their
    /// counselors are mailed that the students left their lists.
    private static func warnOfCounselorsLost(_ night: Night) throws {
        guard let (lost, students, since) = try night.database.studentsLosingCounselor(asOf: night.asOf),
              lost >= Importer.departuresChecked, lost * 10 >= students else { return }
        let file = night.options.inputs.counselors.map { SourceLocation(file: $0) }
        night.diagnostics.report(Diagnostic(.warning, "\(lost) of the night's \(students) students had a counselor's address on the "
            + "night of \(since) and have none under this counselor list: is it cut short (a college's or classes' rows missing)?",
            at: file, hint: "their counselors are told these students left their lists; if the list is incomplete, run the night again "
                + "with the whole list (or without --counselors, to keep the latest)", evenWhenQuiet: true))
    }

    /// Writes the night's reports into a temporary folder and publishes it, the counselors' messages composed into its
    /// outbox on the way. Returns the night's summary, the published folder and the mailer that delivers the outbox.
    private static func writeReports(_ night: Night, inputsMark: String) throws -> (NightSummary, String, CounselorMailer?) {
        let reader = try NightReader(database: night.database, asOf: night.asOf)
        let summary = try reader.summary(deadline: night.config.deadline)
        // The summary's counts filled the main connection's page cache (a million results, their findings);
        // the passes read on connections of their own, so it goes back before they start.
        night.database.releaseMemory()
        returnFreeMemory()
        // findings.json and the mail lists ride along the report writer's two passes over the night.
        let passes = SharedPasses(reader)
        // Mail settings are checked before anything is written; messages are composed into the outbox during the
        // report's pass by counselor, one list at a time, and published with the reports.
        let mailer = night.skipMail ? nil : makeMailer(night, inputsMark: inputsMark)
        try mailer?.prepare()
        let reportDirectory = try ReportFolder.publish(in: night.options.outputDirectory, asOf: night.asOf, keepOutbox: mailer == nil,
                                                       diagnostics: night.diagnostics) { folder in
            let findings = try FindingsJSON.Stream(summary: summary, path: folder + "/findings.json")
            let outbox = URL(fileURLWithPath: folder + "/outbox")
            // The pass by counselor (and so the composing) runs on a second thread: its warnings go through a lock.
            let mailDiagnostics = SerializedDiagnostics(night.diagnostics)
            var collector = mailer.map { mailer in
                CounselorLists.Collector { try mailer.compose($0, into: outbox, diagnostics: mailDiagnostics) }
            }
            passes.ride(order: .byCollegeClass) { try findings.add($0) }
            if collector != nil { passes.ride(order: .byCounselor) { try collector!.add($0) } }
            try RejectsCSV.write(reader, to: folder + "/rejects.csv")
            StageClock.step("report.summary")
            _ = try ReportWriter.write(summary: summary, students: passes, catalog: night.catalog, to: URL(fileURLWithPath: folder),
                                       options: ReportOptions(unmasked: night.options.unmasked))
            StageClock.step("report.passes")
            try passes.drain()
            try findings.finish()
            _ = try collector?.finish()
            try mailer?.composeClosings(into: outbox)
            try mailer?.writeManifest(into: outbox)
            let mark = try ReportFile(truncating: folder + "/" + ReportFolder.inputsMark)
            try mark.write(inputsMark)
            try mark.flush()
        }
        return (summary, reportDirectory, mailer)
    }

    /// How long a run waits for another holding its database or reports folder: SQLite's busy timeout.
    static let lockWait: TimeInterval = 5

    /// Takes the run lock of the database at `path` (`<path>.lock` beside the file it names, symbolic links followed),
    /// or says it is in use, with `hint`.
    static func lockDatabase(_ path: String, hint: String) throws -> RunLock? {
        try AppDatabase.checkPathLength(path)  // before the lock file is made beside it
        return try RunLock.take(PathText.resolvingLinks(path) + ".lock", wait: lockWait,
            error: ZichaError(.database, "the database is in use by another zicha run", at: SourceLocation(file: path), hint: hint))
    }

    /// Checks, before anything is imported, that this account may write the database (and its folder, where SQLite
    /// keeps its journal) and the reports folder: found at the end, the night was stored but not published, and
    /// SQLite's "unable to open database file" named neither the file nor the account.
    /// The night's existing reports folder too: publishing replaces it, which needs each of its folders writable
    /// (one left by a run as root stopped every later run of the night at publishing, after the night was stored).
    private static func checkWritable(database: String, reports: String, night: String) throws {
        guard database != ":memory:" else { return }
        let user = Account.current
        // The working folder by its name: "(. is not writable)" told cron's user nothing (found by an audit)
        func parent(_ path: String) -> String { let p = PathText.parent(path); return p.isEmpty ? FileManager.default.currentDirectoryPath : p }
        /// The path itself when it exists, else the nearest folder above it that does (where it would be made).
        func existing(_ path: String) -> String {
            var p = path
            while p != "." && p != "/" && !FileManager.default.fileExists(atPath: p) { p = parent(p) }
            return p
        }
        func refuse(_ what: String, _ path: String, _ denied: String) -> ZichaError {
            if PathText.isOnReadOnlyFileSystem(denied) {
                return ZichaError(.output, "\(what) cannot be written: \(denied) is on a read-only file system", at: SourceLocation(file: path),
                                  hint: "mount that file system read-write (a disk remounted read-only after errors needs checking first), "
                                      + "or give a path on another one")
            }
            return ZichaError(.output, "\(what) cannot be written by \(user)" + (denied == path ? "" : " (\(denied) is not writable)"),
                              at: SourceLocation(file: path), hint: "give that account write access, or run zicha as the account that owns it")
        }
        // A symbolic link on the path that leads nowhere (dangling, or in a loop) made "A file with the same name already
        // exists" — after the night was stored — or "unable to open database file" (found by an audit). A dangling --db
        // link itself is left to SQLite, which makes its target (its folder checked when the database is opened).
        for (what, path) in [("the database", database), ("the reports folder", reports)] {
            guard let broken = PathText.brokenLink(on: path), broken.loop || what != "the database" || broken.link != path else { continue }
            let named = broken.link == path ? what : "\(broken.link), a folder of the path to \(what),"
            if broken.loop {
                throw ZichaError(.output, "\(named) is a symbolic link that leads back to itself (a loop, through \(broken.target))",
                                 at: SourceLocation(file: path), hint: "point the link at a real \(broken.link == path && what == "the database" ? "file" : "folder"), "
                                     + "or give another path")
            }
            throw ZichaError(.output, "\(named) is a symbolic link to \(broken.target), which does not exist", at: SourceLocation(file: path),
                             hint: "create that folder (mkdir -p), or point the link or the path at an existing one")
        }
        let folder = existing(parent(database))
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue, access(folder, W_OK | X_OK) != 0 {
            throw refuse("the database", database, folder)
        }
        if FileManager.default.fileExists(atPath: database), access(database, R_OK | W_OK) != 0 { throw refuse("the database", database, database) }
        let reportsFolder = existing(reports)
        if FileManager.default.fileExists(atPath: reportsFolder, isDirectory: &isFolder), !isFolder.boolValue {
            throw ZichaError(.output, "the reports folder cannot be made: \(reportsFolder) is a file", at: SourceLocation(file: reports),
                             hint: "give --out a folder (made if missing), not a file")
        }
        if FileManager.default.fileExists(atPath: reportsFolder, isDirectory: &isFolder), isFolder.boolValue,
           access(reportsFolder, W_OK | X_OK) != 0 {
            throw refuse("the reports folder", reports, reportsFolder)
        }
        for kept in [reports + "/" + night, reports + "/." + night + ".old"] {
            if let closed = firstClosedFolder(in: kept) { throw refuse("the night's reports folder", kept, closed) }
        }
    }

    /// The first folder at or under `path` (an existing tree) whose entries this account cannot remove.
    private static func firstClosedFolder(in path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }  // links are removed, not entered
        if access(path, W_OK | X_OK) != 0 { return path }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return path }
        for name in names {
            if let closed = firstClosedFolder(in: path + "/" + name) { return closed }
        }
        return nil
    }

    /// A run stopped (killed, the machine down) while writing a night's reports leaves that night stored but its
    /// folder unpublished (`ReportFolder.publish`: `.<night>.partial`) and its lists not mailed. Said where cron shows it,
    /// each night until that night is run again (which also removes the partial folder: personal data).
    private static func warnOfUnfinishedReports(in root: String, besides asOf: String, _ diagnostics: DiagnosticSink) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names.sorted() where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let night = String(name.dropFirst().dropLast(".partial".count))
            guard night != asOf, EventTime.dayNumber(night) != nil else { continue }
            diagnostics.report(Diagnostic(.warning, "the reports of the night of \(night) were not finished: a run stopped while "
                + "writing them, so that night's reports are not published and its lists not mailed",
                at: SourceLocation(file: root + "/" + name),
                hint: "run that night again (zicha nightly … --as-of \(night), with its files): it writes its reports, mails, "
                    + "and removes this folder", evenWhenQuiet: true))
        }
    }

    /// Warns, under `--quiet` too, when the reports folder holds published nights after the database's latest: the
    /// database was restored from an older copy, or is new beside an old folder (found by an audit: nothing was said,
    /// days outstanding restarted, and every counselor of those nights was mailed again when they were run again).
    private static func warnOfNightsNotStored(in root: String, database: AppDatabase, _ diagnostics: DiagnosticSink) throws {
        let latest = try database.latestStoredNight()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let published = names.filter { name in
            name.count == 10 && EventTime.dayNumber(name) != nil && name > (latest ?? "")
                && FileManager.default.fileExists(atPath: root + "/" + name + "/" + ReportFolder.inputsMark)
        }.sorted()
        guard let first = published.first, let last = published.last else { return }
        let shown = published.count > 3 ? "\(first) … \(last)" : published.joined(separator: ", ")
        let nights = counted(published.count, "night")
        if let latest {
            diagnostics.report(Diagnostic(.warning, "the reports folder holds \(nights) after this database's latest, \(latest): \(shown); "
                + "the database was restored from an older copy, or is not the one those nights used",
                at: SourceLocation(file: root),
                hint: "nobody is mailed twice for those nights (each night's outbox records what went); to count days outstanding and new or "
                    + "resolved findings through them, run them again in date order, each with its own files and --as-of, before the next "
                    + "night — or give the --db they used", evenWhenQuiet: true))
        } else {
            diagnostics.report(Diagnostic(.warning, "this database has no night yet, and the reports folder holds \(nights) written before: "
                + "\(shown); days outstanding and new findings start over from this night",
                at: SourceLocation(file: root),
                hint: "if the database was lost, stop here and restore it from a backup (then run the nights since); to start over on "
                    + "purpose, give the new database its own --out. Nobody is mailed twice for a night either way", evenWhenQuiet: true))
        }
    }

    /// Creates the reports folder (0700) and takes its run lock; nil when it cannot be made (publishing says why).
    private static func lockReports(_ root: String) throws -> RunLock? {
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try RunLock.take(root, folder: true, wait: lockWait,
            error: ZichaError(.output, "the reports folder is in use by another zicha run", at: SourceLocation(file: root),
                              hint: "wait for the other run to finish, or give each database its own --out folder"))
    }

    /// Warns of the counselor list's classes and colleges that name no student tonight (the first ten, then a count):
    /// otherwise all the admin sees is NO_COUNSELOR findings, without where the list and the roster part.
    private static func reportUnmatchedScopes(_ scopes: [UnmatchedScope], _ diagnostics: DiagnosticSink) {
        for scope in scopes.prefix(10) {
            let what = scope.kind == "class" ? "班级" : "学院"
            let named = scope.college.isEmpty ? scope.scope : "\(scope.scope) of \(scope.college)"
            diagnostics.report(Diagnostic(.warning, "\(what) \(named) names no \(scope.kind) of tonight's roster: this row gives nobody a counselor",
                                          at: scope.location,
                                          hint: scope.rosterSpelling.map { "the roster writes it \($0)" }))
        }
        if scopes.count > 10 {
            diagnostics.report(Diagnostic(.warning, "\(scopes.count - 10) more rows of the counselor list name no class or college of tonight's roster"))
        }
    }

    /// Warns, under `--quiet` too, of the counselor list's rows naming a class without its college when tonight's roster
    /// has that class in several colleges (the first ten, then a count): each such counselor gets every college's class.
    private static func reportClassRowsSpanningColleges(_ rows: [(scope: UnmatchedScope, counselor: String, colleges: [String])],
                                                        _ diagnostics: DiagnosticSink) {
        for row in rows.prefix(10) {
            let shown = row.colleges.prefix(4).joined(separator: ", ") + (row.colleges.count > 4 ? " …" : "")
            diagnostics.report(Diagnostic(.warning, "班级 \(row.scope.scope) is given without its 学院, and tonight's roster has a class "
                + "\(row.scope.scope) in \(row.colleges.count) colleges (\(shown)): \(row.counselor.isEmpty ? "this row's counselor" : row.counselor) "
                + "gets the students of each, over a college's own row", at: row.scope.location,
                hint: "give the row its 学院 (one row per college's class), so that each college's students go to their own counselor",
                evenWhenQuiet: true))
        }
        if rows.count > 10 {
            diagnostics.report(Diagnostic(.warning, "\(rows.count - 10) more rows of the counselor list name a class of several colleges "
                + "without its 学院", evenWhenQuiet: true))
        }
    }

    private static func makeMailer(_ night: Night, inputsMark: String) -> CounselorMailer {
        let mailer = CounselorMailer(settings: night.config.mail, environment: ProcessInfo.processInfo.environment, database: night.database,
                                     catalog: night.catalog, asOf: night.asOf, deadline: night.config.deadline,
                                     outbox: URL(fileURLWithPath: night.published + "/outbox"))
        mailer.resend = Set(night.options.resend.map(CounselorMailer.resendKey))
        mailer.composedFrom = inputsMark.trimmingCharacters(in: .whitespacesAndNewlines)
        return mailer
    }

    /// The settings that shape a night's results and reports (not the mail settings: mail is always retried).
    static func settingsKey(_ options: NightlyOptions, catalog: RemedyCatalog) -> String {
        var c = options.configuration
        c.mail = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let config = (try? encoder.encode(c)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        // The catalog's ids and texts: a reworded remedy changes the reports.
        let remedies = SHA256.hex(Array(catalog.order.map { "\($0)\u{0}\(catalog[$0]?.text ?? "")\u{0}" }.joined().utf8))
        return "zicha \(zichaVersion()) \(buildIdentity); unmasked \(options.unmasked); remedies \(remedies); \(config)"
    }

    /// The running executable's size and modification time: a night computed by another build is not trusted to
    /// stand for this one's (results carried over by an incremental night, or an unchanged night left as it is),
    /// since the version number does not change with every change of the rules. Empty when the file is unknown.
    static let buildIdentity: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "" }
        return "build \(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()
}

/// Hands the heap's free pages back to the system between stages, so the next stage's peak does not sit on top of
/// what the last one freed. The process allocates with jemalloc (Package.swift): `arena.<all>.purge`.
func returnFreeMemory() {
    _ = mallctl("arena.\(MALLCTL_ARENAS_ALL).purge", nil, nil, nil, 0)
}
