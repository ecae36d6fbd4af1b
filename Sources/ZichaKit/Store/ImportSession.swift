import Foundation
import GRDB

/// A roster row ready to store: raw values beside normalized ones.
public struct StudentRow: Sendable {
    public var ksh: String
    public var xh: String
    public var name: PersonName
    /// The 录取姓名 cell, when the roster has the column and the cell is not blank.
    public var admissionName: PersonName?
    public var id: IDNumber
    public var sex: String
    public var birthdate: String
    public var phone: PhoneNumber
    public var college: String
    public var major: String
    public var className: String
    public var counselor: String
    public var counselorEmail: String
    public var line: Int
    /// A hash of the values the row stores (`valuesHash`), made on the reading thread by `hashed()`.
    public var storedValuesHash: Int64 = 0
    /// A hash of the 考生号 and the values the row stores, matched against the latest roster's row at the same place
    /// (`RosterSequence`).
    public var placeHash: Int64 = 0

    /// The row with `storedValuesHash` and `placeHash` filled in.
    func hashed() -> StudentRow {
        var row = self
        (row.storedValuesHash, row.placeHash) = hashes()
        return row
    }

    /// The admission name stored: the 录取姓名 cell, else the name.
    var storedAdmissionName: String { admissionName?.normalized ?? name.normalized }
    /// The 15-digit form stored for a valid ID.
    var storedID15: String? { id.isValid ? IDNumber.fifteenForm(of: id.normalized) : nil }

    /// FNV-1a (64-bit) over every value `ImportSession.bind` stores as parameters 2–20 and 27, each ended by a byte
    /// UTF-8 never holds, then mixed (SplitMix64's finalizer). A roster stored over another compares it with the
    /// stored row's and skips the row when they match (see `RosterReplacement`). Not a cryptographic hash: two
    /// different rows share one with a chance of about 2⁻⁶⁴, and the rows are the school's own file.
    func valuesHash() -> Int64 { hashes().values }

    /// `valuesHash`, and the same hash continued over the 考生号 (`placeHash`).
    private func hashes() -> (values: Int64, withKey: Int64) {
        var h = ValuesHasher()
        h.add(xh); h.add(name.raw); h.add(name.normalized)
        h.add(admissionName != nil)
        if admissionName != nil { h.add(storedAdmissionName) }
        h.add(id.raw); h.add(id.normalized); h.add(id.problem?.rawValue); h.add(id.neededCleaning); h.add(storedID15)
        h.add(sex); h.add(birthdate); h.add(phone.raw); h.add(phone.normalized); h.add(phone.isMobile)
        h.add(college); h.add(major); h.add(className); h.add(counselor); h.add(counselorEmail)
        var keyed = h
        keyed.add(ksh)
        return (h.finish(), keyed.finish())
    }
}

/// FNV-1a (64-bit) over values, each ended by a byte UTF-8 never holds, then SplitMix64's finalizer. A struct
/// rather than closures over a local: a variable captured by nested functions is boxed, and every access to it
/// checked for exclusivity at run time (a third of the hash's cost).
private struct ValuesHasher {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) private mutating func end(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }

    mutating func add(_ s: String) {
        var x = h
        s.withBytes { for b in $0 { x = (x ^ UInt64(b)) &* 0x100_0000_01b3 } }
        h = x
        end(0xFF)
    }

    mutating func add(_ s: String?) { if let s { add(s) } else { end(0xFE) } }
    mutating func add(_ b: Bool) { end(b ? 1 : 0) }

    func finish() -> Int64 {
        var h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int64(bitPattern: h ^ (h >> 31))
    }
}

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
}

/// Writes one night's files inside one transaction, with prepared statements reused for every row.
/// Created by `AppDatabase.importNight`; the importer never sees GRDB.
public final class ImportSession {
    let db: Database
    let asOf: String
    private var fileID: Int64 = 0
    private var insertStudent: FastStatement?
    /// Set while a first roster fills the empty student table without its 考生号 index (`indexKeys`).
    private var keyIndexDropped = false
    /// Set while a roster is stored over students already there.
    private var replacement: RosterReplacement?
    /// Set while a roster is stored: its rows in order, for the next roster (`RosterSequence`).
    private var sequence: RosterSequence.Writer?
    private var insertEvents: MultiRowInsert<EventRow>?
    private var insertReject: Statement?
    private var insertScope: Statement?

    init(db: Database, asOf: String) {
        self.db = db
        self.asOf = asOf
    }

    /// Registers a file; returns false when it changes nothing: a log imported before, or a roster or counselor
    /// list equal to the latest of its kind.
    public func beginFile(kind: TableKind, name: String, size: Int64, sha256: String, encoding: String) throws -> Bool {
        let seen: Bool
        if kind == .log {
            seen = try Bool.fetchOne(db, sql: "SELECT 1 FROM import_file WHERE kind = ? AND sha256 = ?", arguments: [kind.rawValue, sha256]) == true
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
        if kind == .counselors { try db.execute(sql: "DELETE FROM counselor_scope") }
        replacement = nil
        sequence = nil
        if kind == .roster {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM student)") == true {
                replacement = try RosterReplacement(db, previous: try RosterSequence.storedFile(db).map { try RosterSequence.Matcher(db, fileID: $0) })
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

    /// Binds a roster row as parameters 1–24, 27 and 29 of the student statements (what `StudentRow.valuesHash`
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

    /// Stores a log event (many at a time: `finishFile` stores the last ones).
    public func addEvent(_ e: EventRow) throws {
        if insertEvents == nil {
            insertEvents = try MultiRowInsert(db, head: "INSERT INTO event (file_id, line, id_norm, is15, name, kind, detail, reason, ts)",
                                              parametersPerRow: 9) { [unowned self] st, e, o in
                st.bind(o + 1, fileID); st.bind(o + 2, e.line); st.bind(o + 3, e.id); st.bind(o + 4, e.isFifteen); st.bind(o + 5, e.name)
                st.bind(o + 6, e.kind.rawValue); st.bind(o + 7, e.detail); st.bind(o + 8, e.reason?.rawValue); st.bind(o + 9, e.time)
            }
        }
        try insertEvents!.add(e, db)
    }

    /// Stores a counselor mapping row; a later row for the same scope replaces an earlier one.
    public func addCounselorScope(kind: String, scope: String, counselor: String, email: String, line: Int) throws {
        if insertScope == nil {
            insertScope = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO counselor_scope (scope_kind, scope, counselor, email, file_id, line) VALUES (?, ?, ?, ?, ?, ?)
                """)
        }
        insertScope!.setUncheckedArguments([kind, scope, counselor, email, fileID, line])
        try insertScope!.execute()
    }

    /// Sets a row aside with its reason and its cells as the file had them.
    public func addReject(line: Int, location: String, reason: String, cells: [String]) throws {
        if insertReject == nil {
            insertReject = try db.makeStatement(sql: "INSERT OR REPLACE INTO reject (file_id, line, location, reason, raw) VALUES (?, ?, ?, ?, ?)")
        }
        let raw = String(decoding: try JSONSerialization.data(withJSONObject: cells), as: UTF8.self)
        insertReject!.setUncheckedArguments([fileID, line, location, reason, raw])
        try insertReject!.execute()
    }

    /// Closes a file: counts, and for a roster, marks students absent from it as left.
    public func finishFile(kind: TableKind, accepted: Int, rejected: Int) throws -> Int {
        try insertEvents?.flush(db)
        try db.execute(sql: "UPDATE import_file SET rows_accepted = ?, rows_rejected = ? WHERE id = ?",
                       arguments: [accepted, rejected, fileID])
        if kind == .roster, let sequence {
            try sequence.flush(db)
            try RosterSequence.keepOnly(fileID, db)
            self.sequence = nil
        }
        guard kind == .roster, let replacement else { return 0 }  // a first roster: nobody to leave
        self.replacement = nil
        let seen = replacement.seen
        let function = DatabaseFunction("zicha_roster_has", argumentCount: 1, pure: true) { values in
            guard let id = Int64.fromDatabaseValue(values[0]) else { return false }
            return RosterReplacement.isMarked(seen, id)
        }
        db.add(function: function)
        defer { db.remove(function: function) }
        try db.execute(sql: "UPDATE student SET left_on = ? WHERE left_on IS NULL AND NOT zicha_roster_has(id)", arguments: [asOf])
        return db.changesCount
    }
}

extension AppDatabase {
    /// Runs `body` in one transaction: every file of a night goes in, or none does.
    public func importNight<T>(asOf: String, _ body: (ImportSession) throws -> T) throws -> T {
        try writer.write { db in
            let session = ImportSession(db: db, asOf: asOf)
            let result = try body(session)
            try db.execute(sql: Schema.lookupIndexes)
            StageClock.step("import.indexes")
            return result
        }
    }
}

/// A roster stored over the students already there: each row is looked up by 考生号 and updated only when a
/// value differs, and a bit per student row id records who the file named — a row repeated within the file, and
/// at the end who is absent (left). (A temporary table of the file's 考生号 cost more than the updates it saved:
/// random inserts into a million-row B-tree.)
final class RosterReplacement {
    /// The latest roster's rows in order, when stored: most rows match there without a lookup.
    let previous: RosterSequence.Matcher?
    let find: FastStatement
    let update: FastStatement
    let setHash: FastStatement
    private(set) var seen: [UInt64] = []

    init(_ db: Database, previous: RosterSequence.Matcher?) throws {
        self.previous = previous
        // The id, and 1 when the stored values hash as the row's do and the student had not left.
        find = try FastStatement(db, sql: "SELECT id, row_hash IS ?2 AND left_on IS NULL FROM student WHERE ksh = ?1")
        setHash = try FastStatement(db, sql: "UPDATE student SET row_hash = ?2 WHERE id = ?1")
        update = try FastStatement(db, sql: """
            UPDATE student SET xh = ?2, name_raw = ?3, name = ?4, admission_name = CASE WHEN ?27 THEN ?5 ELSE admission_name END,
                id_raw = ?6, id_norm = ?7, id_problem = ?8, id_cleaned = ?9, id15 = ?10, sex = ?11, birthdate = ?12,
                phone_raw = ?13, phone_norm = ?14, phone_valid = ?15, college = ?16, major = ?17, class = ?18,
                counselor = ?19, counselor_email = ?20, last_seen = ?22, left_on = NULL, file_id = ?23, line = ?24,
                row_hash = ?29
            WHERE id = ?28 AND (left_on IS NOT NULL OR (?27 AND admission_name IS NOT ?5)
                OR (xh, name_raw, name, id_raw, id_norm, id_problem, id_cleaned, id15, sex, birthdate, phone_raw, phone_norm,
                    phone_valid, college, major, class, counselor, counselor_email)
                   IS NOT (?2, ?3, ?4, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20))
            """)
    }

    /// Marks student `id` as named by the file; false when it already was.
    func mark(_ id: Int64) -> Bool {
        let word = Int(id >> 6), bit = UInt64(1) << UInt64(id & 63)
        if word >= seen.count { seen.append(contentsOf: repeatElement(0, count: word - seen.count + 1 + seen.count / 4)) }
        if seen[word] & bit != 0 { return false }
        seen[word] |= bit
        return true
    }

    static func isMarked(_ seen: [UInt64], _ id: Int64) -> Bool {
        let word = Int(id >> 6)
        return word < seen.count && seen[word] & (UInt64(1) << UInt64(id & 63)) != 0
    }
}
