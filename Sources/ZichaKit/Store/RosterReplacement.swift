import GRDB

/// A roster stored over the students already there: each row is looked up by 考生号 and updated only when a
/// value differs, and a bit per student row id records who the file named — a row repeated within the file, and
/// at the end who is absent (left). (A temporary table of the file's 考生号 cost more than the updates it saved:
/// random inserts into a million-row B-tree.)
final class RosterReplacement {
    /// The latest roster's rows in order, when stored: most rows match there without a lookup.
    let previous: RosterSequence.Matcher?
    let find: FastStatement
    let findPresent: FastStatement
    let update: FastStatement
    let setHash: FastStatement
    private(set) var seen: [UInt64] = []
    /// Stored students whose rows the file set aside, to keep on the roster unless a later row named them.
    var setAside: [Int64] = []

    /// `update` keeps the admission name (录取姓名, else the name at the student's first import) unless the file has a
    /// 录取姓名 column or tonight is the student's first night: a first night run again with its roster corrected (a
    /// name that had lost a character to GBK, or was read in the wrong encoding) corrects the admission name too.
    init(_ db: Database, previous: RosterSequence.Matcher?) throws {
        self.previous = previous
        // The id, and 1 when the stored values hash as the row's do and the student had not left.
        find = try FastStatement(db, sql: "SELECT id, row_hash IS ?2 AND left_on IS NULL FROM student WHERE ksh = ?1")
        // A present student's id, and 0 (the pair the statement type reads), for a row set aside.
        findPresent = try FastStatement(db, sql: "SELECT id, 0 FROM student WHERE ksh = ?1 AND left_on IS NULL")
        setHash = try FastStatement(db, sql: "UPDATE student SET row_hash = ?2 WHERE id = ?1")
        update = try FastStatement(db, sql: """
            UPDATE student SET xh = ?2, name_raw = ?3, name = ?4,
                admission_name = CASE WHEN ?27 OR first_seen >= ?22 THEN ?5 ELSE admission_name END,
                id_raw = ?6, id_norm = ?7, id_problem = ?8, id_cleaned = ?9, id15 = ?10, sex = ?11, birthdate = ?12,
                phone_raw = ?13, phone_norm = ?14, phone_valid = ?15, college = ?16, major = ?17, class = ?18,
                counselor = ?19, counselor_email = ?20, last_seen = ?22, left_on = NULL, file_id = ?23, line = ?24,
                row_hash = ?29
            WHERE id = ?28 AND (left_on IS NOT NULL OR ((?27 OR first_seen >= ?22) AND admission_name IS NOT ?5)
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
