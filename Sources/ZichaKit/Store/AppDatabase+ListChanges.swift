import Foundation
import GRDB

/// How a counselor's list of a night differs from their list of the latest night before it: who came onto it and who
/// left it, and why. Their mail says so, so that a student who drops off the list is not read as forgotten and a
/// student moved to them is not read as one they already knew (found by an audit of a counselor's season by mail).
public struct CounselorListChanges: Sendable, Equatable {
    /// The earlier night compared with, `YYYY-MM-DD`.
    public var since: String
    /// Students on the list tonight who were not on it then: how many, and the names of the first `namesKept`.
    public var addedCount = 0
    public var added: [String] = []
    /// Students on the list then who are not tonight: how many, and the first `namesKept` with why (已完成自查, …).
    public var removedCount = 0
    public var removed: [(name: String, why: String)] = []

    /// The counselor and address of the earlier list (for a counselor with no list tonight: their closing message).
    public var counselor = "", email = ""
    /// Whether another counselor of the same name had another address on either night: then the name says nothing
    /// about who this is (两位 赵老师), and only the address does.
    public var nameShared = false
    /// The counselor's address on the earlier night when it was corrected since (by `CounselorListChanges.key`): the
    /// earlier night is compared with when that address was mailed then.
    public var formerKey: String?

    /// Names kept per kind: the mail names a few and counts the rest.
    public static let namesKept = 10

    public init(since: String) { self.since = since }

    public static func == (a: Self, b: Self) -> Bool {
        a.since == b.since && a.addedCount == b.addedCount && a.added == b.added && a.removedCount == b.removedCount
            && a.removed.map(\.name) == b.removed.map(\.name) && a.removed.map(\.why) == b.removed.map(\.why)
    }

    /// SQLite's `lower()`: ASCII letters only, as the lists' keys are made.
    public static func key(_ email: String) -> String {
        String(decoding: email.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

extension AppDatabase {
    /// The latest reconciled night before `asOf` whose results are kept (a night's lists are compared with it when
    /// nothing was ever delivered: mail to the outbox only).
    public func nightBefore(_ asOf: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: """
                SELECT as_of FROM run r WHERE as_of < ? AND EXISTS (SELECT 1 FROM student_result WHERE run_id = r.id)
                ORDER BY as_of DESC LIMIT 1
                """, arguments: [asOf])
        }
    }

    /// Each counselor's addresses on the night `asOf`, by name, from every student's result (checked ones too: a
    /// counselor with nobody left to chase still has an address).
    public func counselorAddresses(asOf: String) throws -> [String: [String]] {
        try writer.read { db in
            var byName: [String: [String]] = [:]
            let rows = try SQLiteRows(db, sql: """
                SELECT DISTINCT counselor, counselor_email FROM student_result
                WHERE run_id = (SELECT id FROM run WHERE as_of = ?) AND counselor <> '' AND counselor_email <> ''
                """, arguments: [asOf])
            while try rows.next() {
                let name = rows.text(0), address = rows.text(1)
                if !(byName[name] ?? []).contains(where: { CounselorListChanges.key($0) == CounselorListChanges.key(address) }) {
                    byName[name, default: []].append(address)
                }
            }
            return byName
        }
    }

    /// Each counselor's list changes from the night `earlier` to `asOf`, keyed by the address as SQLite's `lower()`
    /// makes it (`CounselorListChanges.key`); nil when either night has no results (pruned, or never run). A student
    /// stays on a counselor's list when both nights list them under the same address or the same counselor's name (an
    /// address corrected mid-season is the same counselor: found by an audit, the old address was told its students
    /// had moved, the new one that they were all new) — by name only when no other counselor of that name had another
    /// address on either night (two 赵老师 are two people: found by an audit, one was told of the other's students and
    /// the other got no closing message). Two passes over the students not checked on either night; only counts and a
    /// few names are kept.
    public func counselorListChanges(asOf: String, since earlier: String) throws -> [String: CounselorListChanges]? {
        try writer.read { db in
            guard let now = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [asOf]),
                  let before = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [earlier]),
                  try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM student_result WHERE run_id = ?)", arguments: [before]) == true
            else { return nil }
            var changes: [String: CounselorListChanges] = [:]
            // Names under more than one address on a list of either night.
            let shared = Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT counselor FROM (
                  SELECT counselor FROM student_result WHERE run_id IN (?, ?) AND state <> 'checked' AND counselor <> '' AND counselor_email <> ''
                  GROUP BY run_id, counselor HAVING count(DISTINCT lower(counselor_email)) > 1)
                """, arguments: [before, now]))
            let sharedJSON = String(decoding: try JSONEncoder().encode(shared.sorted()), as: UTF8.self)
            // On a list: not checked, with an address.
            let sameList = { (a: String, b: String) in
                "\(a).state <> 'checked' AND (lower(\(a).counselor_email) = lower(\(b).counselor_email) OR (\(a).counselor <> '' AND "
                    + "\(a).counselor = \(b).counselor AND \(a).counselor NOT IN (SELECT value FROM json_each(?3))))"
            }
            let added = try SQLiteRows(db, sql: """
                SELECT lower(n.counselor_email), s.name FROM student_result n JOIN student s ON s.id = n.student_id
                LEFT JOIN student_result p ON p.run_id = ?1 AND p.student_id = n.student_id
                WHERE n.run_id = ?2 AND n.state <> 'checked' AND n.counselor_email <> ''
                  AND NOT (p.state IS NOT NULL AND p.counselor_email <> '' AND \(sameList("p", "n")))
                ORDER BY 1, s.college, s.class, s.ksh
                """, arguments: [before, now, sharedJSON])
            // Each row adds to the changes of the address in its first column.
            func collect(_ rows: SQLiteRows, _ add: (inout CounselorListChanges) -> Void) throws {
                while try rows.next() {
                    let key = rows.text(0)
                    var c = changes[key] ?? CounselorListChanges(since: earlier)
                    add(&c)
                    changes[key] = c
                }
            }
            try collect(added) { c in
                c.addedCount += 1
                if c.added.count < CounselorListChanges.namesKept { c.added.append(added.text(1)) }
            }
            let removed = try SQLiteRows(db, sql: """
                SELECT lower(p.counselor_email), s.name, n.state, n.counselor, n.counselor_email, p.counselor, p.counselor_email
                FROM student_result p JOIN student s ON s.id = p.student_id
                LEFT JOIN student_result n ON n.run_id = ?2 AND n.student_id = p.student_id
                WHERE p.run_id = ?1 AND p.state <> 'checked' AND p.counselor_email <> ''
                  AND NOT (n.state IS NOT NULL AND n.counselor_email <> '' AND \(sameList("n", "p")))
                ORDER BY 1, s.college, s.class, s.ksh
                """, arguments: [before, now, sharedJSON])
            try collect(removed) { c in
                if c.removedCount == 0 { c.counselor = removed.text(5); c.email = removed.text(6) }
                c.removedCount += 1
                if c.removed.count < CounselorListChanges.namesKept {
                    let why: String
                    if removed.isNull(2) {
                        why = "已不在在籍名单"
                    } else if removed.text(2) == CheckState.checked.rawValue {
                        why = "已完成自查"
                    } else if removed.text(4).isEmpty {
                        why = "暂无辅导员邮箱，由学籍科跟进"
                    } else {
                        // By name, and by address too when the name is two counselors' (两位 赵老师)
                        let other = removed.text(3)
                        why = "改由 \(other.isEmpty ? removed.text(4) : shared.contains(other) ? "\(other)（\(removed.text(4))）" : other) 跟进"
                    }
                    c.removed.append((removed.text(1), why))
                }
            }
            // An address corrected since: the old address's removals (students who checked or left meanwhile) belong to
            // the same counselor's address tonight — one counselor by that name on either night, and the old address gone
            // tonight.
            var tonight: [String: String] = [:], keysTonight: Set<String> = []
            let addresses = try SQLiteRows(db, sql: """
                SELECT DISTINCT counselor, lower(counselor_email) FROM student_result
                WHERE run_id = ? AND state <> 'checked' AND counselor_email <> ''
                """, arguments: [now])
            while try addresses.next() {
                let name = addresses.text(0), key = addresses.text(1)
                keysTonight.insert(key)
                if !name.isEmpty { tonight[name] = key }
            }
            for (key, c) in changes where c.removedCount > 0 && !keysTonight.contains(key) && !shared.contains(c.counselor) {
                guard let target = tonight[c.counselor], target != key else { continue }
                var merged = changes[target] ?? CounselorListChanges(since: earlier)
                merged.removedCount += c.removedCount
                merged.removed += c.removed.prefix(CounselorListChanges.namesKept - merged.removed.count)
                changes[target] = merged
                changes[key] = nil
            }
            for key in changes.keys where shared.contains(changes[key]!.counselor) { changes[key]!.nameShared = true }
            // Each address corrected since, tonight's keyed to the earlier: mail compares a corrected address's first list
            // with what the earlier address last received (found by an audit: over real delivery it had no change line).
            let earlierAddresses = try SQLiteRows(db, sql: """
                SELECT DISTINCT counselor, lower(counselor_email) FROM student_result
                WHERE run_id = ? AND state <> 'checked' AND counselor_email <> '' AND counselor <> ''
                """, arguments: [before])
            while try earlierAddresses.next() {
                let name = earlierAddresses.text(0), key = earlierAddresses.text(1)
                guard !shared.contains(name), !keysTonight.contains(key), let now = tonight[name], now != key else { continue }
                changes[now, default: CounselorListChanges(since: earlier)].formerKey = key
            }
            return changes
        }
    }
}
