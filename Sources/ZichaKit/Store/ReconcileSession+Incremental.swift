import Foundation
import GRDB

/// Incremental nights: which night to start from, which IDs to reconcile again, and the results carried over.
extension ReconcileSession {
    /// The night to carry results over from: the latest one, when it is not later than this one, was computed
    /// with the same settings, and every file imported since is a log or a roster. A counselor list may move whole
    /// classes and colleges to other counselors, so after one every student is reconciled again.
    static func findBase(_ db: Database, asOf: String, inputs: String) throws -> ReconcileBase? {
        guard let now = NightFingerprint(inputs),
              let latest = try Row.fetchOne(db, sql: "SELECT id, as_of, inputs FROM run ORDER BY as_of DESC LIMIT 1"),
              let then = NightFingerprint(latest[2]), then.settings == now.settings, (latest[1] as String) <= asOf,
              try !earlierNightRedone(db, after: latest[1]) else { return nil }
        let files = try Row.fetchOne(db, sql: """
            SELECT count(*) FILTER (WHERE id <= ?1), count(*) FILTER (WHERE id > ?1 AND kind = 'counselors'),
                   count(*) FILTER (WHERE id > ?1 AND kind = 'roster') FROM import_file
            """, arguments: [then.lastFile])!
        guard (files[0] as Int64) == then.fileCount, (files[1] as Int64) == 0 else { return nil }
        return ReconcileBase(runID: latest[0], asOf: latest[1], lastFile: then.lastFile, rosterChanged: (files[2] as Int64) > 0)
    }

    static func earlierNightRedone(_ db: Database, after asOf: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM run e JOIN run n ON n.as_of = ?1 WHERE e.as_of < n.as_of AND e.reconciled > n.reconciled)
            """, arguments: [asOf]) ?? false
    }

    /// Adds to `temp.touched` what rosters since file `lastFile` changed: the present and former IDs of the students
    /// they added, changed or marked left (and the 18-digit forms their 15-digit forms stand for, whose log rows may
    /// now belong elsewhere), and the IDs of everyone sharing their present or former phone. A rewritten student
    /// carries the roster's file id; `student_change` keeps what they were before.
    static func touchRevisedStudents(_ db: Database, since lastFile: Int64) throws {
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

    /// Incrementally: the base night's results, findings and class counts become this night's, less those of the
    /// students reconciled again (and the NOT_ON_ROSTER findings of touched IDs). Re-running the base night itself
    /// edits it in place; a later night gets a copy whose findings all persist (they were the base night's).
    /// The class counts of the students reconciled again are taken off — in the class they had then, which a
    /// roster since may have changed (`student_change`) — and `progress` adds their new ones.
    func carryOver(from base: ReconcileBase) throws -> Int64 {
        // CROSS JOIN keeps the students reconciled again first: SQLite has no statistics on the temporary table and
        // would otherwise scan it once per result of the base night.
        let before = try Row.fetchCursor(db, sql: """
            SELECT coalesce(c.college, s.college), coalesce(c.class, s.class), r.state FROM temp.redone t
            CROSS JOIN student_result r ON r.run_id = ?1 AND r.student_id = t.id CROSS JOIN student s ON s.id = t.id
            LEFT JOIN student_change c ON c.rowid = (SELECT rowid FROM student_change WHERE student_id = t.id AND file_id > ?2
                                                     ORDER BY file_id LIMIT 1)
            """, arguments: [base.runID, base.lastFile])
        while let r = try before.next() {
            classProgress.count(college: r[0], className: r[1], state: CheckState(rawValue: r[2]) ?? .unchecked, by: -1)
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
    /// What a night's results depend on in the database — the files imported so far — plus `settings`.
    public func nightFingerprint(settings: String) throws -> String {
        try writer.read { db in
            let r = try Row.fetchOne(db, sql: "SELECT coalesce(max(id), 0), count(*) FROM import_file")!
            return NightFingerprint(lastFile: r[0], fileCount: r[1], settings: settings).text
        }
    }

    /// Whether a night before `asOf` was reconciled after it (re-run, or run late for a night cron missed): `asOf`'s
    /// days outstanding and new or persisting findings were then counted from a previous night that has changed since,
    /// so its results can be neither carried over nor kept as they are (found by an audit: a night re-run after a
    /// backfill kept "new" for a finding the backfilled night already had, and its days outstanding one short).
    public func earlierNightRedone(after asOf: String) throws -> Bool {
        try writer.read { db in try ReconcileSession.earlierNightRedone(db, after: asOf) }
    }

    /// The fingerprint stored with the reconciled night `asOf`, if that night was reconciled.
    public func storedFingerprint(asOf: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT inputs FROM run WHERE as_of = ?", arguments: [asOf]) }
    }

    /// The latest night before `asOf` that imported a log.
    public func latestLogNight(before asOf: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT max(as_of) FROM import_file WHERE kind = 'log' AND as_of < ?", arguments: [asOf]) }
    }

    /// Whether a file came in for night `asOf` (an earlier run of it may have imported its files and stopped).
    public func hasImportedFiles(asOf: String) throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM import_file WHERE as_of = ?)", arguments: [asOf]) ?? false }
    }
}
