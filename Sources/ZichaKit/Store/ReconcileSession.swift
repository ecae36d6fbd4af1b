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
            var college = college, className = className
            college.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(UInt8(0xFF))  // never inside UTF-8: "ab"+"c" and "a"+"bc" differ
            className.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    init(db: Database, database: AppDatabase, asOf: String) throws {
        self.db = db
        self.database = database
        self.asOf = asOf
        // Verdicts arrive in ID order; they are staged in append-only temporary tables and moved into the
        // 考生号-keyed tables in key order at the end: sorted appends instead of a million random B-tree inserts.
        // The main database is not touched before `finish`: the join reads it on another connection meanwhile,
        // and a writer holding changed pages of it would have to wait for that reader to spill them.
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.result_stage;
            DROP TABLE IF EXISTS temp.finding_stage;
            CREATE TEMP TABLE result_stage (ksh TEXT, state TEXT, outstanding_since TEXT, counselor TEXT, counselor_email TEXT);
            CREATE TEMP TABLE finding_stage (subject TEXT, code TEXT, detail TEXT, remedies TEXT);
            """)
        if let row = try Row.fetchOne(db, sql: "SELECT id, as_of FROM run WHERE as_of < ? ORDER BY as_of DESC LIMIT 1", arguments: [asOf]) {
            previous = (row[0], row[1])
        } else {
            previous = nil
        }
    }

    /// Students sharing a normalized ID, and valid mobiles shared by 2+ students (present students only).
    public func sharedValues() throws -> (ids: [String: [Classmate]], phones: [String: [Classmate]]) {
        var ids: [String: [Classmate]] = [:], phones: [String: [Classmate]] = [:]
        // Candidates from the ID index alone (no row lookups); students who left are dropped after, with the
        // groups that leave a single present student.
        let idRows = try Row.fetchCursor(db, sql: """
            SELECT id_norm, ksh, name FROM student WHERE left_on IS NULL AND id_norm IN
              (SELECT id_norm FROM student GROUP BY id_norm HAVING count(*) > 1) ORDER BY id_norm, ksh
            """)
        while let r = try idRows.next() { ids[r[0], default: []].append(Classmate(ksh: r[1], name: r[2])) }
        ids = ids.filter { $0.value.count > 1 }
        let phoneRows = try Row.fetchCursor(db, sql: """
            SELECT phone_norm, ksh, name FROM student WHERE left_on IS NULL AND phone_valid AND phone_norm IN
              (SELECT phone_norm FROM student WHERE left_on IS NULL AND phone_valid GROUP BY phone_norm HAVING count(*) > 1)
            ORDER BY phone_norm, ksh
            """)
        while let r = try phoneRows.next() { phones[r[0], default: []].append(Classmate(ksh: r[1], name: r[2])) }
        return (ids, phones)
    }

    /// One step of the merge join: a roster student with the events of their ID, or a log ID that matches nobody.
    enum Match {
        case student(StudentFacts, present: Bool, events: [LoggedEvent])
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
                             student: (StudentFacts, Bool, [LoggedEvent]) throws -> Void,
                             unmatched: (_ id: String, _ name: String, _ events: [LoggedEvent]) throws -> Void) throws {
        func take(_ match: Match) throws {
            switch match {
            case .student(let facts, let present, let events): try student(facts, present, events)
            case .unmatched(let id, let name, let events): try unmatched(id, name, events)
            }
        }
        guard database.path != ":memory:" else {
            try meanwhile()
            return try Self.merge(db, take)
        }
        let database = UncheckedBox(database)
        try streamOnSecondThread(meanwhile: meanwhile, produce: { emit in
            try database.value.readAlongside { db in try Self.merge(db, emit) }
        }, consume: take)
    }

    /// The merge join itself, in ID order: memory holds one ID's events at a time. Three sorted streams meet:
    /// the roster, the 18-digit events, and the legacy 15-digit events under the 18-digit ID they stand for.
    private static func merge(_ db: Database, _ emit: (Match) throws -> Void) throws {
        // A legacy ID stands for its 18-digit form with 19, or else 20, inserted when a valid roster ID is exactly
        // that (a valid roster ID is rebuilt exactly from its 15 digits and century); for 19xx when neither is.
        // SQLite sorts the 15-digit events under that key on disk (a national night has ~350,000 of them).
        db.add(function: DatabaseFunction("zicha_id18", argumentCount: 2, pure: true) { values in
            guard let id15 = String.fromDatabaseValue(values[0]), let century = Int.fromDatabaseValue(values[1]) else { return nil }
            return IDNumber.upgrade(id15, century: century)
        })
        let fifteen = try Row.fetchCursor(db, sql: """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM student WHERE id_norm = zicha_id18(e.id_norm, 19) AND id_problem IS NULL)
                          THEN zicha_id18(e.id_norm, 19)
                        WHEN EXISTS (SELECT 1 FROM student WHERE id_norm = zicha_id18(e.id_norm, 20) AND id_problem IS NULL)
                          THEN zicha_id18(e.id_norm, 20)
                        ELSE zicha_id18(e.id_norm, 19) END AS key,
                   e.kind, e.reason, e.ts, e.detail, e.name
            FROM event e INDEXED BY event_15 WHERE e.is15 ORDER BY key, e.ts, e.file_id, e.line
            """)
        // Each student comes with the counselor list's mappings for their class and college, looked up here
        // rather than held in memory (a national roster has hundreds of thousands of classes). The table is read
        // in storage order and sorted (NOT INDEXED): walking the ID index would fetch every row at random.
        let students = try Row.fetchCursor(db, sql: """
            SELECT s.id_norm, s.ksh, s.name, s.admission_name, s.id_raw, s.id_problem, s.id_cleaned, s.phone_raw, s.phone_norm,
                   s.phone_valid, s.college, s.class, s.counselor, s.counselor_email, s.left_on IS NULL,
                   c.counselor, c.email, g.counselor, g.email
            FROM student s NOT INDEXED
            LEFT JOIN counselor_scope c ON c.scope_kind = 'class' AND c.scope = s.class
            LEFT JOIN counselor_scope g ON g.scope_kind = 'college' AND g.scope = s.college
            ORDER BY s.id_norm, s.ksh
            """)
        let events = try Row.fetchCursor(db, sql: "SELECT id_norm, kind, reason, ts, detail, name FROM event WHERE NOT is15 ORDER BY id_norm, ts, file_id, line")
        // Each row's ID is decoded once, when the row is read (18-character IDs are heap strings in Swift).
        var nextStudent = try students.next(), studentID: String? = nextStudent?[0]
        var nextEvent = try events.next(), eventID: String? = nextEvent?[0]
        var nextFifteen = try fifteen.next(), fifteenID: String? = nextFifteen?[0]
        var lastKind: (text: String, kind: EventKind)? = nil
        while let id = Self.lowest(Self.lowest(studentID, eventID), fifteenID) {
            var group: [LoggedEvent] = []
            var logName = ""
            while let e = nextEvent, eventID == id {
                if logName.isEmpty { logName = e[5] }
                group.append(Self.event(e, from: 1, kinds: &lastKind))
                nextEvent = try events.next()
                eventID = nextEvent?[0]
            }
            while let e = nextFifteen, fifteenID == id {
                if logName.isEmpty { logName = e[5] }
                group.append(Self.event(e, from: 1, kinds: &lastKind))
                nextFifteen = try fifteen.next()
                fifteenID = nextFifteen?[0]
            }
            var matched = false
            while let s = nextStudent, studentID == id {
                matched = true
                try emit(.student(Self.facts(s, id: id), present: s[14], events: group))
                nextStudent = try students.next()
                studentID = nextStudent?[0]
            }
            if !matched, !group.isEmpty { try emit(.unmatched(id: id, name: logName, events: group)) }
        }
    }

    /// The lower of two IDs in SQLite's TEXT order (bytes), without an array per step of the join.
    @inline(__always)
    private static func lowest(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        var x = a, y = b
        let aFirst = x.withUTF8 { p in
            y.withUTF8 { q in
                let n = min(p.count, q.count)
                let c = n == 0 ? 0 : memcmp(p.baseAddress!, q.baseAddress!, n)
                return c < 0 || (c == 0 && p.count <= q.count)
            }
        }
        return aFirst ? a : b
    }

    /// The last stored kind seen and its event: the join reads millions of events with a handful of kinds.
    private static func event(_ r: Row, from i: Int, kinds: inout (text: String, kind: EventKind)?) -> LoggedEvent {
        let text: String = r[i]
        let kind: EventKind
        if let last = kinds, Text.sameBytes(last.text, text) { kind = last.kind } else {
            kind = EventKind(rawValue: text) ?? .login
            kinds = (text, kind)
        }
        let reason: String? = r[i + 1]
        return LoggedEvent(kind: kind, reason: reason.flatMap(FailureReason.init(rawValue:)), time: r[i + 2], detail: r[i + 3])
    }

    static func facts(_ r: Row, id: String) -> StudentFacts {
        func scope(_ i: Int) -> Assignment? {
            let counselor: String? = r[i], email: String? = r[i + 1]
            return counselor.map { Assignment(counselor: $0, email: email ?? "") }
        }
        return StudentFacts(ksh: r[1], name: r[2], admissionName: r[3], idRaw: r[4], idNorm: id, idProblem: r[5], idNeededCleaning: r[6],
                            phoneRaw: r[7], phoneNorm: r[8], phoneValid: r[9], college: r[10], className: r[11], counselor: r[12],
                            counselorEmail: r[13], classCounselor: scope(15), collegeCounselor: scope(17))
    }

    /// Records a present student's verdict, and counts it for their college and class.
    public func record(_ facts: StudentFacts, verdict: Verdict) throws {
        let ksh = facts.ksh
        func count(_ c: inout (students: Int, checked: Int, disputed: Int)) {
            c.students += 1
            if verdict.state == .checked { c.checked += 1 }
            if verdict.state == .disputed { c.disputed += 1 }
        }
        count(&progress[ClassKey(college: facts.college, className: facts.className), default: (0, 0, 0)])
        if insertResult == nil {
            insertResult = try FastStatement(db, sql: """
                INSERT INTO temp.result_stage (ksh, state, outstanding_since, counselor, counselor_email) VALUES (?, ?, ?, ?, ?)
                """)
        }
        let st = insertResult!
        st.bind(1, ksh); st.bind(2, verdict.state.rawValue); st.bind(3, verdict.state == .checked ? nil : asOf)
        st.bind(4, verdict.assignment.counselor); st.bind(5, verdict.assignment.email)
        try st.execute(db)
        for f in verdict.findings { try recordFinding(subject: ksh, code: f.code, detail: f.detail, remedies: f.remedies) }
    }

    /// Records a finding; the subject is a 考生号, or the ID for NOT_ON_ROSTER.
    public func recordFinding(subject: String, code: FindingCode, detail: String, remedies: [String]) throws {
        if insertFinding == nil {
            insertFinding = try FastStatement(db, sql: "INSERT INTO temp.finding_stage (subject, code, detail, remedies) VALUES (?, ?, ?, ?)")
        }
        let st = insertFinding!
        st.bind(1, subject); st.bind(2, code.rawValue); st.bind(3, detail); st.bind(4, remedies.joined(separator: " "))
        try st.execute(db)
    }

    /// Compares with the previous night (new or persisting, days outstanding) and stores the totals.
    /// `inputs` fingerprints what the night was computed from (see `AppDatabase.nightFingerprint`).
    public func finish(inputs: String = "") throws {
        try db.execute(sql: "DELETE FROM run WHERE as_of = ?", arguments: [asOf])  // re-running a night replaces it
        try db.execute(sql: "INSERT INTO run (as_of, created_at, students, checked, unchecked, disputed) VALUES (?, ?, 0, 0, 0, 0)",
                       arguments: [asOf, ISO8601DateFormatter().string(from: Date())])
        let runID = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO student_result (run_id, ksh, state, outstanding_since, counselor, counselor_email)
                SELECT ?, ksh, state, outstanding_since, counselor, counselor_email FROM temp.result_stage ORDER BY ksh
            """, arguments: [runID])
        try db.execute(sql: """
            INSERT OR IGNORE INTO finding (run_id, subject, code, detail, remedies)
                SELECT ?, subject, code, detail, remedies FROM temp.finding_stage ORDER BY subject, code
            """, arguments: [runID])
        try db.execute(sql: "DROP TABLE temp.result_stage; DROP TABLE temp.finding_stage")
        let insertProgress = try FastStatement(db, sql: """
            INSERT INTO class_progress (run_id, college, class, students, checked, disputed) VALUES (?, ?, ?, ?, ?, ?)
            """)
        // The night's totals are the classes' sums: every present student is counted in exactly one class.
        var totals = NightTotals(students: 0, checked: 0, unchecked: 0, disputed: 0)
        for (key, counts) in progress {
            insertProgress.bind(1, runID); insertProgress.bind(2, key.college); insertProgress.bind(3, key.className)
            insertProgress.bind(4, counts.students); insertProgress.bind(5, counts.checked); insertProgress.bind(6, counts.disputed)
            try insertProgress.execute(db)
            totals.students += counts.students
            totals.checked += counts.checked
            totals.disputed += counts.disputed
        }
        totals.unchecked = totals.students - totals.checked - totals.disputed
        progress = [:]
        if let prev = previous {
            try db.execute(sql: """
                UPDATE finding SET change = 'persisting' WHERE run_id = ?1 AND EXISTS
                  (SELECT 1 FROM finding p WHERE p.run_id = ?2 AND p.subject = finding.subject AND p.code = finding.code)
                """, arguments: [runID, prev.id])
            try db.execute(sql: """
                UPDATE student_result SET outstanding_since = coalesce((SELECT p.outstanding_since FROM student_result p
                    WHERE p.run_id = ?2 AND p.ksh = student_result.ksh), outstanding_since)
                WHERE run_id = ?1 AND state <> 'checked'
                """, arguments: [runID, prev.id])
        }
        try db.execute(sql: "UPDATE run SET students = ?, checked = ?, unchecked = ?, disputed = ?, inputs = ? WHERE id = ?",
                       arguments: [totals.students, totals.checked, totals.unchecked, totals.disputed, inputs, runID])
    }
}

extension AppDatabase {
    /// Runs one night's reconciliation in one transaction (a re-run of the same night replaces it).
    public func reconcileNight<T>(asOf: String, _ body: (ReconcileSession) throws -> T) throws -> T {
        try writer.write { db in try body(ReconcileSession(db: db, database: self, asOf: asOf)) }
    }
}

extension AppDatabase {
    /// What a night's results depend on in the database — the files imported so far — plus `settings`.
    public func nightFingerprint(settings: String) throws -> String {
        try writer.read { db in
            let r = try Row.fetchOne(db, sql: "SELECT coalesce(max(id), 0), count(*) FROM import_file")!
            return "files \(r[0] as Int64)/\(r[1] as Int64); \(settings)"
        }
    }

    /// The fingerprint stored with the reconciled night `asOf`, if that night was reconciled.
    public func storedFingerprint(asOf: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT inputs FROM run WHERE as_of = ?", arguments: [asOf]) }
    }
}
