import Foundation
import GRDB

/// The store's side of one night's reconciliation, inside one write transaction: reads the roster and
/// the log in ID order (a merge join, so memory stays flat) and records each verdict.
public final class ReconcileSession {
    let db: Database
    /// Where the roster and log are read from: a connection of their own, on a second thread.
    let database: AppDatabase
    public let asOf: String
    /// The end of the night's day: events dated from then on count from a later night.
    var nightEnd: Int64 { EventTime.endOfDay(asOf) }
    /// The latest night before this one, if any.
    public let previous: (id: Int64, asOf: String)?
    /// Set when only logs and rosters came in since the latest night: then only the IDs their new or changed rows
    /// name are reconciled (`temp.touched`, the students holding them `temp.redone`), and every other result is
    /// carried over from that night.
    public let base: ReconcileBase?
    /// Set when the night could have been incremental but its new rows named too many IDs (see `init`): how many.
    public private(set) var touchedIDsOfWholeNight: Int?
    private var insertResult: FastStatement?
    private var insertFinding: FastStatement?
    /// Students, checked and disputed per college and class, stored by `finish`.
    var classProgress = ClassCounts()

    /// Touched IDs below which a night is always reconciled incrementally (see `init`).
    static let fullNightFloor = 10_000

    init(db: Database, database: AppDatabase, asOf: String, inputs: String, incremental: Bool) throws {
        self.db = db
        self.database = database
        self.asOf = asOf
        Self.addID18Function(db)
        // Verdicts arrive in ID order; they are staged in append-only temporary tables and moved into the
        // tables keyed by the student's row id in key order at the end: sorted appends instead of a million random
        // B-tree inserts.
        // The main database is not touched before `finish`: the join reads it on another connection meanwhile,
        // and a writer holding changed pages of it would have to wait for that reader to spill them.
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.result_stage;
            DROP TABLE IF EXISTS temp.finding_stage;
            CREATE TEMP TABLE result_stage (student_id INTEGER, ksh TEXT, state TEXT, outstanding_since TEXT, counselor TEXT, counselor_email TEXT);
            CREATE TEMP TABLE finding_stage (student_id INTEGER, subject TEXT, code TEXT, detail TEXT, remedies TEXT);
            """)
        if let row = try Row.fetchOne(db, sql: "SELECT id, as_of FROM run WHERE as_of < ? AND inputs <> ? ORDER BY as_of DESC LIMIT 1",
                                           arguments: [asOf, AppDatabase.prunedInputs]) {
            previous = (row[0], row[1])
        } else {
            previous = nil
        }
        guard incremental, var base = try Self.findBase(db, asOf: asOf, inputs: inputs) else {
            base = nil
            return
        }
        // Every ID a new log row names; a legacy 15-digit one under both 18-digit forms it may stand for.
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.touched;
            DROP TABLE IF EXISTS temp.redone;
            CREATE TEMP TABLE touched (id TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TEMP TABLE redone (id INTEGER PRIMARY KEY);
            """)
        try db.execute(sql: "INSERT OR IGNORE INTO temp.touched SELECT id_norm FROM event WHERE file_id > ? AND NOT is15",
                       arguments: [base.lastFile])
        for century in [19, 20] {
            try db.execute(sql: """
                INSERT OR IGNORE INTO temp.touched SELECT id FROM (SELECT zicha_id18(id_norm, ?) AS id FROM event WHERE file_id > ? AND is15)
                WHERE id IS NOT NULL
                """, arguments: [century, base.lastFile])
        }
        // And every ID of an event stored before, dated after the base night's end: it counts from tonight. Only logs
        // holding such events are read (`import_file.last_ts`), through the event table's key.
        if base.asOf < asOf {
            let dated = """
                FROM event WHERE file_id IN (SELECT id FROM import_file WHERE kind = 'log' AND id <= ?1 AND last_ts >= ?2)
                AND ts >= ?2 AND ts < ?3
                """
            let arguments: StatementArguments = [base.lastFile, EventTime.endOfDay(base.asOf), EventTime.endOfDay(asOf)]
            try db.execute(sql: "INSERT OR IGNORE INTO temp.touched SELECT id_norm \(dated) AND NOT is15", arguments: arguments)
            for century in [19, 20] {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO temp.touched SELECT id FROM (SELECT zicha_id18(id_norm, \(century)) AS id \(dated) AND is15)
                    WHERE id IS NOT NULL
                    """, arguments: arguments)
            }
        }
        if base.rosterChanged { try Self.touchRevisedStudents(db, since: base.lastFile) }
        base.touchedIDs = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.touched") ?? 0
        // Each touched ID is read through the indexes, one at a time, on one core (≈ 60 µs each at 1M), while a full
        // reconcile sorts and joins everything on two (13 s at 1M): with every ID touched, 62 s against 13 s; with
        // 125,000, 8.9 s against 13.2 s. Past a fifth of the students, the whole night costs less; the results are
        // the same either way. (Under 10,000 IDs it hardly matters, and small rosters keep the incremental path.)
        if base.touchedIDs >= Self.fullNightFloor,
           base.touchedIDs * 5 > (try Int.fetchOne(db, sql: "SELECT count(*) FROM student") ?? 0) {
            self.base = nil
            touchedIDsOfWholeNight = base.touchedIDs
            return
        }
        try db.execute(sql: "INSERT INTO temp.redone SELECT s.id FROM temp.touched t CROSS JOIN student s ON s.id_norm = t.id")
        self.base = base
    }

    /// Students sharing a normalized ID, and valid mobiles shared by 2+ students (present students only); when
    /// reconciling incrementally, only the groups of the students whose IDs are touched.
    public func sharedValues() throws -> (ids: [String: [Classmate]], phones: [String: [Classmate]]) {
        var ids: [String: [Classmate]] = [:], phones: [String: [Classmate]] = [:]
        // Candidates from the ID index alone (no row lookups); students who left are dropped after, with the
        // groups that leave a single present student.
        let idGroups = base == nil ? "SELECT id_norm FROM student GROUP BY id_norm HAVING count(*) > 1" : "SELECT id FROM temp.touched"
        let idRows = try Row.fetchCursor(db, sql: """
            SELECT id_norm, ksh, name FROM student WHERE left_on IS NULL AND id_norm IN (\(idGroups)) ORDER BY id_norm, ksh
            """)
        while let r = try idRows.next() { ids[r[0], default: []].append(Classmate(ksh: r[1], name: r[2])) }
        ids = ids.filter { $0.value.count > 1 }
        if let base {
            let phoneRows: RowCursor
            if !base.rosterChanged {
                // The roster is as it was for the base night, so its shared phones are exactly those its DUPLICATE_PHONE
                // findings name — looked up instead of scanning the roster.
                phoneRows = try Row.fetchCursor(db, sql: """
                    SELECT s.phone_norm, s.ksh, s.name FROM finding f CROSS JOIN student s ON s.id = f.student_id
                    WHERE f.run_id = ? AND f.code = 'DUPLICATE_PHONE' AND s.phone_norm IN
                      (SELECT phone_norm FROM student WHERE left_on IS NULL AND phone_valid AND id_norm IN (SELECT id FROM temp.touched))
                    ORDER BY s.phone_norm, s.ksh
                    """, arguments: [base.runID])
            } else {
                phoneRows = try Row.fetchCursor(db, sql: """
                    SELECT phone_norm, ksh, name FROM student WHERE left_on IS NULL AND phone_valid AND phone_norm IN
                      (SELECT phone_norm FROM student WHERE left_on IS NULL AND phone_valid AND id_norm IN (SELECT id FROM temp.touched))
                    ORDER BY phone_norm, ksh
                    """)
            }
            while let r = try phoneRows.next() { phones[r[0], default: []].append(Classmate(ksh: r[1], name: r[2])) }
            phones = phones.filter { $0.value.count > 1 }
        } else {
            phones = try Self.sharedPhones(db)
        }
        return (ids, phones)
    }

    /// A full night's shared phones: every valid phone, present or left, read once in phone order (the table scanned
    /// and sorted: `student_by_phone`, where a changed roster made it, would fetch every row at random), and each run of one
    /// phone kept when it holds two or more present students. (Grouping first and then picking the rows of the phones
    /// that came twice scanned the table twice and looked each row's phone up among the groups: 1.3–1.6 s in `sqlite3` at 1M
    /// against 0.7–0.8 s.)
    private static func sharedPhones(_ db: Database) throws -> [String: [Classmate]] {
        let rows = try SQLiteRows(db, sql: """
            SELECT phone_norm, ksh, name, left_on IS NULL FROM student NOT INDEXED WHERE phone_valid ORDER BY phone_norm, ksh
            """)
        var phones: [String: [Classmate]] = [:]
        var phone = "", present: [Classmate] = []
        func close() { if present.count > 1 { phones[phone] = present } }
        while try rows.next() {
            let next = rows.bytes(0)
            if !phone.withBytes({ SQLiteRows.equal($0, next) }) {
                close()
                phone = String(decoding: next, as: UTF8.self)
                present.removeAll(keepingCapacity: true)
            }
            if rows.bool(3) { present.append(Classmate(ksh: rows.text(1), name: rows.text(2))) }
        }
        close()
        return phones
    }

    /// Records a present student's verdict, and counts it for their college and class. `storeID` is the student's
    /// row id (`student.id`): results and findings are kept in its order, the roster's storage order, which the
    /// reports read them in.
    public func record(_ facts: StudentFacts, storeID: Int64, verdict: Verdict) throws {
        let ksh = facts.ksh
        classProgress.count(college: facts.college, className: facts.className, state: verdict.state)
        if insertResult == nil {
            insertResult = try FastStatement(db, sql: """
                INSERT INTO temp.result_stage (student_id, ksh, state, outstanding_since, counselor, counselor_email) VALUES (?, ?, ?, ?, ?, ?)
                """)
        }
        let st = insertResult!
        st.bind(1, storeID); st.bind(2, ksh); st.bind(3, verdict.state.rawValue); st.bind(4, verdict.state == .checked ? nil : asOf)
        st.bind(5, verdict.assignment.counselor); st.bind(6, verdict.assignment.email)
        try st.execute(db)
        for f in verdict.findings {
            try recordFinding(storeID: storeID, subject: ksh, code: f.code, detail: f.detail, remedies: f.remedies)
        }
    }

    /// Records a finding; the subject is a 考生号, or the ID for NOT_ON_ROSTER (whose `storeID` is 0: no student).
    public func recordFinding(storeID: Int64 = 0, subject: String, code: FindingCode, detail: String, remedies: [String]) throws {
        if insertFinding == nil {
            insertFinding = try FastStatement(db, sql: """
                INSERT INTO temp.finding_stage (student_id, subject, code, detail, remedies) VALUES (?, ?, ?, ?, ?)
                """)
        }
        let st = insertFinding!
        st.bind(1, storeID); st.bind(2, subject); st.bind(3, code.rawValue); st.bind(4, detail); st.bind(5, remedies.joined(separator: " "))
        try st.execute(db)
    }

    /// When the previous night `prev` was reconciled before a night earlier than it (a night cron missed, run late), its
    /// stored streak starts were counted without that night: a student unchecked since it would be one day short on
    /// every later night, for good (found by an audit). Then the streaks are counted again through the nights in date
    /// order, from the latest night before `prev` that is not so, into `temp.streak` (student → first night of the
    /// unchecked streak that `prev` ends), from each night's stored states; returns false (nothing made) otherwise.
    static func recountStreaks(_ db: Database, through prev: (id: Int64, asOf: String)) throws -> Bool {
        guard try earlierNightRedone(db, after: prev.asOf) else { return false }
        var chain: [(id: Int64, asOf: String)] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, as_of FROM run WHERE as_of <= ? AND inputs <> ? ORDER BY as_of DESC",
                                    arguments: [prev.asOf, AppDatabase.prunedInputs]) {
            chain.append((row[0], row[1]))
            if chain.count > 1, try !earlierNightRedone(db, after: row[1]) { break }  // its streaks are right: start there
        }
        chain.reverse()
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.streak; DROP TABLE IF EXISTS temp.streak_next;
            CREATE TEMP TABLE streak (student_id INTEGER PRIMARY KEY, since TEXT NOT NULL);
            """)
        try db.execute(sql: "INSERT INTO temp.streak SELECT student_id, outstanding_since FROM student_result WHERE run_id = ? AND outstanding_since IS NOT NULL",
                       arguments: [chain[0].id])
        for night in chain.dropFirst() {
            try db.execute(sql: "CREATE TEMP TABLE streak_next (student_id INTEGER PRIMARY KEY, since TEXT NOT NULL)")
            try db.execute(sql: """
                INSERT INTO temp.streak_next SELECT r.student_id, coalesce(s.since, ?2) FROM student_result r
                    LEFT JOIN temp.streak s ON s.student_id = r.student_id WHERE r.run_id = ?1 AND r.state <> 'checked'
                """, arguments: [night.id, night.asOf])
            try db.execute(sql: "DROP TABLE temp.streak; ALTER TABLE temp.streak_next RENAME TO streak")
        }
        return true
    }

    /// Compares with the previous night (new or persisting, days outstanding) and stores the totals.
    /// `inputs` fingerprints what the night was computed from (see `AppDatabase.nightFingerprint`).
    public func finish(inputs: String = "") throws {
        let runID: Int64
        if let base {
            runID = try carryOver(from: base)
        } else {
            try db.execute(sql: "DELETE FROM run WHERE as_of = ?", arguments: [asOf])  // re-running a night replaces it
            try db.execute(sql: "INSERT INTO run (as_of, created_at, students, checked, unchecked, disputed) VALUES (?, ?, 0, 0, 0, 0)",
                           arguments: [asOf, ISO8601DateFormatter().string(from: Date())])
            runID = db.lastInsertedRowID
        }
        try db.execute(sql: "UPDATE run SET reconciled = (SELECT max(reconciled) FROM run) + 1 WHERE id = ?", arguments: [runID])
        try db.execute(sql: """
            INSERT INTO student_result (run_id, student_id, ksh, state, outstanding_since, counselor, counselor_email)
                SELECT ?, student_id, ksh, state, outstanding_since, counselor, counselor_email FROM temp.result_stage ORDER BY student_id
            """, arguments: [runID])
        try db.execute(sql: """
            INSERT OR IGNORE INTO finding (run_id, student_id, subject, code, detail, remedies)
                SELECT ?, student_id, subject, code, detail, remedies FROM temp.finding_stage ORDER BY student_id, subject, code
            """, arguments: [runID])
        try storeClassProgress(runID: runID, adding: base != nil)
        if let prev = previous {
            // Incrementally, only the results just staged: those carried over were compared when first computed.
            let onlyStaged = base != nil
            try db.execute(sql: """
                UPDATE finding SET change = 'persisting' WHERE run_id = ?1
                  \(onlyStaged ? "AND (student_id, subject) IN (SELECT student_id, subject FROM temp.finding_stage)" : "") AND EXISTS
                  (SELECT 1 FROM finding p WHERE p.run_id = ?2 AND p.student_id = finding.student_id AND p.subject = finding.subject
                   AND p.code = finding.code)
                """, arguments: [runID, prev.id])
            if try Self.recountStreaks(db, through: prev) {
                // (Never incremental: `findBase` refuses a stale latest night.)
                try db.execute(sql: """
                    UPDATE student_result SET outstanding_since = coalesce((SELECT s.since FROM temp.streak s
                        WHERE s.student_id = student_result.student_id), outstanding_since)
                    WHERE run_id = ?1 AND state <> 'checked'
                    """, arguments: [runID])
                try db.execute(sql: "DROP TABLE temp.streak")
            } else {
                try db.execute(sql: """
                    UPDATE student_result SET outstanding_since = coalesce((SELECT p.outstanding_since FROM student_result p
                        WHERE p.run_id = ?2 AND p.student_id = student_result.student_id), outstanding_since)
                    WHERE run_id = ?1 AND state <> 'checked' \(onlyStaged ? "AND student_id IN (SELECT student_id FROM temp.result_stage)" : "")
                    """, arguments: [runID, prev.id])
            }
        }
        try db.execute(sql: """
            DROP TABLE temp.result_stage; DROP TABLE temp.finding_stage; DROP TABLE IF EXISTS temp.touched; DROP TABLE IF EXISTS temp.redone
            """)
        // The night's totals are the classes' sums: every present student is counted in exactly one class.
        let sums = try Row.fetchOne(db, sql: """
            SELECT coalesce(sum(students), 0), coalesce(sum(checked), 0), coalesce(sum(disputed), 0) FROM class_progress WHERE run_id = ?
            """, arguments: [runID])!
        let students: Int = sums[0], checked: Int = sums[1], disputed: Int = sums[2]
        try db.execute(sql: "UPDATE run SET students = ?, checked = ?, unchecked = ?, disputed = ?, inputs = ? WHERE id = ?",
                       arguments: [students, checked, students - checked - disputed, disputed, inputs, runID])
        // Changes up to this night's files are in its results. When it is the latest night, every later incremental
        // night starts from it or from a later one, so those changes are not needed again.
        if let fingerprint = NightFingerprint(inputs),
           try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM run WHERE as_of > ?)", arguments: [asOf])! {
            try db.execute(sql: "DELETE FROM student_change WHERE file_id <= ?", arguments: [fingerprint.lastFile])
        }
    }

    /// Stores the counts per college and class: as they are, or (`adding`) added to the carried-over ones.
    private func storeClassProgress(runID: Int64, adding: Bool) throws {
        let insert = try FastStatement(db, sql: """
            INSERT INTO class_progress (run_id, college, class, students, checked, disputed) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let add = adding ? try FastStatement(db, sql: """
            UPDATE class_progress SET students = students + ?4, checked = checked + ?5, disputed = disputed + ?6
            WHERE run_id = ?1 AND college = ?2 AND class = ?3
            """) : nil
        try classProgress.forEach { college, className, counts in
            if adding, counts == ClassCounts.Counts() { return }
            func bind(_ st: FastStatement) {
                st.bind(1, runID); st.bind(2, college); st.bind(3, className)
                st.bind(4, Int(counts.students)); st.bind(5, Int(counts.checked)); st.bind(6, Int(counts.disputed))
            }
            if let add {
                bind(add)
                try add.execute(db)
                if db.changesCount > 0 { return }
            }
            bind(insert)
            try insert.execute(db)
        }
        classProgress.removeAll()
        if adding { try db.execute(sql: "DELETE FROM class_progress WHERE run_id = ? AND students <= 0", arguments: [runID]) }
    }
}

extension AppDatabase {
    /// Runs one night's reconciliation in one transaction (a re-run of the same night replaces it).
    /// `incremental` lets the session carry results over from the latest night when only logs and rosters came in since
    /// (`ReconcileSession.base`); `inputs` is the night's fingerprint, compared with that night's.
    public func reconcileNight<T>(asOf: String, inputs: String = "", incremental: Bool = false,
                                  _ body: (ReconcileSession) throws -> T) throws -> T {
        if incremental {
            // A changed roster's revised students are found with their phones through `student_by_phone`, built here,
            // in a transaction of its own, the first time a roster changes: built inside the night's, its pages
            // would hold the database locked against the join's reader when the night turns out to touch too many
            // IDs and is reconciled whole on two connections ("the database is in use by another zicha run").
            try writer.write { db in
                if try ReconcileSession.findBase(db, asOf: asOf, inputs: inputs)?.rosterChanged == true {
                    try db.execute(sql: Schema.phoneIndex)
                }
            }
        }
        return try writer.write { db in
            try body(ReconcileSession(db: db, database: self, asOf: asOf, inputs: inputs, incremental: incremental))
        }
    }
}
