import Foundation
import GRDB

/// A log row ready to store.
public struct EventRow: Sendable {
    /// The cleaned ID: 18 characters, or the 15 digits a legacy registration used.
    public var id: String
    public var isFifteen: Bool
    public var name: String
    public var kind: EventKind
    public var detail: String
    public var reason: FailureReason?
    public var time: Int64
    public var line: Int
}

/// What happened to one imported file.
public struct ImportedFile: Sendable, Equatable {
    public var kind: TableKind
    public var name: String
    public var accepted: Int
    public var rejected: Int
    /// True when the same file (same SHA-256) had been imported before: nothing changed.
    public var alreadyImported: Bool
    /// The night the same content came in on before: a file `alreadyImported`, or a log read again (see
    /// `ImportSession.beginFile`).
    public var importedOn: String? = nil
}

/// What closing a file changed besides its rows (`ImportSession.finishFile`).
public struct FileOutcome: Sendable, Equatable {
    /// Students a roster no longer names, marked as left.
    public var leftStudents = 0
    /// Students on the roster before this one (a later roster's file only).
    public var presentBefore = 0
    /// Students whose only row in the roster was set aside, kept on it (`ImportSession.keepStudent`).
    public var keptStudents = 0
    /// A log's rows whose event an earlier file already gave: not stored again.
    public var repeatedEvents = 0
    /// Of the first `rekeyedLookedAt` of `leftStudents`, those this roster names by their other number: a student
    /// leaving under a 学号 that is on it as a 学号 beside a 考生号, or under a 考生号 while on it keyed by their 学号 (the
    /// export changed its key column, so everyone looks new).
    public var rekeyedStudents = 0
    public var rekeyedLookedAt = 0
    /// Of the same first `rekeyedLookedAt`, those on this roster under their key without its leading zeros
    /// (`02026000001` leaving, `2026000001` with the same ID arriving): a key column saved as a number.
    public var zerosLostStudents = 0
}

/// Writes one night's files inside one transaction, with prepared statements reused for every row.
/// Created by `AppDatabase.importNight`; the importer never sees GRDB.
public final class ImportSession {
    /// How many of the students a roster marks as left are looked at for a changed key column.
    static let rekeyedSample = 64
    let db: Database
    let asOf: String
    private var fileID: Int64 = 0
    private var insertStudent: FastStatement?
    /// Set while a first roster fills the empty student table without its 考生号 index (`indexKeys`).
    private var keyIndexDropped = false
    /// Set while a roster is stored over students already there.
    private var replacement: RosterReplacement?
    /// Students on the roster when this roster began (those it may mark as left).
    private var presentBefore = 0
    /// Set while a roster is stored: its rows in order, for the next roster (`RosterSequence`).
    private var sequence: RosterSequence.Writer?
    private var insertEvents: MultiRowInsert<EventRow>?
    /// Set while a log is stored over events already there: its rows wait in `temp.event_stage` (see `storeStagedEvents`).
    private var stagingEvents = false
    /// Set once a time-less state row (a status export's) of a log over earlier events waits in `temp.state_stage`
    /// for the end of the night (`storeStagedStates`).
    private var insertStates: MultiRowInsert<EventRow>?
    /// How many files staged state rows tonight (`storeStagedStates` then also compares them with one another), and
    /// the last of them.
    private var stateFiles = 0
    private var lastStateFile: Int64 = -1
    /// The night at 00:00: the time of log rows that have none.
    private let midnight: Int64
    /// The current log's state rows without a time of their own (`import_file.timeless_states`).
    private var timelessStates = 0
    /// Set while a log imported on another night is read again for its states without a time (`beginFile`): its
    /// other rows without a time repeat that night's, and are left out like the repeats of timed rows.
    private var rereading = false
    /// Rows of the current log left out by `rereading`.
    private var rereadRepeats = 0
    private var insertReject: Statement?
    private var insertScope: Statement?
    private var findScope: Statement?

    init(db: Database, asOf: String) {
        self.db = db
        self.asOf = asOf
        midnight = EventTime.startOfDay(asOf) ?? 0
    }

    /// Whether the log of this content, imported before, had a header and no rows.
    public func logHadNoRows(sha256: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM import_file WHERE kind = 'log' AND sha256 = ? AND rows_accepted = 0 AND rows_rejected = 0)
            """, arguments: [sha256]) ?? false
    }

    /// The night the latest import of this content came in on, and how many of its rows were set aside then (a file
    /// found already imported is not read again, so its messages are not repeated).
    public func earlierImport(kind: TableKind, sha256: String) throws -> (night: String, rowsSetAside: Int)? {
        try Row.fetchOne(db, sql: "SELECT as_of, rows_rejected FROM import_file WHERE kind = ? AND sha256 = ? ORDER BY id DESC LIMIT 1",
                         arguments: [kind.rawValue, sha256]).map { ($0[0], $0[1]) }
    }

    /// Registers a file; returns false when it changes nothing: a log imported before, or a roster or counselor
    /// list equal to the latest of its kind.
    public func beginFile(kind: TableKind, name: String, size: Int64, sha256: String, encoding: String) throws -> Bool {
        let seen: Bool
        if kind == .log {
            // A log given again changes nothing — unless it came on another night and every row of it was a state
            // without a time, which it says again tonight (a status export identical to an earlier night's). A log with
            // times whose few rows lack one is not an export of states: read again, its 未查 without a time undid the
            // student's 自查完成 at 11:00 of the night before (found by an audit of dates).
            seen = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM import_file WHERE kind = ? AND sha256 = ? AND (as_of = ? OR timeless_states = 0 OR timeless_states < rows_accepted)
                """, arguments: [kind.rawValue, sha256, asOf]) == true
        } else {
            // Snapshots: only the latest one of the kind makes tonight's copy a no-op.
            seen = try String.fetchOne(db, sql: "SELECT sha256 FROM import_file WHERE kind = ? ORDER BY id DESC LIMIT 1", arguments: [kind.rawValue]) == sha256
        }
        if seen { return false }
        try db.execute(sql: """
            INSERT INTO import_file (kind, name, size, sha256, encoding, as_of, rows_accepted, rows_rejected, imported_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)
            """, arguments: [kind.rawValue, name, size, sha256, encoding, asOf, ISO8601DateFormatter().string(from: Date())])
        fileID = db.lastInsertedRowID
        timelessStates = 0
        rereadRepeats = 0
        // Not `seen`, yet the same content came before: on another night, and with states without a time.
        rereading = try kind == .log
            && Bool.fetchOne(db, sql: "SELECT 1 FROM import_file WHERE kind = 'log' AND sha256 = ? AND id <> ?", arguments: [sha256, fileID]) == true
        if kind == .counselors { try db.execute(sql: "DELETE FROM counselor_scope") }
        replacement = nil
        sequence = nil
        insertEvents = nil
        stagingEvents = false
        if kind == .log, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM event)") == true {
            // The index is built here only by a first night's second log, over the first one's events.
            try db.execute(sql: Schema.eventIndex)
            try createStage("event_stage")
            stagingEvents = true
        }
        if kind == .roster {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM student)") == true {
                replacement = try RosterReplacement(db, previous: try RosterSequence.storedFile(db).map { try RosterSequence.Matcher(db, fileID: $0) })
                presentBefore = try Int.fetchOne(db, sql: "SELECT count(*) FROM student WHERE left_on IS NULL") ?? 0
                insertStudent = try FastStatement(db, sql: Self.insertStudentSQL + " ON CONFLICT (ksh) DO NOTHING")
            } else {
                // The first roster: each row goes to the end of the table, and the 考生号 index is built in one
                // sort after the load (`indexKeys`) instead of taking each 考生号 at a random place.
                try db.execute(sql: "DROP INDEX student_by_ksh")
                keyIndexDropped = true
                insertStudent = try FastStatement(db, sql: Self.insertStudentSQL)
            }
            sequence = try RosterSequence.Writer(db, fileID: fileID)
        }
        return true
    }

    private static let insertStudentSQL = """
        INSERT INTO student (ksh, xh, name_raw, name, admission_name, id_raw, id_norm, id_problem, id_cleaned, id15,
            sex, birthdate, phone_raw, phone_norm, phone_valid, college, major, class, counselor, counselor_email,
            first_seen, last_seen, left_on, file_id, line, row_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?29)
        """

    /// After a first roster's rows are stored: builds the 考生号 index, and when a 考生号 came more than once,
    /// first removes every row of it but the first (as the index, present while storing, would have refused them).
    /// Returns those rows' lines and 考生号, for the importer to set them aside; empty for any other file.
    public func indexKeys() throws -> [Int: String] {
        guard keyIndexDropped else { return [:] }
        keyIndexDropped = false
        do {
            try db.execute(sql: Schema.keyIndex)
            return [:]
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {}
        let repeatedRows = "SELECT id FROM student WHERE id NOT IN (SELECT min(id) FROM student GROUP BY ksh)"
        var repeated: [Int: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT line, ksh FROM student WHERE id IN (\(repeatedRows))")
        while let row = try rows.next() { repeated[row[0]] = row[1] }
        try db.execute(sql: "DELETE FROM student WHERE id IN (\(repeatedRows))")
        try db.execute(sql: Schema.keyIndex)
        // The sequence names the removed rows: the next roster is looked up by 考生号 instead.
        sequence = nil
        try RosterSequence.removeAll(db)
        return repeated
    }

    /// Stores a roster student. Returns false when the 考生号 already came earlier in this same file (over the first
    /// roster, such rows are only found by `indexKeys` after the load).
    /// Over a roster already stored, a student whose stored values the row repeats is not written again: a roster
    /// re-imported every night with a few changes rewrote the whole table (and its rollback journal). So a row's
    /// file, line and last_seen are those of the roster that last changed it. A row whose values hash to the stored
    /// row's (and who had not left) is not even compared: the comparing UPDATE was most of such a night's import.
    public func addStudent(_ s: StudentRow) throws -> Bool {
        if let replacement {
            if let id = try replacement.previous?.match(s.placeHash, db) {
                // The latest roster's row at this place, unchanged: its student, who had not left.
                guard replacement.mark(id) else { return false }
                try sequence?.append(hash: s.placeHash, studentID: id, db)
                return true
            }
            replacement.find.bind(1, s.ksh)
            replacement.find.bind(2, s.storedValuesHash)
            if let (id, unchanged) = try replacement.find.fetchInt64Pair(db) {
                guard replacement.mark(id) else { return false }
                try sequence?.append(hash: s.placeHash, studentID: id, db)
                if unchanged == 1 { return true }
                bind(replacement.update, s)
                replacement.update.bind(28, id)
                try replacement.update.execute(db)
                if db.changesCount == 0 {  // the same values under another hash (a database from before v6)
                    replacement.setHash.bind(1, id); replacement.setHash.bind(2, s.storedValuesHash)
                    try replacement.setHash.execute(db)
                }
                return true
            }
            bind(insertStudent!, s)
            try insertStudent!.execute(db)
            _ = replacement.mark(db.lastInsertedRowID)
            try sequence?.append(hash: s.placeHash, studentID: db.lastInsertedRowID, db)
            return true
        }
        // The first roster: a 考生号 that came before is found by `indexKeys` after the load.
        bind(insertStudent!, s)
        try insertStudent!.execute(db)
        try sequence?.append(hash: s.placeHash, studentID: db.lastInsertedRowID, db)
        return true
    }

    /// Binds a roster row as parameters 1–24, 27 and 29 of the student statements (what `StudentRow.hashes()`
    /// hashes: keep the two in step).
    private func bind(_ st: FastStatement, _ s: StudentRow) {
        let admission = s.storedAdmissionName
        let id15 = s.storedID15
        st.bind(1, s.ksh); st.bind(2, s.xh); st.bind(3, s.name.raw); st.bind(4, s.name.normalized); st.bind(5, admission)
        st.bind(6, s.id.raw); st.bind(7, s.id.normalized); st.bind(8, s.id.problem?.rawValue); st.bind(9, s.id.neededCleaning)
        st.bind(10, id15); st.bind(11, s.sex); st.bind(12, s.birthdate); st.bind(13, s.phone.raw); st.bind(14, s.phone.normalized)
        st.bind(15, s.phone.isMobile); st.bind(16, s.college); st.bind(17, s.major); st.bind(18, s.className)
        st.bind(19, s.counselor); st.bind(20, s.counselorEmail); st.bind(21, asOf); st.bind(22, asOf); st.bind(23, fileID)
        st.bind(24, s.line); st.bind(27, s.admissionName != nil); st.bind(29, s.storedValuesHash)
    }

    /// Stores a log event (many at a time: `finishFile` stores the last ones). Over events already stored, the rows
    /// are staged, and `finishFile` leaves out those an earlier file already gave (`storeStagedEvents`); a row
    /// without a time of its own that gives a state (a status export's) waits for the end of the night instead
    /// (`storeStagedStates`).
    public func addEvent(_ e: EventRow) throws {
        if e.time == midnight, e.kind.state != nil { timelessStates += 1 }
        if rereading, e.time == midnight, e.kind.state == nil { rereadRepeats += 1; return }
        if stagingEvents, e.time == midnight, e.kind.state != nil, !e.isFifteen {
            if insertStates == nil {
                try createStage("state_stage")
                insertStates = try eventInsert(into: "temp.state_stage")
            }
            if lastStateFile != fileID { stateFiles += 1; lastStateFile = fileID }
            return try insertStates!.add(e, db)
        }
        if insertEvents == nil { insertEvents = try eventInsert(into: stagingEvents ? "temp.event_stage" : "event") }
        try insertEvents!.add(e, db)
    }

    /// Inserts of log rows into `table`, 64 at a time, under the current file (flushed before the next one begins).
    /// `OR FAIL`, with the import's foreign keys off (`AppDatabase.importNight`): a statement of many rows that could
    /// abort halfway makes SQLite copy every page it touches into a statement journal first, to undo the statement
    /// alone — at 1M, 3.2 GB written and truncated again during the log's 4–5 s. A failing row fails the night's
    /// whole import either way, which its transaction then undoes.
    private func eventInsert(into table: String) throws -> MultiRowInsert<EventRow> {
        try MultiRowInsert(db, head: "INSERT OR FAIL INTO \(table) (file_id, line, id_norm, is15, name, kind, detail, reason, ts)",
                           parametersPerRow: 9) { [unowned self] st, e, o in
            st.bind(o + 1, fileID); st.bind(o + 2, e.line); st.bind(o + 3, e.id); st.bind(o + 4, e.isFifteen); st.bind(o + 5, e.name)
            st.bind(o + 6, e.kind.rawValue); st.bind(o + 7, e.detail); st.bind(o + 8, e.reason?.rawValue); st.bind(o + 9, e.time)
        }
    }

    /// Moves a log's staged rows into `event`, less those whose event an earlier file already gave — the same ID, time,
    /// event, reason, name and detail — and returns how many it left out. Offices often export the whole log each night,
    /// so that each night's file repeats every earlier one: stored again, its events would count twice (a
    /// NOT_ON_ROSTER's 记录数), the database would grow by the whole log each night, and an incremental night would
    /// take every ID as touched. Rows of one file are all kept: within one export, each row is an event.
    ///
    /// The rows are looked up in ID order (a materialized, sorted CTE), so each lookup lands beside the last one in
    /// `event_by_id`, which is read once, in order (a whole 1M log again: import.log 7.3 s; looked up row by row in
    /// file order, at random, with a page copied from the OS for most lookups, 14.8 s). The order only makes it
    /// faster: the rows stored are the same in any order.
    private func storeStagedEvents() throws -> Int {
        let staged = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.event_stage") ?? 0
        try db.execute(sql: """
            INSERT INTO event (file_id, line, id_norm, is15, name, kind, detail, reason, ts)
            WITH s AS MATERIALIZED (SELECT * FROM temp.event_stage ORDER BY id_norm, ts)
            SELECT file_id, line, id_norm, is15, name, kind, detail, reason, ts FROM s
            WHERE NOT \(Self.givenByAnEarlierFile)
            """)
        let stored = db.changesCount
        try db.execute(sql: "DROP TABLE temp.event_stage")
        return staged - stored
    }

    /// Whether the event `p` says what the staged state row `s` says, from another file.
    private static func saysAgain(_ p: String) -> String {
        "\(p).file_id <> s.file_id AND \(p).kind = s.kind AND \(p).reason IS s.reason AND \(p).name = s.name AND \(p).detail = s.detail"
    }

    /// True for a staged row `s` whose event an earlier file already gave: the same ID, time, event, reason, name and
    /// detail (looked up in `event_by_id`).
    private static let givenByAnEarlierFile = """
        EXISTS (SELECT 1 FROM event e INDEXED BY event_by_id WHERE e.id_norm = s.id_norm AND e.ts = s.ts
          AND e.file_id <> s.file_id AND e.is15 = s.is15 AND e.kind = s.kind AND e.reason IS s.reason
          AND e.name = s.name AND e.detail = s.detail)
        """

    /// (Re)creates the empty temporary table `name`, shaped as `event`, where log rows wait.
    private func createStage(_ name: String) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS temp.\(name); CREATE TEMP TABLE \(name) AS SELECT * FROM event WHERE 0")
    }

    /// Stores the state rows that waited for the end of the night (`addEvent`), less those that only say again what
    /// the student's previous event said: a row without a time of its own (a status export's 已查 / 未查 / 有异议,
    /// dated the night at 00:00) whose state, reason, name and detail are those of the event just before it, from
    /// another file — just before it as the rules order events, each at the latest time an export said it again
    /// before this row (`state_restated`): an export saying 未查 on two nights, then a late row's 已确认 dated between
    /// the two, and tonight's 已查 changes the state (found by an audit: it was taken as saying the 已确认 again, and
    /// an incremental night, which reconciles only the IDs of stored rows, kept the student unchecked). A status export lists every student every night; stored each night, it would add a row per
    /// student (a million at 1M), count again in a NOT_ON_ROSTER's 记录数, and touch every ID, so that no night after
    /// it could reconcile incrementally. Rows an earlier file gave already (`storeStagedEvents`) are left out too.
    ///
    /// Leaving such a row out changes no state and no finding: the latest state is the same event either way, counts
    /// of state events decide nothing, and with nothing between the two a failure stands after one exactly when
    /// after the other; the evidence keeps the time the state was first reported. The row's time is kept against the
    /// event it said again (`state_restated`): a night run late, whose rows land between the two, would otherwise make
    /// its own state the latest. It is decided once the night's
    /// other rows are all stored, so that "the event just before" does not depend on the order of the files. A row
    /// that shares its time with another row of its ID is kept, and so is every row of an ID that also has events
    /// under its 15-digit form (the two forms' events interleave). Returns, in file order, the files that had rows
    /// left out: their names, and how many of their rows.
    public func storeStagedStates() throws -> [(file: String, left: Int, accepted: Int)] {
        guard let insert = insertStates else { return [] }
        try insert.flush(db)
        insertStates = nil
        try db.execute(sql: Schema.lookupIndexes)  // a first night's second log: its indexes come now, not after
        // Rows waiting here are not in `event`: one that an earlier file of tonight also staged is given by that file
        // (found by an audit: two files' rows without a time, one saying again what the other said, were both kept, and
        // the later file's made the state — on a first night, whose first log is stored at once, it was left out). Only
        // compared when two files staged rows: a second sort of the rows.
        let earliestFile = stateFiles > 1 ? "min(file_id) OVER (PARTITION BY id_norm, ts, is15, kind, reason, name, detail)" : "file_id"
        // Each row decided once, in ID order as `storeStagedEvents` does (each lookup lands beside the last one in
        // `event_by_id`): given by an earlier file, or saying again the previous event (whose key it then holds, its
        // file id and line in one integer: the line below 2⁴⁰, as `SheetLine` keeps a workbook's sheets' lines), or stored.
        try db.execute(sql: """
            CREATE TEMP TABLE state_decided AS
            WITH staged AS MATERIALIZED (SELECT *, count(*) OVER (PARTITION BY id_norm) AS same_time, \(earliestFile) AS earliest_file
                                         FROM temp.state_stage ORDER BY id_norm),
            s AS MATERIALIZED (SELECT staged.*, (SELECT max(r.ts) FROM state_restated r WHERE r.id_norm = staged.id_norm AND r.ts < staged.ts)
                                   AS restated_at FROM staged)
            SELECT s.*, (s.earliest_file < s.file_id OR \(Self.givenByAnEarlierFile)) AS given,
                   CASE WHEN same_time = 1
                     AND NOT EXISTS (SELECT 1 FROM event q INDEXED BY event_by_id WHERE q.id_norm = s.id_norm AND q.ts = s.ts)
                     AND NOT EXISTS (SELECT 1 FROM event f INDEXED BY event_15
                                     WHERE f.is15 AND f.id_norm = substr(s.id_norm, 1, 6) || substr(s.id_norm, 9, 9))
                   THEN CASE WHEN s.restated_at >= coalesce((SELECT max(q.ts) FROM event q INDEXED BY event_by_id
                                                             WHERE q.id_norm = s.id_norm AND q.ts < s.ts), 0)
                     -- The latest state an export said again stands after every event before it (the rules' order).
                     THEN (SELECT CASE WHEN \(Self.saysAgain("p")) THEN p.file_id * 1099511627776 + p.line END
                           FROM state_restated r JOIN event p ON p.file_id = r.file_id AND p.line = r.line
                           WHERE r.id_norm = s.id_norm AND r.ts = s.restated_at ORDER BY r.file_id DESC, r.line DESC LIMIT 1)
                     ELSE (SELECT CASE WHEN \(Self.saysAgain("p")) THEN p.file_id * 1099511627776 + p.line END
                           FROM event p INDEXED BY event_by_id WHERE p.id_norm = s.id_norm AND p.ts < s.ts
                           ORDER BY p.ts DESC, p.file_id DESC, p.line DESC LIMIT 1) END
                   END AS says_again
            FROM s
            """)
        try db.execute(sql: """
            INSERT INTO event (file_id, line, id_norm, is15, name, kind, detail, reason, ts)
            SELECT file_id, line, id_norm, is15, name, kind, detail, reason, ts FROM temp.state_decided
            WHERE NOT given AND says_again IS NULL ORDER BY id_norm;
            INSERT OR IGNORE INTO state_restated (id_norm, file_id, line, ts)
            SELECT id_norm, says_again / 1099511627776, says_again % 1099511627776, ts FROM temp.state_decided
            WHERE NOT given AND says_again IS NOT NULL ORDER BY id_norm, says_again, ts;
            DROP TABLE temp.state_decided;
            """)
        let left = try Row.fetchAll(db, sql: """
            SELECT f.name, count(*), f.rows_accepted FROM temp.state_stage s JOIN import_file f ON f.id = s.file_id
            WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.file_id = s.file_id AND e.line = s.line)
            GROUP BY s.file_id ORDER BY s.file_id
            """).map { (file: $0[0] as String, left: $0[1] as Int, accepted: $0[2] as Int) }
        try db.execute(sql: "DROP TABLE temp.state_stage")
        return left
    }

    /// Stores a counselor mapping row; a later row for the same scope replaces an earlier one. Returns that earlier row
    /// of this file when it named another counselor or address (its line and counselor), for a warning.
    @discardableResult
    public func addCounselorScope(kind: String, college: String = "", scope: String, counselor: String, email: String, line: Int) throws
        -> (line: Int, counselor: String)? {
        if findScope == nil {
            findScope = try db.makeStatement(sql: """
                SELECT line, counselor, email FROM counselor_scope WHERE scope_kind = ? AND college = ? AND scope = ? AND file_id = ?
                """)
        }
        var replaced: (line: Int, counselor: String)?
        if let earlier = try Row.fetchOne(findScope!, arguments: [kind, college, scope, fileID]),
           earlier[1] as String != counselor || (earlier[2] as String).lowercased() != email.lowercased() {
            replaced = (earlier[0], earlier[1])
        }
        if insertScope == nil {
            insertScope = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO counselor_scope (scope_kind, college, scope, counselor, email, file_id, line) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        }
        insertScope!.setUncheckedArguments([kind, college, scope, counselor, email, fileID, line])
        try insertScope!.execute()
        return replaced
    }

    /// Keeps the stored student `ksh`, if present, on a roster being stored over an earlier one although tonight's row
    /// was set aside: not marked as left, their values as the earlier roster had them. A bad cell is no reason for a
    /// student to drop off every list. (Over the first roster there is nobody to keep.)
    public func keepStudent(ksh: String) throws {
        guard let replacement else { return }
        replacement.findPresent.bind(1, ksh)
        // Marked when the file ends: a later row of the file with this 考生号 is still stored as tonight's.
        if let (id, _) = try replacement.findPresent.fetchInt64Pair(db) { replacement.setAside.append(id) }
    }

    /// The most cells of a row set aside that are kept.
    static let rejectedCellsKept = 1_024

    /// Sets a row aside with its reason and its cells as the file had them.
    public func addReject(line: Int, location: String, reason: String, cells: [String]) throws {
        if insertReject == nil {
            insertReject = try db.makeStatement(sql: "INSERT OR REPLACE INTO reject (file_id, line, location, reason, raw) VALUES (?, ?, ?, ?, ?)")
        }
        // At most 1,024 cells: a workbook row reaching column ZZZ kept 18,278 cells per rejected row, in the database
        // and in each night's rejects.csv (found by an audit: 2.8 KB of list, 55 MB of rejects every night). No table
        // zicha reads has that many columns.
        let raw = String(decoding: try JSONSerialization.data(withJSONObject: Array(cells.prefix(Self.rejectedCellsKept))), as: UTF8.self)
        insertReject!.setUncheckedArguments([fileID, line, location, reason, raw])
        try insertReject!.execute()
    }

    /// Closes a file: counts; for a log over earlier ones, its new events stored; for a roster, students absent
    /// from it marked as left.
    /// `lastEventTime`: a log's latest event time (`import_file.last_ts`).
    public func finishFile(kind: TableKind, accepted: Int, rejected: Int, lastEventTime: Int64? = nil) throws -> FileOutcome {
        try insertEvents?.flush(db)
        try insertStates?.flush(db)
        try db.execute(sql: "UPDATE import_file SET rows_accepted = ?, rows_rejected = ?, last_ts = ?, timeless_states = ? WHERE id = ?",
                       arguments: [accepted, rejected, lastEventTime, timelessStates, fileID])
        if stagingEvents {
            stagingEvents = false
            rereading = false
            return FileOutcome(repeatedEvents: try storeStagedEvents() + rereadRepeats)
        }
        if kind == .roster, let sequence {
            try sequence.flush(db)
            try RosterSequence.keepOnly(fileID, db)
            self.sequence = nil
        }
        guard kind == .roster, let replacement else { return FileOutcome() }  // a first roster: nobody to leave
        self.replacement = nil
        let kept = replacement.setAside.reduce(0) { $0 + (replacement.mark($1) ? 1 : 0) }
        let seen = replacement.seen
        let function = DatabaseFunction("zicha_roster_has", argumentCount: 1, pure: true) { values in
            guard let id = Int64.fromDatabaseValue(values[0]) else { return false }
            return RosterReplacement.isMarked(seen, id)
        }
        db.add(function: function)
        defer { db.remove(function: function) }
        // The students marked as left come back from the update itself: the first few are looked at below.
        var left = 0, sample: [Int64] = []
        let marked = try Int64.fetchCursor(db, sql: "UPDATE student SET left_on = ? WHERE left_on IS NULL AND NOT zicha_roster_has(id) RETURNING id",
                                           arguments: [asOf])
        while let id = try marked.next() {
            left += 1
            if sample.count < Self.rekeyedSample { sample.append(id) }
        }
        // Of those, the ones on the roster under their other number: the same ID present under another key, whose 学号 is
        // the leaver's key or whose key is the leaver's 学号 (looked up by ID: 学号 has no index).
        let rekeyed = sample.isEmpty ? 0 : try Int.fetchOne(db, sql: """
            SELECT count(*) FROM student o WHERE o.id IN (\(sample.map(String.init).joined(separator: ","))) AND EXISTS (
                SELECT 1 FROM student n WHERE n.id_norm = o.id_norm AND n.left_on IS NULL AND n.id <> o.id
                  AND ((n.xh <> '' AND n.xh = o.ksh) OR (o.xh <> '' AND n.ksh = o.xh)))
            """) ?? 0
        // And those on it under their key without its leading zeros: LibreOffice or Excel saved the 学号 column as a
        // number (found by an audit of spreadsheet programs: each such student started afresh, with only a note).
        let zerosLost = sample.isEmpty ? 0 : try Int.fetchOne(db, sql: """
            SELECT count(*) FROM student o WHERE o.id IN (\(sample.map(String.init).joined(separator: ","))) AND o.ksh GLOB '0*' AND EXISTS (
                SELECT 1 FROM student n WHERE n.id_norm = o.id_norm AND n.left_on IS NULL AND n.id <> o.id AND n.ksh = ltrim(o.ksh, '0'))
            """) ?? 0
        return FileOutcome(leftStudents: left, presentBefore: presentBefore, keptStudents: kept, rekeyedStudents: rekeyed,
                           rekeyedLookedAt: sample.count, zerosLostStudents: zerosLost)
    }
}

extension AppDatabase {
    /// Runs `body` in one transaction: every file of a night goes in, or none does.
    ///
    /// Foreign keys are not checked meanwhile (the pragma cannot change inside a transaction): every one the import
    /// writes is the `import_file` row it has just inserted, and none of its statements deletes a parent row. Checked,
    /// each stored row looked its file up, and each multi-row insert of the log needed a statement journal
    /// (`eventInsert`). A whole first 100k night: 25.60 → 25.24 G instructions, without counting the kernel's copies
    /// of the journal; 1M first nights, three alternating pairs: import 15.2–18.4 → 13.7–14.7 s, the log's step
    /// 4.9–5.9 → 4.2–4.7 s.
    public func importNight<T>(asOf: String, _ body: (ImportSession) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            var result: T?
            do {
                try db.inTransaction {
                    let session = ImportSession(db: db, asOf: asOf)
                    result = try body(session)
                    try db.execute(sql: Schema.lookupIndexes)
                    StageClock.step("import.indexes")
                    return .commit
                }
            } catch {
                try? db.execute(sql: "PRAGMA foreign_keys = ON")  // the import's own error is the one to report
                throw error
            }
            try db.execute(sql: "PRAGMA foreign_keys = ON")  // reconcile's re-run of a night deletes through them
            return result!
        }
    }
}
