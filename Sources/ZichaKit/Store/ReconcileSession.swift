import Foundation
import GRDB

/// The store's side of one night's reconciliation, inside one write transaction: reads the roster and
/// the log in ID order (a merge join, so memory stays flat) and records each verdict.
public final class ReconcileSession {
    let db: Database
    /// Where the roster and log are read from: a connection of their own, on a second thread.
    let database: AppDatabase
    public let asOf: String
    /// The latest night before this one, if any.
    public let previous: (id: Int64, asOf: String)?
    /// Set when only logs and rosters came in since the latest night: then only the IDs their new or changed rows
    /// name are reconciled (`temp.touched`, the students holding them `temp.redone`), and every other result is
    /// carried over from that night.
    public let base: ReconcileBase?
    private var insertResult: FastStatement?
    private var insertFinding: FastStatement?
    /// Students, checked and disputed per college and class, stored by `finish`. A counter per class (a few
    /// hundred thousand on a national roster, tens of megabytes): counting them with SQL instead sorts every
    /// result again and cost 2 s of a 1M night.
    private var progress: [ClassKey: (students: Int, checked: Int, disputed: Int)] = [:]
    private struct ClassKey: Hashable {
        var college: String
        var className: String

        // By bytes, as SQLite's key of class_progress compares them: Swift hashes and compares non-ASCII Strings
        // through their NFC form, scalar by scalar — 15 % of the rules' thread at 1M with Chinese class names.
        static func == (a: ClassKey, b: ClassKey) -> Bool {
            Text.sameBytes(a.college, b.college) && Text.sameBytes(a.className, b.className)
        }

        func hash(into hasher: inout Hasher) {
            college.withBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(UInt8(0xFF))  // never inside UTF-8: "ab"+"c" and "a"+"bc" differ
            className.withBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

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
        if let row = try Row.fetchOne(db, sql: "SELECT id, as_of FROM run WHERE as_of < ? ORDER BY as_of DESC LIMIT 1", arguments: [asOf]) {
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
        if base.rosterChanged {
            try db.execute(sql: Schema.phoneIndex)
            try Self.touchRevisedStudents(db, since: base.lastFile)
        }
        try db.execute(sql: "INSERT INTO temp.redone SELECT s.id FROM temp.touched t CROSS JOIN student s ON s.id_norm = t.id")
        base.touchedIDs = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.touched") ?? 0
        self.base = base
    }

    /// The night to carry results over from: the latest one, when it is not later than this one, was computed
    /// with the same settings, and every file imported since is a log or a roster. A counselor list may move whole
    /// classes and colleges to other counselors, so after one every student is reconciled again.
    private static func findBase(_ db: Database, asOf: String, inputs: String) throws -> ReconcileBase? {
        guard let now = NightFingerprint(inputs),
              let latest = try Row.fetchOne(db, sql: "SELECT id, as_of, inputs FROM run ORDER BY as_of DESC LIMIT 1"),
              let then = NightFingerprint(latest[2]), then.settings == now.settings, (latest[1] as String) <= asOf else { return nil }
        let files = try Row.fetchOne(db, sql: """
            SELECT count(*) FILTER (WHERE id <= ?1), count(*) FILTER (WHERE id > ?1 AND kind = 'counselors'),
                   count(*) FILTER (WHERE id > ?1 AND kind = 'roster') FROM import_file
            """, arguments: [then.lastFile])!
        guard (files[0] as Int64) == then.fileCount, (files[1] as Int64) == 0 else { return nil }
        return ReconcileBase(runID: latest[0], asOf: latest[1], lastFile: then.lastFile, rosterChanged: (files[2] as Int64) > 0)
    }

    /// Adds to `temp.touched` what rosters since file `lastFile` changed: the present and former IDs of the students
    /// they added, changed or marked left (and the 18-digit forms their 15-digit forms stand for, whose log rows may
    /// now belong elsewhere), and the IDs of everyone sharing their present or former phone. A rewritten student
    /// carries the roster's file id; `student_change` keeps what they were before.
    private static func touchRevisedStudents(_ db: Database, since lastFile: Int64) throws {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.revised;
            CREATE TEMP TABLE revised (id_norm TEXT NOT NULL, id15 TEXT, phone TEXT);
            """)
        try db.execute(sql: """
            INSERT INTO temp.revised SELECT id_norm, id15, CASE WHEN phone_valid THEN phone_norm END FROM student WHERE file_id > ?
            """, arguments: [lastFile])
        try db.execute(sql: "INSERT INTO temp.revised SELECT id_norm, id15, phone_norm FROM student_change WHERE file_id > ?",
                       arguments: [lastFile])
        try db.execute(sql: "INSERT OR IGNORE INTO temp.touched SELECT id_norm FROM temp.revised")
        for century in [19, 20] {
            try db.execute(sql: """
                INSERT OR IGNORE INTO temp.touched SELECT id FROM (SELECT zicha_id18(id15, ?) AS id FROM temp.revised WHERE id15 IS NOT NULL)
                WHERE id IS NOT NULL
                """, arguments: [century])
        }
        try db.execute(sql: """
            INSERT OR IGNORE INTO temp.touched SELECT id_norm FROM student
            WHERE phone_valid AND phone_norm IN (SELECT phone FROM temp.revised WHERE phone IS NOT NULL);
            DROP TABLE temp.revised;
            """)
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
        let phoneRows: RowCursor
        if let base, !base.rosterChanged {
            // The roster is as it was for the base night, so its shared phones are exactly those its DUPLICATE_PHONE
            // findings name — looked up instead of scanning the roster.
            phoneRows = try Row.fetchCursor(db, sql: """
                SELECT s.phone_norm, s.ksh, s.name FROM finding f CROSS JOIN student s ON s.id = f.student_id
                WHERE f.run_id = ? AND f.code = 'DUPLICATE_PHONE' AND s.phone_norm IN
                  (SELECT phone_norm FROM student WHERE left_on IS NULL AND phone_valid AND id_norm IN (SELECT id FROM temp.touched))
                ORDER BY s.phone_norm, s.ksh
                """, arguments: [base.runID])
        } else {
            // A full night's candidates: phones of any two students, present or left — the outer query keeps the present
            // ones, and groups left with one student go below. (Asking for present students in the grouping made SQLite
            // walk `student_by_phone`, where it exists, fetching every row: 4 s at 1M instead of 0.3.)
            let phoneGroups = base == nil
                ? "SELECT phone_norm FROM student WHERE phone_valid GROUP BY phone_norm HAVING count(*) > 1"
                : "SELECT phone_norm FROM student WHERE left_on IS NULL AND phone_valid AND id_norm IN (SELECT id FROM temp.touched)"
            phoneRows = try Row.fetchCursor(db, sql: """
                SELECT phone_norm, ksh, name FROM student WHERE left_on IS NULL AND phone_valid AND phone_norm IN (\(phoneGroups))
                ORDER BY phone_norm, ksh
                """)
        }
        while let r = try phoneRows.next() { phones[r[0], default: []].append(Classmate(ksh: r[1], name: r[2])) }
        phones = phones.filter { $0.value.count > 1 }
        return (ids, phones)
    }

    /// One step of the merge join: a roster student with the events of their ID, or a log ID that matches nobody.
    enum Match {
        case student(StudentFacts, present: Bool, events: [LoggedEvent], storeID: Int64)
        case unmatched(id: String, name: String, events: [LoggedEvent])
    }

    /// Calls `student` for each roster student (left ones with `present == false`) with the events matched to
    /// their ID, and `unmatched` for each log ID that matches nobody. Legacy 15-digit log IDs match the
    /// student whose ID, less century and check character, equals them.
    ///
    /// The join reads on a connection of its own, on a second thread, a few thousand students ahead of the
    /// caller's rules and writes (an in-memory database has one connection: the join then runs in line).
    /// `meanwhile` runs on this thread first, while the join sorts its first rows.
    public func forEachMatch(meanwhile: () throws -> Void = {},
                             student: (_ facts: StudentFacts, _ present: Bool, _ events: [LoggedEvent], _ storeID: Int64) throws -> Void,
                             unmatched: (_ id: String, _ name: String, _ events: [LoggedEvent]) throws -> Void) throws {
        func take(_ match: Match) throws {
            switch match {
            case .student(let facts, let present, let events, let storeID): try student(facts, present, events, storeID)
            case .unmatched(let id, let name, let events): try unmatched(id, name, events)
            }
        }
        // Incrementally, the join reads the few touched IDs through the indexes, in line: `temp.touched` is a table
        // of this connection.
        guard database.path != ":memory:", base == nil else {
            try meanwhile()
            return try Self.merge(db, touchedOnly: base != nil, take)
        }
        let database = UncheckedBox(database)
        try streamOnSecondThread(meanwhile: meanwhile, produce: { emit in
            try database.value.readAlongside { db in
                Self.addID18Function(db)
                try Self.merge(db, touchedOnly: false, emit)
            }
        }, consume: take)
    }

    /// `zicha_id18(id15, century)`: a legacy ID's 18-digit form for that century, for the join and `temp.touched`.
    private static func addID18Function(_ db: Database) {
        db.add(function: DatabaseFunction("zicha_id18", argumentCount: 2, pure: true) { values in
            guard let id15 = String.fromDatabaseValue(values[0]), let century = Int.fromDatabaseValue(values[1]) else { return nil }
            return IDNumber.upgrade(id15, century: century)
        })
    }

    /// The merge join itself, in ID order: memory holds one ID's events at a time. Three sorted streams meet:
    /// the roster, the 18-digit events, and the legacy 15-digit events under the 18-digit ID they stand for.
    /// `touchedOnly` limits all three to the IDs of `temp.touched`.
    private static func merge(_ db: Database, touchedOnly: Bool, _ emit: (Match) throws -> Void) throws {
        // A legacy ID stands for its 18-digit form with 19, or else 20, inserted when a valid roster ID is exactly
        // that (a valid roster ID is rebuilt exactly from its 15 digits and century); for 19xx when neither is.
        // SQLite sorts the 15-digit events under that key on disk (a national night has ~350,000 of them).
        let fifteen = try SQLiteRows(db, sql: """
            SELECT key, kind, reason, ts, detail, name FROM (
              SELECT CASE WHEN EXISTS (SELECT 1 FROM student WHERE id_norm = zicha_id18(e.id_norm, 19) AND id_problem IS NULL)
                            THEN zicha_id18(e.id_norm, 19)
                          WHEN EXISTS (SELECT 1 FROM student WHERE id_norm = zicha_id18(e.id_norm, 20) AND id_problem IS NULL)
                            THEN zicha_id18(e.id_norm, 20)
                          ELSE zicha_id18(e.id_norm, 19) END AS key,
                     e.kind, e.reason, e.ts, e.detail, e.name, e.file_id, e.line
              FROM event e INDEXED BY event_15 WHERE e.is15)
            \(touchedOnly ? "WHERE key IN (SELECT id FROM temp.touched)" : "") ORDER BY key, ts, file_id, line
            """)
        // Each student comes with the counselor list's mappings for their class and college, looked up here
        // rather than held in memory (a national roster has hundreds of thousands of classes). The table is read
        // in storage order and sorted (NOT INDEXED): walking the ID index would fetch every row at random.
        let students = try SQLiteRows(db, sql: """
            SELECT s.id_norm, s.ksh, s.name, s.admission_name, s.id_raw, s.id_problem, s.id_cleaned, s.phone_raw, s.phone_norm,
                   s.phone_valid, s.college, s.class, s.counselor, s.counselor_email, s.left_on IS NULL,
                   c.counselor, c.email, g.counselor, g.email, s.id
            FROM \(touchedOnly ? "temp.touched t JOIN student s ON s.id_norm = t.id" : "student s NOT INDEXED")
            LEFT JOIN counselor_scope c ON c.scope_kind = 'class' AND c.scope = s.class
            LEFT JOIN counselor_scope g ON g.scope_kind = 'college' AND g.scope = s.college
            ORDER BY s.id_norm, s.ksh
            """)
        let events = try SQLiteRows(db, sql: """
            SELECT id_norm, kind, reason, ts, detail, name FROM event
            WHERE NOT is15 \(touchedOnly ? "AND id_norm IN (SELECT id FROM temp.touched)" : "") ORDER BY id_norm, ts, file_id, line
            """)
        // Each row's ID is decoded once, when the row is read (18-character IDs are heap strings in Swift).
        var studentID = try students.next() ? students.text(0) : nil
        var eventID = try events.next() ? events.text(0) : nil
        var fifteenID = try fifteen.next() ? fifteen.text(0) : nil
        var kinds: [(text: String, kind: EventKind)] = []
        while let id = Self.lowest(Self.lowest(studentID, eventID), fifteenID) {
            var group: [LoggedEvent] = []
            var logName = ""
            while eventID == id {
                if logName.isEmpty { logName = events.text(5) }
                group.append(Self.event(events, kinds: &kinds))
                eventID = try events.next() ? events.text(0) : nil
            }
            while fifteenID == id {
                if logName.isEmpty { logName = fifteen.text(5) }
                group.append(Self.event(fifteen, kinds: &kinds))
                fifteenID = try fifteen.next() ? fifteen.text(0) : nil
            }
            var matched = false
            while studentID == id {
                matched = true
                try emit(.student(Self.facts(students, id: id), present: students.bool(14), events: group, storeID: students.int64(19)))
                studentID = try students.next() ? students.text(0) : nil
            }
            if !matched, !group.isEmpty { try emit(.unmatched(id: id, name: logName, events: group)) }
        }
    }

    /// The lower of two IDs in SQLite's TEXT order (bytes), without an array per step of the join.
    @inline(__always)
    private static func lowest(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        let aFirst = a.withBytes { p in
            b.withBytes { q in
                let n = min(p.count, q.count)
                let c = n == 0 ? 0 : memcmp(p.baseAddress!, q.baseAddress!, n)
                return c < 0 || (c == 0 && p.count <= q.count)
            }
        }
        return aFirst ? a : b
    }

    /// `kinds`: the stored kinds seen so far and their events: the join reads millions of events with nine kinds,
    /// one after another in no order (remembering only the last one, the string switch of `EventKind(rawValue:)`
    /// ran for nearly every event).
    private static func event(_ r: SQLiteRows, kinds: inout [(text: String, kind: EventKind)]) -> LoggedEvent {
        let text = r.text(1)
        let kind: EventKind
        if let seen = kinds.first(where: { Text.sameBytes($0.text, text) }) { kind = seen.kind } else {
            kind = EventKind(rawValue: text) ?? .login
            if kinds.count < 32 { kinds.append((text, kind)) }
        }
        return LoggedEvent(kind: kind, reason: r.optionalText(2).flatMap(FailureReason.init(rawValue:)), time: r.int64(3), detail: r.text(4))
    }

    static func facts(_ r: SQLiteRows, id: String) -> StudentFacts {
        func scope(_ i: Int32) -> Assignment? {
            r.optionalText(i).map { Assignment(counselor: $0, email: r.optionalText(i + 1) ?? "") }
        }
        return StudentFacts(ksh: r.text(1), name: r.text(2), admissionName: r.text(3), idRaw: r.text(4), idNorm: id,
                            idProblem: r.optionalText(5), idNeededCleaning: r.bool(6), phoneRaw: r.text(7), phoneNorm: r.text(8),
                            phoneValid: r.bool(9), college: r.text(10), className: r.text(11), counselor: r.text(12),
                            counselorEmail: r.text(13), classCounselor: scope(15), collegeCounselor: scope(17))
    }

    /// Records a present student's verdict, and counts it for their college and class. `storeID` is the student's
    /// row id (`student.id`): results and findings are kept in its order, the roster's storage order, which the
    /// reports read them in.
    public func record(_ facts: StudentFacts, storeID: Int64, verdict: Verdict) throws {
        let ksh = facts.ksh
        func count(_ c: inout (students: Int, checked: Int, disputed: Int)) {
            c.students += 1
            if verdict.state == .checked { c.checked += 1 }
            if verdict.state == .disputed { c.disputed += 1 }
        }
        count(&progress[ClassKey(college: facts.college, className: facts.className), default: (0, 0, 0)])
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
        try db.execute(sql: """
            INSERT INTO student_result (run_id, student_id, ksh, state, outstanding_since, counselor, counselor_email)
                SELECT ?, student_id, ksh, state, outstanding_since, counselor, counselor_email FROM temp.result_stage ORDER BY student_id
            """, arguments: [runID])
        try db.execute(sql: """
            INSERT OR IGNORE INTO finding (run_id, student_id, subject, code, detail, remedies)
                SELECT ?, student_id, subject, code, detail, remedies FROM temp.finding_stage ORDER BY student_id, subject, code
            """, arguments: [runID])
        try storeProgress(runID: runID, adding: base != nil)
        if let prev = previous {
            // Incrementally, only the results just staged: those carried over were compared when first computed.
            let onlyStaged = base != nil
            try db.execute(sql: """
                UPDATE finding SET change = 'persisting' WHERE run_id = ?1
                  \(onlyStaged ? "AND (student_id, subject) IN (SELECT student_id, subject FROM temp.finding_stage)" : "") AND EXISTS
                  (SELECT 1 FROM finding p WHERE p.run_id = ?2 AND p.student_id = finding.student_id AND p.subject = finding.subject
                   AND p.code = finding.code)
                """, arguments: [runID, prev.id])
            try db.execute(sql: """
                UPDATE student_result SET outstanding_since = coalesce((SELECT p.outstanding_since FROM student_result p
                    WHERE p.run_id = ?2 AND p.student_id = student_result.student_id), outstanding_since)
                WHERE run_id = ?1 AND state <> 'checked' \(onlyStaged ? "AND student_id IN (SELECT student_id FROM temp.result_stage)" : "")
                """, arguments: [runID, prev.id])
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

    /// Incrementally: the base night's results, findings and class counts become this night's, less those of the
    /// students reconciled again (and the NOT_ON_ROSTER findings of touched IDs). Re-running the base night itself
    /// edits it in place; a later night gets a copy whose findings all persist (they were the base night's).
    /// The class counts of the students reconciled again are taken off — in the class they had then, which a
    /// roster since may have changed (`student_change`) — and `progress` adds their new ones.
    private func carryOver(from base: ReconcileBase) throws -> Int64 {
        // CROSS JOIN keeps the students reconciled again first: SQLite has no statistics on the temporary table and
        // would otherwise scan it once per result of the base night.
        let before = try Row.fetchCursor(db, sql: """
            SELECT coalesce(c.college, s.college), coalesce(c.class, s.class), r.state FROM temp.redone t
            CROSS JOIN student_result r ON r.run_id = ?1 AND r.student_id = t.id CROSS JOIN student s ON s.id = t.id
            LEFT JOIN student_change c ON c.rowid = (SELECT rowid FROM student_change WHERE student_id = t.id AND file_id > ?2
                                                     ORDER BY file_id LIMIT 1)
            """, arguments: [base.runID, base.lastFile])
        while let r = try before.next() {
            let state: String = r[2]
            let key = ClassKey(college: r[0], className: r[1])
            progress[key, default: (0, 0, 0)].students -= 1
            if state == CheckState.checked.rawValue { progress[key]!.checked -= 1 }
            if state == CheckState.disputed.rawValue { progress[key]!.disputed -= 1 }
        }
        let redone = "(SELECT id FROM temp.redone)"
        let unmatchedRedone = "(student_id = 0 AND subject IN (SELECT id FROM temp.touched))"
        if base.asOf == asOf {
            try db.execute(sql: "DELETE FROM student_result WHERE run_id = ? AND student_id IN \(redone)", arguments: [base.runID])
            try db.execute(sql: "DELETE FROM finding WHERE run_id = ? AND student_id IN \(redone)", arguments: [base.runID])
            try db.execute(sql: "DELETE FROM finding WHERE run_id = ? AND \(unmatchedRedone)", arguments: [base.runID])
            try db.execute(sql: "UPDATE run SET created_at = ? WHERE id = ?", arguments: [ISO8601DateFormatter().string(from: Date()), base.runID])
            return base.runID
        }
        try db.execute(sql: "INSERT INTO run (as_of, created_at, students, checked, unchecked, disputed) VALUES (?, ?, 0, 0, 0, 0)",
                       arguments: [asOf, ISO8601DateFormatter().string(from: Date())])
        let runID = db.lastInsertedRowID
        for sql in ["""
            INSERT INTO student_result (run_id, student_id, ksh, state, outstanding_since, counselor, counselor_email)
                SELECT ?1, student_id, ksh, state, outstanding_since, counselor, counselor_email FROM student_result
                WHERE run_id = ?2 AND student_id NOT IN \(redone) ORDER BY student_id
            """, """
            INSERT INTO finding (run_id, student_id, subject, code, detail, remedies, change)
                SELECT ?1, student_id, subject, code, detail, remedies, 'persisting' FROM finding
                WHERE run_id = ?2 AND student_id NOT IN \(redone) AND NOT \(unmatchedRedone) ORDER BY student_id, subject, code
            """, """
            INSERT INTO class_progress (run_id, college, class, students, checked, disputed)
                SELECT ?1, college, class, students, checked, disputed FROM class_progress WHERE run_id = ?2 ORDER BY college, class
            """] {
            try db.execute(sql: sql, arguments: [runID, base.runID])
        }
        return runID
    }

    /// Stores the counts per college and class: as they are, or (`adding`) added to the carried-over ones.
    private func storeProgress(runID: Int64, adding: Bool) throws {
        let insert = try FastStatement(db, sql: """
            INSERT INTO class_progress (run_id, college, class, students, checked, disputed) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let add = adding ? try FastStatement(db, sql: """
            UPDATE class_progress SET students = students + ?4, checked = checked + ?5, disputed = disputed + ?6
            WHERE run_id = ?1 AND college = ?2 AND class = ?3
            """) : nil
        for (key, counts) in progress where !adding || counts != (0, 0, 0) {
            func bind(_ st: FastStatement) {
                st.bind(1, runID); st.bind(2, key.college); st.bind(3, key.className)
                st.bind(4, counts.students); st.bind(5, counts.checked); st.bind(6, counts.disputed)
            }
            if let add {
                bind(add)
                try add.execute(db)
                if db.changesCount > 0 { continue }
            }
            bind(insert)
            try insert.execute(db)
        }
        progress = [:]
        if adding { try db.execute(sql: "DELETE FROM class_progress WHERE run_id = ? AND students <= 0", arguments: [runID]) }
    }
}

/// The night an incremental reconcile starts from (see `ReconcileSession.base`).
public struct ReconcileBase: Sendable {
    public let runID: Int64
    public let asOf: String
    /// The last file (import_file id) that night was computed from: later ones are the new logs.
    public let lastFile: Int64
    /// Whether rosters came in since (they changed some students: see `student_change`).
    public let rosterChanged: Bool
    /// How many IDs the new log rows and changed roster rows name (each reconciled again, with everyone sharing it).
    public var touchedIDs = 0
}

/// What a night was computed from, as stored in `run.inputs`: `files LAST/COUNT; SETTINGS`.
struct NightFingerprint: Equatable {
    var lastFile: Int64
    var fileCount: Int64
    var settings: String

    var text: String { "files \(lastFile)/\(fileCount); \(settings)" }

    init(lastFile: Int64, fileCount: Int64, settings: String) {
        self.lastFile = lastFile
        self.fileCount = fileCount
        self.settings = settings
    }

    /// Parses `text`; nil for anything else (nights stored before fingerprints, or by tests, have "").
    init?(_ text: String) {
        guard text.hasPrefix("files "), let separator = text.range(of: "; ") else { return nil }
        let counts = text[text.index(text.startIndex, offsetBy: 6)..<separator.lowerBound].split(separator: "/")
        guard counts.count == 2, let last = Int64(counts[0]), let count = Int64(counts[1]) else { return nil }
        self.init(lastFile: last, fileCount: count, settings: String(text[separator.upperBound...]))
    }
}

extension AppDatabase {
    /// Runs one night's reconciliation in one transaction (a re-run of the same night replaces it).
    /// `incremental` lets the session carry results over from the latest night when only logs came in since
    /// (`ReconcileSession.base`); `inputs` is the night's fingerprint, compared with that night's.
    public func reconcileNight<T>(asOf: String, inputs: String = "", incremental: Bool = false,
                                  _ body: (ReconcileSession) throws -> T) throws -> T {
        try writer.write { db in
            try body(ReconcileSession(db: db, database: self, asOf: asOf, inputs: inputs, incremental: incremental))
        }
    }
}

extension AppDatabase {
    /// What a night's results depend on in the database — the files imported so far — plus `settings`.
    public func nightFingerprint(settings: String) throws -> String {
        try writer.read { db in
            let r = try Row.fetchOne(db, sql: "SELECT coalesce(max(id), 0), count(*) FROM import_file")!
            return NightFingerprint(lastFile: r[0], fileCount: r[1], settings: settings).text
        }
    }

    /// The fingerprint stored with the reconciled night `asOf`, if that night was reconciled.
    public func storedFingerprint(asOf: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT inputs FROM run WHERE as_of = ?", arguments: [asOf]) }
    }
}
