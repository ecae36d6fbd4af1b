import GRDB

/// A row of the counselor list whose class or college names no present student of a night.
public struct UnmatchedScope: Sendable, Equatable {
    /// `class` or `college`.
    public var kind: String
    public var scope: String
    /// A class row's college, when the list names it ('' otherwise).
    public var college = ""
    /// The counselor list and line that gave it.
    public var file: String
    public var line: Int
    /// Whether the list was a workbook, whose `line` past its first sheet read is numbered as `SheetLine` says.
    public var isWorkbook = false
    /// The roster's own spelling when one differs only by spaces, width or a trailing 班 (计科2601班 → 计科2601).
    public var rosterSpelling: String?

    /// Where the row is, for a message: its line, or in a workbook read over several sheets, its row in the sheet
    /// (named by its place among the sheets read: the name is not stored).
    public var location: SourceLocation {
        guard isWorkbook, line > SheetLine.stride else { return SourceLocation(file: file, line: line) }
        let (sheet, row) = SheetLine.split(line)
        return SourceLocation(file: file, line: row, cell: "sheet \(sheet + 1) of those read")
    }
}

extension AppDatabase {
    /// How many students of the night `asOf` have no counselor address although they had one on the night before
    /// (`nightBefore`), and how many students the night has; nil without such a night. For a counselor list that came
    /// in cut short (a college's rows missing): taken silently, its students became NO_COUNSELOR and their counselors
    /// were mailed that the students had left their lists (found by an audit).
    public func studentsLosingCounselor(asOf: String) throws -> (lost: Int, students: Int, since: String)? {
        guard let since = try nightBefore(asOf) else { return nil }
        return try writer.read { db in
            guard let now = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [asOf]),
                  let before = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [since]) else { return nil }
            let lost = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM student_result n JOIN student_result p ON p.run_id = ?2 AND p.student_id = n.student_id
                WHERE n.run_id = ?1 AND n.counselor_email = '' AND p.counselor_email <> ''
                """, arguments: [now, before]) ?? 0
            let students = try Int.fetchOne(db, sql: "SELECT count(*) FROM student_result WHERE run_id = ?", arguments: [now]) ?? 0
            return (lost, students, since)
        }
    }

    /// The counselor list's classes and colleges that no present student of the night `asOf` has, in file order: their
    /// students silently get NO_COUNSELOR when the list writes a class otherwise than the roster (计科2601班, 计科 2601).
    /// Read from the night's class counts, not from the roster, through cursors: a national night has ≈ 333,000
    /// classes and as many rows in its counselor list, and fetching both whole as rows took ≈ 135 MB at 10M (69 → 206 MB
    /// resident) — the night's peak. Names compare by their bytes, as the reconcile matched them (`ExactText`).
    public func counselorScopesMatchingNoStudent(asOf: String) throws -> [UnmatchedScope] {
        try writer.read { db in
            guard let runID = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [asOf]) else { return [] }
            var classes: Set<ExactText> = [], colleges: Set<ExactText> = []
            var collegesOfClass: [ExactText: String] = [:]  // a class → its first college, for a row naming another
            var classesInColleges: Set<[ExactText]> = []
            let progress = try Row.fetchCursor(db, sql: "SELECT college, class FROM class_progress WHERE run_id = ? ORDER BY college, class",
                                               arguments: [runID])
            while let row = try progress.next() {
                let college = ExactText(row[0]), className = ExactText(row[1])
                colleges.insert(college); classes.insert(className); classesInColleges.insert([college, className])
                if collegesOfClass[className] == nil { collegesOfClass[className] = college.text }
            }
            var unmatched: [UnmatchedScope] = []
            var spellings: [String: [String: String]] = [:]  // kind → folded name → the roster's spelling, made when needed
            let scopes = try Row.fetchCursor(db, sql: """
                SELECT c.scope_kind, c.scope, f.name, c.line, c.college, f.encoding = 'xlsx' FROM counselor_scope c JOIN import_file f ON f.id = c.file_id
                ORDER BY f.name, c.line
                """)
            while let row = try scopes.next() {
                let kind: String = row[0], scope: String = row[1], college: String = row[4]
                if kind == "class", !college.isEmpty {
                    // A class within a college maps only that college's class (`CounselorScopes`).
                    guard !classesInColleges.contains([ExactText(college), ExactText(scope)]) else { continue }
                    if let other = collegesOfClass[ExactText(scope)] {
                        unmatched.append(UnmatchedScope(kind: kind, scope: scope, college: college, file: row[2], line: row[3],
                                                        isWorkbook: row[5], rosterSpelling: "\(scope) in \(other)"))
                        continue
                    }
                }
                let names = kind == "class" ? classes : colleges
                guard !names.contains(ExactText(scope)) else { continue }
                if spellings[kind] == nil {
                    spellings[kind] = Dictionary(names.map { (Self.folded($0.text), $0.text) }, uniquingKeysWith: { a, _ in a })
                }
                unmatched.append(UnmatchedScope(kind: kind, scope: scope, college: college, file: row[2], line: row[3],
                                                isWorkbook: row[5], rosterSpelling: spellings[kind]?[Self.folded(scope)]))
            }
            return unmatched
        }
    }

    /// The counselor list's rows naming a class without its college whose class name tonight's roster has in two or more
    /// colleges that give that class no row of their own, in file order, with those colleges: such a row gives its counselor the students of that class in every
    /// college — over another college's own row for its whole college too (found by an audit: a college's 1班 mailed
    /// to another college's counselor, without a word). Read from the night's class counts, as the unmatched rows are.
    public func classRowsSpanningColleges(asOf: String) throws -> [(scope: UnmatchedScope, counselor: String, colleges: [String])] {
        try writer.read { db in
            guard let runID = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE as_of = ?", arguments: [asOf]),
                  try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM counselor_scope WHERE scope_kind = 'class' AND college = '')") == true
            else { return [] }
            var collegesOfClass: [ExactText: [String]] = [:]
            let progress = try Row.fetchCursor(db, sql: "SELECT college, class FROM class_progress WHERE run_id = ? ORDER BY college, class",
                                               arguments: [runID])
            // A college whose own row maps its class: the row without a college does not reach its students.
            var mapped: Set<[ExactText]> = []
            let explicit = try Row.fetchCursor(db, sql: "SELECT college, scope FROM counselor_scope WHERE scope_kind = 'class' AND college <> ''")
            while let row = try explicit.next() { mapped.insert([ExactText(row[0]), ExactText(row[1])]) }
            while let row = try progress.next() {
                let college = ExactText(row[0]), className = ExactText(row[1])
                if !mapped.contains([college, className]) { collegesOfClass[className, default: []].append(college.text) }
            }
            var found: [(scope: UnmatchedScope, counselor: String, colleges: [String])] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.scope, f.name, c.line, f.encoding = 'xlsx', c.counselor FROM counselor_scope c JOIN import_file f ON f.id = c.file_id
                WHERE c.scope_kind = 'class' AND c.college = '' ORDER BY f.name, c.line
                """)
            while let row = try rows.next() {
                let scope: String = row[0]
                guard let colleges = collegesOfClass[ExactText(scope)], colleges.count > 1 else { continue }
                found.append((UnmatchedScope(kind: "class", scope: scope, file: row[1], line: row[2], isWorkbook: row[3]), row[4], colleges))
            }
            return found
        }
    }

    /// A class or college name without spaces, in half width, without a trailing 班: how two spellings of one class differ.
    private static func folded(_ name: String) -> String {
        var s = Text.removingSpaces(Text.halfWidth(name))
        if s.hasSuffix("班"), s.count > 1 { s.removeLast() }
        return s
    }
}
