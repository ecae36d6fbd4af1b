/// One finding as reports and mail show it.
public struct FindingLine: Sendable, Equatable, Codable {
    public var code: FindingCode
    /// The evidence, e.g. `与 王芳 (24110101000007) 共用 13800138000`. Full values: mask before showing counselors.
    public var detail: String
    /// Remedy ids from the catalog (GUIDE, FAQ-1 … FAQ-9, NOTE-1, NOTE-2, ADMIN).
    public var remedies: [String]
    public var change: FindingChange

    /// The problem as the lists head it: the code's title, except for a NOT_REGISTERED that only means the roster's ID
    /// matches no record (`Rules.unmatchableID`), where "not registered" would be a guess.
    public var title: String {
        // (Lengths first: a String comparison of Chinese texts checks their normalization, once per row of every list.)
        code == .notRegistered && detail.utf8.count == Rules.unmatchableID.utf8.count && detail == Rules.unmatchableID
            ? "无法核对自查状态" : code.title
    }

    public init(code: FindingCode, detail: String, remedies: [String], change: FindingChange) {
        self.code = code
        self.detail = detail
        self.remedies = remedies
        self.change = change
    }
}

/// One roster student with the night's result, as the reports and mails consume it.
public struct FollowupRow: Sendable, Equatable {
    public var college: String
    public var className: String
    public var major: String
    /// The counselor the student is assigned to, or empty when unassigned.
    public var counselor: String
    public var counselorEmail: String
    public var ksh: String
    public var xh: String
    public var name: String
    /// The normalized 18-character ID (or the cleaned text when invalid). Full value.
    public var idNumber: String
    /// The normalized phone, or the raw text when it is not a mainland mobile. Full value.
    public var phone: String
    public var state: CheckState
    public var daysOutstanding: Int
    public var findings: [FindingLine]

    public init(college: String, className: String, major: String = "", counselor: String, counselorEmail: String,
                ksh: String, xh: String, name: String, idNumber: String, phone: String, state: CheckState,
                daysOutstanding: Int, findings: [FindingLine]) {
        self.college = college
        self.className = className
        self.major = major
        self.counselor = counselor
        self.counselorEmail = counselorEmail
        self.ksh = ksh
        self.xh = xh
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.state = state
        self.daysOutstanding = daysOutstanding
        self.findings = findings
    }

    /// Students a counselor must chase: every student not checked (with or without a finding that says why).
    public var needsCounselor: Bool { state != .checked }

    /// No counselor, neither by name nor by address: listed for the administrator, in no counselor's list.
    public var hasNoCounselor: Bool { counselor.isEmpty && counselorEmail.isEmpty }

    /// No counselor address (NO_COUNSELOR): no counselor is mailed about the student, whether or not a counselor is
    /// named. summary.html lists these as unassigned: a name without an address reaches nobody.
    public var lacksCounselorMail: Bool { counselorEmail.isEmpty }

    /// Students the office must act on: not checked, or any finding at all.
    public var needsAction: Bool { state != .checked || !findings.isEmpty }

    /// An unchecked student whom no finding read from the log explains: a status export said 未查 and nothing else
    /// (the SPEC's NOT_REGISTERED is for "no event at all"), a 已查 moved back to 未查, or only roster findings. No
    /// finding code fits, so findings.json lists none; the lists people read add `FollowupRow.unexplained` with its
    /// remedy, so that no counselor gets a student to chase without being told what the student should do.
    public var isUncheckedWithoutReason: Bool {
        state == .unchecked && findings.allSatisfy { $0.code.isAboutRosterData || $0.code == .notOnRoster }
    }

    /// The problem line of `isUncheckedWithoutReason` students, as a finding's title and detail would read.
    public static let unexplained = (problem: "尚未完成学籍自查（自查记录未说明原因）", remedy: "GUIDE")

    /// A recovery that failed for good, or an email the student can no longer use (a switch: called for every finding
    /// of every row of the lists).
    private static func recoveryFailed(_ code: FindingCode) -> Bool {
        switch code {
        case .emailUnusable, .recoveryBlocked, .recoveryNotRegistered: return true
        default: return false
        }
    }

    /// The remedy ids of the row's problems in the order of its findings, each once (then the GUIDE when
    /// `isUncheckedWithoutReason`).
    public var remedyIDs: [String] {
        var ids: [String] = []
        for f in findings { for id in f.remedies where !ids.contains(id) { ids.append(id) } }
        if isUncheckedWithoutReason, !ids.contains(Self.unexplained.remedy) { ids.append(Self.unexplained.remedy) }
        // A student blocked from recovering the user name who also changed their name (FAQ 注意2: search with the
        // admission name) reads that first: FAQ-6's "register again" would only meet "证件号码已被注册".
        if findings.contains(where: { $0.code == .recoveryBlocked }),
           let blocked = ids.firstIndex(of: "FAQ-6"), let renamed = ids.firstIndex(of: "NOTE-2"), renamed > blocked {
            ids.insert(ids.remove(at: renamed), at: blocked)
        }
        // FAQ-4 recovers the user name and resets the password by email: beside a recovery that already failed for good
        // (FAQ-6: register again; FAQ-1: not registered) or an email the student can no longer use (FAQ-7), it sends
        // the student down the road that failed (found by an audit: 找回密码…可通过电子邮箱 beside 邮箱已无法使用).
        if findings.contains(where: { Self.recoveryFailed($0.code) }) {
            ids.removeAll { $0 == "FAQ-4" }
        }
        return ids
    }
}

/// Check progress of one group (the school, a college or a class).
public struct GroupProgress: Sendable, Equatable, Codable {
    public var college: String
    /// Empty for a college row.
    public var className: String
    public var students: Int
    public var checked: Int
    public var disputed: Int

    public init(college: String, className: String = "", students: Int, checked: Int, disputed: Int = 0) {
        self.college = college
        self.className = className
        self.students = students
        self.checked = checked
        self.disputed = disputed
    }
}

/// One past night in the trend.
public struct TrendPoint: Sendable, Equatable, Codable {
    public var asOf: String
    public var students: Int
    public var checked: Int

    public init(asOf: String, students: Int, checked: Int) {
        self.asOf = asOf
        self.students = students
        self.checked = checked
    }
}

/// A finding that stood the previous night and is gone tonight.
public struct ResolvedFinding: Sendable, Equatable, Codable {
    public var ksh: String
    public var name: String
    public var code: FindingCode

    public init(ksh: String, name: String, code: FindingCode) {
        self.ksh = ksh
        self.name = name
        self.code = code
    }
}

/// A log ID that matches no roster student (NOT_ON_ROSTER).
public struct UnmatchedID: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var events: Int
    public var detail: String

    public init(id: String, name: String, events: Int, detail: String) {
        self.id = id
        self.name = name
        self.events = events
        self.detail = detail
    }
}

/// Totals of one night.
public struct NightTotals: Sendable, Equatable, Codable {
    public var students: Int
    public var checked: Int
    public var unchecked: Int
    public var disputed: Int

    public init(students: Int, checked: Int, unchecked: Int, disputed: Int) {
        self.students = students
        self.checked = checked
        self.unchecked = unchecked
        self.disputed = disputed
    }

    /// Checked share in 0…1; 0 for an empty night.
    public var rate: Double { students == 0 ? 0 : Double(checked) / Double(students) }
}

/// One of a night's lists that grow with the roster (progress per class, IDs not on the roster, findings
/// resolved): held in memory (tests, small nights), or read from the store each time a report writes it, so that
/// a national night never holds hundreds of thousands of them at once.
public struct NightList<Element: Sendable>: Sendable {
    public let count: Int
    private let read: @Sendable (_ limit: Int?, _ body: (Element) throws -> Void) throws -> Void

    /// A list held in memory.
    public init(_ elements: [Element]) {
        count = elements.count
        read = { limit, body in for e in elements.prefix(limit ?? elements.count) { try body(e) } }
    }

    /// A list of `count` elements that `read` hands over in order, the first `limit` of them when one is given.
    public init(count: Int, read: @escaping @Sendable (_ limit: Int?, _ body: (Element) throws -> Void) throws -> Void) {
        self.count = count
        self.read = read
    }

    public var isEmpty: Bool { count == 0 }

    /// Every element, in order.
    public func forEach(_ body: (Element) throws -> Void) throws { try read(nil, body) }

    /// The first `n` elements.
    public func prefix(_ n: Int) throws -> [Element] {
        var out: [Element] = []
        try read(n) { out.append($0) }
        return out
    }
}

/// Everything about a night except the per-student rows, which are streamed (see `FollowupSource`).
public struct NightSummary: Sendable {
    public var asOf: String
    public var totals: NightTotals
    public var colleges: [GroupProgress]
    public var classes: NightList<GroupProgress>
    /// Past nights and this one, oldest first.
    public var trend: [TrendPoint]
    /// Date of the previous night compared against, if any.
    public var previousAsOf: String?
    public var newFindings: Int
    public var findingsByCode: [FindingCode: Int]
    public var resolved: NightList<ResolvedFinding>
    public var unmatched: NightList<UnmatchedID>
    /// The deadline (YYYY-MM-DD) when configured.
    public var deadline: String?
    /// The night's files that had rows set aside (rejects.csv: the roster and counselor list it reads, its new logs),
    /// in import order, with how many.
    public var setAside: [(file: String, rows: Int)] = []
    /// The rows of `setAside` in all.
    public var setAsideRows: Int { setAside.reduce(0) { $0 + $1.rows } }

    public init(asOf: String, totals: NightTotals, colleges: [GroupProgress] = [], classes: [GroupProgress] = [],
                trend: [TrendPoint] = [], previousAsOf: String? = nil, newFindings: Int = 0,
                findingsByCode: [FindingCode: Int] = [:], resolved: [ResolvedFinding] = [],
                unmatched: [UnmatchedID] = [], deadline: String? = nil) {
        self.asOf = asOf
        self.totals = totals
        self.colleges = colleges
        self.classes = NightList(classes)
        self.trend = trend
        self.previousAsOf = previousAsOf
        self.newFindings = newFindings
        self.findingsByCode = findingsByCode
        self.resolved = NightList(resolved)
        self.unmatched = NightList(unmatched)
        self.deadline = deadline
    }
}

/// The order in which a `FollowupSource` yields rows.
public enum FollowupOrder: Sendable {
    /// 学院, 班级, 考生号 — the office's lists.
    case byCollegeClass
    /// 辅导员邮箱 (unassigned last), 辅导员, 学院, 班级, 考生号 — one run per counselor address. Only the students
    /// counselors chase (`needsCounselor`: not checked); the checked majority is left out of the sort.
    case byCounselor
}

/// Streams a night's students so that reports never hold a million rows in memory.
public protocol FollowupSource {
    /// Calls `body` for every roster student of the night in `order` (`.byCounselor`: those not checked).
    /// Passes of the two orders may run at the same time on two threads (the report stage does).
    func forEachStudent(order: FollowupOrder, _ body: (FollowupRow) throws -> Void) throws
}

/// An in-memory source, for tests and small nights.
public struct FollowupArray: FollowupSource {
    public var rows: [FollowupRow]

    public init(_ rows: [FollowupRow]) { self.rows = rows }

    public func forEachStudent(order: FollowupOrder, _ body: (FollowupRow) throws -> Void) throws {
        let sorted: [FollowupRow]
        switch order {
        case .byCollegeClass:
            sorted = rows.sorted { ($0.college, $0.className, $0.ksh) < ($1.college, $1.className, $1.ksh) }
        case .byCounselor:
            sorted = rows.filter(\.needsCounselor).sorted {
                ($0.counselorEmail.isEmpty ? 1 : 0, $0.counselorEmail.lowercased(), $0.counselorEmail, $0.counselor, $0.college, $0.className + "\u{0}" + $0.ksh)
                    < ($1.counselorEmail.isEmpty ? 1 : 0, $1.counselorEmail.lowercased(), $1.counselorEmail, $1.counselor, $1.college, $1.className + "\u{0}" + $1.ksh)
            }
        }
        for row in sorted { try body(row) }
    }
}
