import Foundation
import GRDB

/// The merge join of a night's reconciliation: the roster and the log read in ID order on a connection of their own.
extension ReconcileSession {
    /// One step of the merge join: a roster student with the events of their ID, or a log ID that matches nobody.
    enum Match {
        case student(StudentFacts, present: Bool, events: [LoggedEvent], storeID: Int64)
        /// `legacy`: some of the events name the ID by its 15-digit form, as the log has it.
        case unmatched(id: String, name: String, events: [LoggedEvent], legacy: Bool)
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
                             unmatched: (_ id: String, _ name: String, _ events: [LoggedEvent], _ legacy: Bool) throws -> Void) throws {
        func take(_ match: Match) throws {
            switch match {
            case .student(let facts, let present, let events, let storeID): try student(facts, present, events, storeID)
            case .unmatched(let id, let name, let events, let legacy): try unmatched(id, name, events, legacy)
            }
        }
        // Incrementally, the join reads the few touched IDs through the indexes, in line: `temp.touched` is a table
        // of this connection.
        guard database.path != ":memory:", base == nil else {
            try meanwhile()
            return try Self.merge(db, touchedOnly: base != nil, eventsBefore: nightEnd, take)
        }
        let database = UncheckedBox(database), nightEnd = nightEnd
        try streamOnSecondThread(meanwhile: meanwhile, produce: { emit in
            try database.value.readAlongside { db in
                Self.addID18Function(db)
                try Self.merge(db, touchedOnly: false, eventsBefore: nightEnd, emit)
            }
        }, consume: take)
    }

    /// `zicha_id18(id15, century)`: a legacy ID's 18-digit form for that century, for the join and `temp.touched`.
    static func addID18Function(_ db: Database) {
        db.add(function: DatabaseFunction("zicha_id18", argumentCount: 2, pure: true) { values in
            guard let id15 = String.fromDatabaseValue(values[0]), let century = Int.fromDatabaseValue(values[1]) else { return nil }
            return IDNumber.upgrade(id15, century: century)
        })
    }

    /// The merge join itself, in ID order: memory holds one ID's events at a time. Three sorted streams meet:
    /// the roster, the 18-digit events, and the legacy 15-digit events under the 18-digit ID they stand for.
    /// `touchedOnly` limits all three to the IDs of `temp.touched`; events from `end` on (dated after the night) are
    /// left to later nights, so that a night's results do not depend on the logs imported after it.
    private static func merge(_ db: Database, touchedOnly: Bool, eventsBefore end: Int64, _ emit: (Match) throws -> Void) throws {
        // A legacy ID stands for its 18-digit form with 19, or else 20, inserted when a valid roster ID is exactly
        // that (a valid roster ID is rebuilt exactly from its 15 digits and century); for 19xx when neither is.
        // SQLite sorts the 15-digit events under that key on disk (a national night has ~350,000 of them).
        let fifteen = try SQLiteRows(db, sql: """
            SELECT key, kind, reason, ts, detail, name, file_id, line FROM (
              SELECT CASE WHEN EXISTS (SELECT 1 FROM student WHERE id_norm = zicha_id18(e.id_norm, 19) AND id_problem IS NULL)
                            THEN zicha_id18(e.id_norm, 19)
                          WHEN EXISTS (SELECT 1 FROM student WHERE id_norm = zicha_id18(e.id_norm, 20) AND id_problem IS NULL)
                            THEN zicha_id18(e.id_norm, 20)
                          ELSE zicha_id18(e.id_norm, 19) END AS key,
                     e.kind, e.reason, e.ts, e.detail, e.name, e.file_id, e.line
              FROM event e INDEXED BY event_15 WHERE e.is15 AND e.ts < ?1)
            \(touchedOnly ? "WHERE key IN (SELECT id FROM temp.touched)" : "") ORDER BY key, ts, file_id, line
            """, arguments: [end])
        // Each student comes with the counselor list's mappings for their class and college (`CounselorScopes`).
        // The table is read in storage order and sorted (NOT INDEXED): walking the ID index would fetch every row at
        // random.
        let scopes = try CounselorScopes(db)
        let students = try SQLiteRows(db, sql: """
            SELECT s.id_norm, s.ksh, s.name, s.admission_name, s.id_raw, s.id_problem, s.id_cleaned, s.phone_raw, s.phone_norm,
                   s.phone_valid, s.college, s.class, s.counselor, s.counselor_email, s.left_on IS NULL, s.id
            FROM \(touchedOnly ? "temp.touched t JOIN student s ON s.id_norm = t.id" : "student s NOT INDEXED")
            ORDER BY s.id_norm, s.ksh
            """)
        let events = try SQLiteRows(db, sql: """
            SELECT id_norm, kind, reason, ts, detail, name, file_id, line FROM event
            WHERE NOT is15 AND ts < ?1 \(touchedOnly ? "AND id_norm IN (SELECT id FROM temp.touched)" : "") ORDER BY id_norm, ts, file_id, line
            """, arguments: [end])
        // States said again by later exports (`state_restated`): a fourth stream, empty unless status exports came in.
        let restated = try SQLiteRows(db, sql: """
            SELECT id_norm, file_id, line, max(ts) FROM state_restated
            WHERE ts < ?1 \(touchedOnly ? "AND id_norm IN (SELECT id FROM temp.touched)" : "") GROUP BY id_norm, file_id, line ORDER BY id_norm
            """, arguments: [end])
        var restatedID = try restated.next() ? restated.text(0) : nil
        // Each row's ID is decoded once, when the row is read (18-character IDs are heap strings in Swift).
        var studentID = try students.next() ? students.text(0) : nil
        var eventID = try events.next() ? events.text(0) : nil
        var fifteenID = try fifteen.next() ? fifteen.text(0) : nil
        // A million events name nine kinds and a few reasons: each text is decoded once (`EventKind(rawValue:)`'s
        // string switch ran for nearly every event when only the last kind was remembered).
        var decoders = EventDecoders()
        while let id = Self.lowest(Self.lowest(studentID, eventID), fifteenID) {
            var group: [LoggedEvent] = []
            var logName = ""
            let legacy = fifteenID == id
            // The ID's states said again: (file, line) of the event, and when. Every one is an event of this ID, and
            // so in `events` (its time before the one it was said again at, and so before the night's end).
            var saidAgain: [(file: Int64, line: Int64, time: Int64)] = []
            while let rid = restatedID, Self.lowest(rid, id) == rid {
                if rid == id { saidAgain.append((restated.int64(1), restated.int64(2), restated.int64(3))) }
                restatedID = try restated.next() ? restated.text(0) : nil
            }
            if !legacy {
                while eventID == id {
                    if logName.isEmpty { logName = events.text(5) }
                    group.append(Self.event(events, &decoders, saidAgain: saidAgain))
                    eventID = try events.next() ? events.text(0) : nil
                }
            } else {
                // The ID's events under both forms, in one order — time, then file and line, as one log lists them —
                // so that the latest state and what a later event passed do not depend on the form a row used.
                var legacyName = ""
                while eventID == id || fifteenID == id {
                    if eventID == id, fifteenID != id || !Self.precedes(fifteen, events) {
                        if logName.isEmpty { logName = events.text(5) }
                        group.append(Self.event(events, &decoders, saidAgain: saidAgain))
                        eventID = try events.next() ? events.text(0) : nil
                    } else {
                        if legacyName.isEmpty { legacyName = fifteen.text(5) }
                        group.append(Self.event(fifteen, &decoders, legacyForm: true))
                        fifteenID = try fifteen.next() ? fifteen.text(0) : nil
                    }
                }
                if logName.isEmpty { logName = legacyName }
            }
            var matched = false
            while studentID == id {
                matched = true
                try emit(.student(Self.facts(students, id: id, scopes: scopes), present: students.bool(14), events: group,
                                   storeID: students.int64(15)))
                studentID = try students.next() ? students.text(0) : nil
            }
            if !matched, !group.isEmpty { try emit(.unmatched(id: id, name: logName, events: group, legacy: legacy)) }
        }
    }

    /// Whether the current row of `a` comes before that of `b` by time, file and line (columns 3, 6 and 7).
    private static func precedes(_ a: SQLiteRows, _ b: SQLiteRows) -> Bool {
        (a.int64(3), a.int64(6), a.int64(7)) < (b.int64(3), b.int64(6), b.int64(7))
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

    /// The stored kinds and reasons of events, decoded once each.
    private struct EventDecoders {
        var kinds = ColumnDecoder { EventKind(rawValue: $0) ?? .login }
        var reasons = ColumnDecoder { FailureReason(rawValue: $0) }
    }

    /// The event of `r`'s current row; `saidAgain`: the ID's states said again, by file and line (see `merge`).
    private static func event(_ r: SQLiteRows, _ decoders: inout EventDecoders, legacyForm: Bool = false,
                              saidAgain: [(file: Int64, line: Int64, time: Int64)] = []) -> LoggedEvent {
        var e = LoggedEvent(kind: decoders.kinds.value(r, 1), reason: r.isNull(2) ? nil : decoders.reasons.value(r, 2), time: r.int64(3),
                            detail: r.text(4), legacyForm: legacyForm)
        if !saidAgain.isEmpty, let again = saidAgain.first(where: { $0.file == r.int64(6) && $0.line == r.int64(7) }) {
            e.restated = again.time
        }
        return e
    }

    static func facts(_ r: SQLiteRows, id: String, scopes: CounselorScopes) -> StudentFacts {
        let college = r.text(10), className = r.text(11)
        return StudentFacts(ksh: r.text(1), name: r.text(2), admissionName: r.text(3), idRaw: r.text(4), idNorm: id,
                            idProblem: r.optionalText(5), idNeededCleaning: r.bool(6), phoneRaw: r.text(7), phoneNorm: r.text(8),
                            phoneValid: r.bool(9), college: college, className: className, counselor: r.text(12),
                            counselorEmail: r.text(13), classCounselor: scopes.forClass(className, in: college),
                            collegeCounselor: scopes.forCollege(college))
    }

    /// The counselor list's mappings, class → counselor and college → counselor, read once for the join. They were
    /// two lookups per student in the join's query, made before its sort (which then carried them): at 1M, 2 M
    /// B-tree searches on the join's thread while the rules' thread waited for the first student. Held in memory,
    /// they are as many as the list's rows — one per class or college, as reconcile's counts per class are.
    struct CounselorScopes {
        /// Each distinct counselor and address once, the mappings holding its place: a counselor has several classes
        /// (≈ 5 in the benchmark's lists), and an address of ≈ 30 bytes was a heap string of its own in every
        /// mapping — ≈ 25 MB of a national night's 330,000.
        private var assignments: [Assignment] = []
        /// By college and class; a row naming only the class has the college ''.
        private var classes: [ClassKey: Int32] = [:]
        private var colleges: [ExactText: Int32] = [:]

        private struct ClassKey: Hashable { let college, className: ExactText }

        init(_ db: Database) throws {
            struct Key: Hashable { let counselor, email: ExactText }  // by bytes, as SQLite compared them
            var known: [Key: Int32] = [:]
            let rows = try SQLiteRows(db, sql: "SELECT scope_kind = 'class', scope, counselor, email, college FROM counselor_scope")
            while try rows.next() {
                let counselor = rows.text(2), email = rows.text(3)
                let key = Key(counselor: ExactText(counselor), email: ExactText(email))
                let place: Int32
                if let seen = known[key] {
                    place = seen
                } else {
                    place = Int32(assignments.count)
                    known[key] = place
                    assignments.append(Assignment(counselor: counselor, email: email))
                }
                if rows.bool(0) {
                    classes[ClassKey(college: ExactText(rows.text(4)), className: ExactText(rows.text(1)))] = place
                } else {
                    colleges[ExactText(rows.text(1))] = place
                }
            }
        }

        /// The mapping of the class named `name` in `college`, else of that class in any college (a row naming only the
        /// class) — never a row naming another college: two colleges may each have a 1班, and a list that spells a
        /// college otherwise than the roster gets a warning naming the row (`counselorScopesMatchingNoStudent`).
        func forClass(_ name: String, in college: String) -> Assignment? {
            let className = ExactText(name)
            let place = classes[ClassKey(college: ExactText(college), className: className)] ?? classes[ClassKey(college: ExactText(""), className: className)]
            return place.map { assignments[Int($0)] }
        }

        /// The mapping of the college named `name`, if the list has one.
        func forCollege(_ name: String) -> Assignment? { colleges[ExactText(name)].map { assignments[Int($0)] } }
    }
}
