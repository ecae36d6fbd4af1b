import GRDB

/// Reads a reconciled night back for the reports: the summary, and the students streamed in order.
/// Passes may run at the same time from two threads: each reads on its own connection.
public final class NightReader: FollowupSource, @unchecked Sendable {
    let database: AppDatabase
    public let asOf: String
    let runID: Int64
    /// Lists of at most this many elements are held in memory (`heldOrListed`).
    let heldLimit: Int

    /// Opens the stored night `asOf`; throws when that night was never reconciled. `heldLimit`: lists of at most this
    /// many elements are read once and held (20,000 resolved findings are about 2 MB); longer ones are read from the
    /// store each time a report writes them.
    public init(database: AppDatabase, asOf: String, heldLimit: Int = 20_000) throws {
        self.database = database
        self.asOf = asOf
        self.heldLimit = heldLimit
        guard let id = try database.writer.read({ try Int64.fetchOne($0, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [asOf]) }) else {
            throw ZichaError(.database, "no reconciled night \(asOf) in the database", at: SourceLocation(file: database.path))
        }
        runID = id
    }

    public func forEachStudent(order: FollowupOrder, _ body: (FollowupRow) throws -> Void) throws {
        let filter: String, orderBy: String
        switch order {
        case .byCollegeClass:
            filter = ""
            orderBy = "s.college, s.class, s.ksh"
        case .byCounselor:
            filter = "AND r.state <> 'checked'"
            orderBy = "r.counselor_email = '', lower(r.counselor_email), r.counselor_email, r.counselor, s.college, s.class, s.ksh"
        }
        try database.readAlongside { db in
            // One pass: students joined with their findings, consecutive rows of one student folded together.
            let rows = try SQLiteRows(db, sql: """
                SELECT s.college, s.class, s.major, r.counselor, r.counselor_email, s.ksh, s.xh, s.name, s.id_norm,
                       CASE WHEN s.phone_valid THEN s.phone_norm ELSE s.phone_raw END, r.state,
                       CASE WHEN r.outstanding_since IS NULL THEN 0 ELSE CAST(julianday(?1) - julianday(r.outstanding_since) AS INTEGER) END,
                       f.code, f.detail, f.remedies, f.change
                FROM student_result r JOIN student s ON s.id = r.student_id
                LEFT JOIN finding f ON f.run_id = r.run_id AND f.student_id = r.student_id
                WHERE r.run_id = ?2 \(filter) ORDER BY \(orderBy)
                """, arguments: [asOf, runID])
            var current: FollowupRow? = nil
            var college = "", className = "", major = "", counselor = "", email = ""  // repeated by consecutive students
            var states = ColumnDecoder { CheckState(rawValue: $0) ?? .unchecked }
            var codes = ColumnDecoder { FindingCode(rawValue: $0) }
            var remedies = ColumnDecoder { $0.split(separator: " ").map(String.init) }
            var changes = ColumnDecoder { FindingChange(rawValue: $0) ?? .new }
            while try rows.next() {
                let ksh = rows.text(5)
                if current?.ksh != ksh {
                    if var done = current { done.findings.sort { $0.code < $1.code }; try body(done) }
                    current = FollowupRow(college: rows.text(0, sameAs: &college), className: rows.text(1, sameAs: &className),
                                          major: rows.text(2, sameAs: &major), counselor: rows.text(3, sameAs: &counselor),
                                          counselorEmail: rows.text(4, sameAs: &email), ksh: ksh, xh: rows.text(6), name: rows.text(7), idNumber: rows.text(8),
                                          phone: rows.text(9), state: states.value(rows, 10),
                                          daysOutstanding: rows.int(11), findings: [])
                }
                if !rows.isNull(12), let code = codes.value(rows, 12) {  // NULL: a student without findings
                    current!.findings.append(FindingLine(code: code, detail: rows.text(13), remedies: remedies.value(rows, 14),
                                                         change: changes.value(rows, 15)))
                }
            }
            if var done = current { done.findings.sort { $0.code < $1.code }; try body(done) }
        }
    }

    /// Totals, progress per college and class, trend, changes since the previous night, unmatched IDs.
    public func summary(deadline: String?) throws -> NightSummary {
        try database.writer.read { db in
            let run = try Row.fetchOne(db, sql: "SELECT students, checked, unchecked, disputed FROM run WHERE id = ?", arguments: [runID])!
            let totals = NightTotals(students: run[0], checked: run[1], unchecked: run[2], disputed: run[3])
            let colleges = try Row.fetchAll(db, sql: """
                SELECT college, sum(students), sum(checked), sum(disputed) FROM class_progress WHERE run_id = ?
                GROUP BY college ORDER BY college
                """, arguments: [runID]).map {
                GroupProgress(college: $0[0], className: "", students: $0[1], checked: $0[2], disputed: $0[3])
            }
            let classCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM class_progress WHERE run_id = ?", arguments: [runID]) ?? 0
            let trend = try Row.fetchAll(db, sql: "SELECT as_of, students, checked FROM run WHERE as_of <= ? ORDER BY as_of", arguments: [asOf]).map {
                TrendPoint(asOf: $0[0], students: $0[1], checked: $0[2])
            }
            let previous = try Row.fetchOne(db, sql: "SELECT id, as_of FROM run WHERE as_of < ? AND inputs <> ? ORDER BY as_of DESC LIMIT 1",
                                           arguments: [asOf, AppDatabase.prunedInputs])
            let prevID: Int64? = previous?[0]
            // The lists themselves are read when a report writes them (see `list`), or held (`heldOrListed`).
            // A finding that grew into a worse one is not resolved: two name mismatches that became three are
            // RECOVERY_BLOCKED tonight, an ID taken that a later attempt says the conscription office took is
            // ID_TAKEN_CONSCRIPTION (`FindingCode.escalation`).
            let escalations = FindingCode.allCases.compactMap { code in code.escalation.map { "('\(code.rawValue)','\($0.rawValue)')" } }
            let resolvedSQL = """
                WITH escalation(code, worse) AS (VALUES \(escalations.joined(separator: ",")))
                SELECT p.subject, s.name, p.code FROM finding p JOIN student_result r ON r.run_id = ?1 AND r.student_id = p.student_id
                JOIN student s ON s.id = p.student_id
                WHERE p.run_id = ?2 AND p.student_id <> 0 AND NOT EXISTS (SELECT 1 FROM finding c WHERE c.run_id = ?1
                  AND c.student_id = p.student_id AND c.subject = p.subject AND c.code = p.code)
                  AND NOT EXISTS (SELECT 1 FROM escalation e JOIN finding c ON c.run_id = ?1 AND c.student_id = p.student_id
                  AND c.code = e.worse WHERE e.code = p.code)
                ORDER BY p.subject, p.code
                """
            var byCode: [FindingCode: Int] = [:]
            var newCount = 0
            for r in try Row.fetchAll(db, sql: "SELECT code, count(*), sum(change = 'new') FROM finding WHERE run_id = ? GROUP BY code", arguments: [runID]) {
                if let code = FindingCode(rawValue: r[0]) { byCode[code] = r[1] }
                newCount += r[2] as Int
            }
            let unmatchedCount = byCode[.notOnRoster] ?? 0
            var summary = NightSummary(asOf: asOf, totals: totals, colleges: colleges, trend: trend, previousAsOf: previous?[1],
                                       newFindings: newCount, findingsByCode: byCode, deadline: deadline)
            summary.setAside = try setAsideCounts(db)
            summary.classes = list(count: classCount, sql: """
                SELECT college, class, students, checked, disputed FROM class_progress WHERE run_id = ? ORDER BY college, class
                """, arguments: [runID]) {
                GroupProgress(college: $0[0], className: $0[1], students: $0[2], checked: $0[3], disputed: $0[4])
            }
            summary.unmatched = list(count: unmatchedCount, sql: """
                SELECT subject, detail FROM finding WHERE run_id = ? AND student_id = 0 AND code = 'NOT_ON_ROSTER' ORDER BY subject
                """, arguments: [runID]) { r in
                let detail: String = r[1]
                let name = Text.field(detail, after: "姓名: ") ?? ""
                let count = Int(Text.field(detail, after: "记录数: ") ?? "") ?? 0
                return UnmatchedID(id: r[0], name: name, events: count, detail: detail)
            }
            if let prevID {
                summary.resolved = try heldOrListed(sql: resolvedSQL, arguments: [runID, prevID], db) { r in
                    FindingCode(rawValue: r[2]).map { ResolvedFinding(ksh: r[0], name: r[1], code: $0) }
                }
            }
            return summary
        }
    }

    /// The query's elements, read once and held when there are at most `heldLimit` of them; else counted, and read
    /// from the store each time a report writes them (`list`). The findings resolved since the previous night are such
    /// a list: a few thousand on a usual night, but their query reads all of that night's findings (0.2 s at 1M), and
    /// it ran three times (the count, findings.json, summary.html).
    private func heldOrListed<Element>(sql: String, arguments: StatementArguments, _ db: Database,
                                       _ element: @escaping @Sendable (Row) -> Element?) throws -> NightList<Element> {
        var held: [Element] = [], rows = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM (\(sql)) LIMIT ?", arguments: arguments + [heldLimit + 1])
        while let r = try cursor.next() {
            rows += 1
            if let e = element(r) { held.append(e) }
        }
        if rows <= heldLimit { return NightList(held) }
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql))", arguments: arguments) ?? 0
        return list(count: count, sql: sql, arguments: arguments, element)
    }

    /// A list read from the store on demand, in the query's order (a cursor: one row in memory at a time).
    private func list<Element>(count: Int, sql: String, arguments: StatementArguments,
                               _ element: @escaping @Sendable (Row) -> Element?) -> NightList<Element> {
        let database = database
        return NightList(count: count) { limit, body in
            try database.writer.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM (\(sql)) LIMIT ?", arguments: arguments + [limit ?? -1])
                while let r = try rows.next() { if let e = element(r) { try body(e) } }
            }
        }
    }

    /// The files whose set-aside rows the night's numbers lack: the roster and counselor list it reads (the latest,
    /// imported tonight or on an earlier night: their missing rows are still missing), and the logs imported tonight —
    /// less a log imported again tonight under the same name (corrected, and the night run again).
    private static let nightFiles = """
        ((f.kind <> 'log' AND f.id = (SELECT max(g.id) FROM import_file g WHERE g.kind = f.kind AND g.as_of <= ?1))
         OR (f.kind = 'log' AND f.as_of = ?1 AND NOT EXISTS (SELECT 1 FROM import_file g WHERE g.kind = 'log' AND g.as_of = ?1
                                                             AND g.id > f.id AND (g.name = f.name OR g.sha256 = f.sha256))))
        """

    /// Calls `body` with each row set aside from the night's files (`nightFiles`), in file and line order, one at a
    /// time (a log refused row by row holds a million of them).
    public func forEachReject(_ body: (_ file: String, _ location: String, _ reason: String, _ cells: String) throws -> Void) throws {
        try database.writer.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT f.name, j.location, j.reason, j.raw FROM reject j JOIN import_file f ON f.id = j.file_id
                WHERE \(Self.nightFiles) ORDER BY f.id, j.line
                """, arguments: [asOf])
            while let r = try rows.next() { try body(r[0], r[1], r[2], r[3]) }
        }
    }

    /// The night's files (`nightFiles`) that had rows set aside, in import order, with how many.
    func setAsideCounts(_ db: Database) throws -> [(file: String, rows: Int)] {
        try Row.fetchAll(db, sql: """
            SELECT f.name, f.rows_rejected FROM import_file f WHERE \(Self.nightFiles) AND f.rows_rejected > 0 ORDER BY f.id
            """, arguments: [asOf]).map { ($0[0], $0[1]) }
    }
}
