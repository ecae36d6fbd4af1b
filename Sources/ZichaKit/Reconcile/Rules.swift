/// The reconciliation rules of the SPEC, as pure functions of values: the product's heart.
///
/// See Reconcile/README.md for the rules in prose. Evidence texts carry full values; reports mask them
/// for counselors.
public enum Rules {
    /// The remedies each finding names (SPEC, Findings). RECOVERY_NAME_MISMATCH depends on the name: see `remedies(for:nameChanged:)`.
    public static func remedies(for code: FindingCode, nameChanged: Bool = false) -> [String] {
        switch code {
        case .notRegistered: return ["GUIDE", "NOTE-1"]
        case .registeredNotChecked: return ["GUIDE", "FAQ-4"]
        case .viewedNotConfirmed: return ["FAQ-5"]
        case .idTaken: return ["FAQ-2", "FAQ-3"]
        case .idTakenConscription: return ["FAQ-8"]
        case .phoneTaken: return ["FAQ-9"]
        case .recoveryNotRegistered: return ["FAQ-1"]
        case .recoveryBlocked: return ["FAQ-6"]
        case .recoveryNameMismatch: return [nameChanged ? "NOTE-2" : "NOTE-1"]
        case .emailUnusable: return ["FAQ-7"]
        case .disputed: return ["ADMIN"]
        case .duplicateID: return ["FAQ-3", "ADMIN"]
        case .duplicatePhone: return ["FAQ-9"]
        case .nameChanged: return ["NOTE-2"]
        case .traditionalName: return ["NOTE-1"]
        case .idFormat: return ["NOTE-1"]
        case .idInvalid, .phoneInvalid, .notOnRoster, .noCounselor: return ["ADMIN"]
        }
    }

    /// Evaluates one student against their events (any order) and the roster context.
    public static func evaluate(_ s: StudentFacts, events logged: [LoggedEvent], context: RosterContext) -> Verdict {
        // A state a later export said again counts as said then too: for the latest state, and as a success after a
        // failure. (The copy is never evidence: that keeps the time the state was first reported.)
        var unsorted = logged
        if logged.contains(where: { $0.restated != nil }) {
            for e in logged { if let time = e.restated { var again = e; again.time = time; again.restated = nil; again.isRestatement = true; unsorted.append(again) } }
        }
        let events = unsorted.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let nameChanged = nameChanged(s, traditional: context.traditional)
        var found: [(FindingCode, String)] = []
        let state = events.last(where: { $0.kind.state != nil })?.kind.state ?? .unchecked
        found += logFindings(s, events: events, state: state)
        found += rosterFindings(s, context: context, nameChanged: nameChanged)
        let assignment = assign(s)
        if assignment.email.isEmpty {
            let scope = [s.college, s.className].filter { !$0.isEmpty }.joined(separator: " ")
            found.append((.noCounselor, scope.isEmpty ? "名单未写学院和班级" : "\(scope) 没有辅导员邮箱"))
        }
        let lines = found.sorted { $0.0 < $1.0 }.map {
            FindingLine(code: $0.0, detail: $0.1, remedies: remedies(for: $0.0, nameChanged: nameChanged), change: .new)
        }
        return Verdict(state: state, findings: lines, assignment: assignment)
    }

    /// Whether the student's name differs from the admission name — other than in its traditional characters: a
    /// name admitted as 張偉 and now written 张伟 (as TRADITIONAL_NAME proposes) is one name, and NOTE-2 ("search with
    /// the admission name") would send the student back to the traditional form that NOTE-1 tells them not to use.
    static func nameChanged(_ s: StudentFacts, traditional: TraditionalNameCheck?) -> Bool {
        guard !s.admissionName.isEmpty, s.admissionName != s.name else { return false }
        guard let traditional else { return true }
        let admitted = traditional.simplified(s.admissionName) ?? s.admissionName, current = traditional.simplified(s.name) ?? s.name
        return admitted != current && sameSurnameForm(admitted) != sameSurnameForm(current)
    }

    /// 鍾 is simplified 钟 (OpenCC, and most ID cards), but the 通用规范汉字表 (2013) allows 锺 for it in surnames and
    /// names: 鍾明 admitted and 锺明 now is one name. (The proposal stays 钟, as most people with the name write it.)
    private static func sameSurnameForm(_ name: String) -> String {
        name.unicodeScalars.contains("锺") ? String(String.UnicodeScalarView(name.unicodeScalars.map { $0 == "锺" ? "钟" : $0 })) : name
    }

    /// The counselor: the roster row's own columns, then the class mapping, then the college mapping.
    public static func assign(_ s: StudentFacts) -> Assignment {
        if !s.counselorEmail.isEmpty { return Assignment(counselor: s.counselor, email: s.counselorEmail) }
        if let a = s.classCounselor, !s.className.isEmpty, !a.email.isEmpty { return a }
        if let a = s.collegeCounselor, !s.college.isEmpty, !a.email.isEmpty { return a }
        let name = !s.counselor.isEmpty ? s.counselor : s.classCounselor?.counselor ?? s.collegeCounselor?.counselor ?? ""
        return Assignment(counselor: name, email: "")
    }

    /// NOT_REGISTERED's detail for a roster ID that is invalid: no log row can match it, so whether the student
    /// registered is unknown (`FindingLine.title` heads it accordingly in the lists).
    public static let unmatchableID = "名单中的身份证号有误，无法与自查记录对应；是否已注册待学籍科核实"

    static func logFindings(_ s: StudentFacts, events: [LoggedEvent], state: CheckState) -> [(FindingCode, String)] {
        guard !events.isEmpty else {
            // An invalid ID on the roster matches no log row: the student may well have registered with the right one.
            let detail = s.idProblem == nil ? "自查记录中没有该生的任何记录" : unmatchableID
            return [(.notRegistered, detail)]
        }
        var out: [(FindingCode, String)] = []
        if state == .unchecked {
            if let viewed = events.last(where: { $0.kind == .viewed }) {
                out.append((.viewedNotConfirmed, "最近一次查看学籍 \(EventTime.format(viewed.time))，仍为未查"))
            } else if let reg = events.first(where: { $0.kind == .registered || $0.kind == .login }) {
                out.append((.registeredNotChecked, "\(reg.kind.title) \(EventTime.format(reg.time))，之后没有查看学籍"))
            }
        }
        if state == .disputed, let d = events.last(where: { $0.kind == .disputed && !$0.isRestatement }) {
            out.append((.disputed, evidence(d)))
        }
        if state != .checked { out += standingFailures(s, events: events) }
        return out
    }

    /// The findings a failure of `kind` for `reason` stands for, at most two (an ID and a phone taken): a pair, not an
    /// array per failure. None for a reason that concerns the other kind of failure (a registration refused for the
    /// name, a recovery told the phone is taken).
    public static func codes(of kind: EventKind, _ reason: FailureReason) -> (FindingCode?, FindingCode?) {
        switch (kind, reason) {
        case (.registerFailed, .conscription): return (.idTakenConscription, nil)
        case (.registerFailed, .idTaken): return (.idTaken, nil)
        case (.registerFailed, .phoneTaken): return (.phoneTaken, nil)
        case (.registerFailed, .idAndPhoneTaken): return (.idTaken, .phoneTaken)
        case (.registerFailed, .conscriptionAndPhoneTaken): return (.idTakenConscription, .phoneTaken)
        case (.recoverFailed, .notRegistered): return (.recoveryNotRegistered, nil)
        case (.recoverFailed, .rateLimited): return (.recoveryBlocked, nil)
        case (.recoverFailed, .nameMismatch): return (.recoveryNameMismatch, nil)
        case (.recoverFailed, .emailUnusable): return (.emailUnusable, nil)
        default: return (nil, nil)
        }
    }

    /// Failures not followed by any success: they still stand in the student's way. `events` are in the log's order
    /// (time, then file and line), so a success logged after a failure in the same second passes it, and one logged
    /// before it does not.
    static func standingFailures(_ s: StudentFacts, events: [LoggedEvent]) -> [(FindingCode, String)] {
        let afterLastSuccess = events.lastIndex(where: { $0.kind.isSuccess }).map { $0 + 1 } ?? 0
        let standing = events[afterLastSuccess...].filter { e in e.kind == .registerFailed || e.kind == .recoverFailed }
        var latest: [FindingCode: LoggedEvent] = [:]
        var mismatches: [LoggedEvent] = []
        for e in standing {
            guard let reason = e.reason else { continue }
            let codes = Self.codes(of: e.kind, reason)
            if codes.0 == .recoveryNameMismatch { mismatches.append(e) }
            if let code = codes.0 { latest[code] = e }
            if let code = codes.1 { latest[code] = e }
        }
        var blocked: [(FindingCode, String)] = []
        let attempts = attemptCount(mismatches)
        if attempts >= 3, let last = latest.removeValue(forKey: .recoveryNameMismatch), latest[.recoveryBlocked] == nil {
            blocked = [(.recoveryBlocked, "找回用户名 \(attempts) 次提示姓名不符，最近 \(EventTime.format(last.time))")]
        }
        if latest[.recoveryBlocked] != nil { latest[.recoveryNameMismatch] = nil }
        // An ID taken, and (before or after) taken by the conscription office: one obstacle, FAQ-8's, whose remedy
        // (register with the 15-digit form) contradicts FAQ-2/3's (recover or appeal the account).
        if latest[.idTakenConscription] != nil { latest[.idTaken] = nil }
        return blocked + latest.map { code, e in
            if code == .idTakenConscription, let id15 = IDNumber.fifteenForm(of: s.idNorm) {
                return (code, evidence(e) + "；请用本人15位身份证号注册，即18位号码去掉第7、8位和最后一位校验位：\(id15)")
            }
            return (code, evidence(e))
        }
    }

    /// How many attempts `events` (in time order) are: each row is one, except that an attempt logged under both ID
    /// forms in one second is one. Rows of one form in one second all count — a log without times dates every row
    /// the file's as-of time, and two attempts within a minute share a time at minute precision; a row repeated by
    /// another file was left out at import.
    static func attemptCount(_ events: [LoggedEvent]) -> Int {
        var count = 0
        var i = events.startIndex
        while i < events.endIndex {
            let time = events[i].time
            var legacy = 0, current = 0
            while i < events.endIndex, events[i].time == time {
                if events[i].legacyForm { legacy += 1 } else { current += 1 }
                i += 1
            }
            count += max(legacy, current)
        }
        return count
    }

    /// The classmates who share a value with `s`, for its evidence: `王芳 (24110101000007)、李强 (24110101000012)`; past
    /// five, the first five and how many in all — `… 等 1999 名学生` — so that a phone filled in with the office's own
    /// number for a whole college does not name thousands in each of their findings (quadratic in time and size).
    /// `group` holds `s` (the present students sharing the value); nil when nobody else is in it.
    static func classmates(_ group: [Classmate], besides s: StudentFacts) -> String? {
        let shown = 5
        let named = group.prefix(shown + 1).filter { $0.ksh != s.ksh }.prefix(shown).map { "\($0.name) (\($0.ksh))" }
        guard !named.isEmpty else { return nil }
        let others = group.count - 1
        return named.joined(separator: "、") + (others > named.count ? " 等 \(others) 名学生" : "")
    }

    static func evidence(_ e: LoggedEvent) -> String {
        let detail = Text.trimmed(e.detail)
        return "\(e.kind.title) \(EventTime.format(e.time))" + (detail.isEmpty ? "" : "：\(detail.prefix(200))")
    }

    static func rosterFindings(_ s: StudentFacts, context: RosterContext, nameChanged: Bool) -> [(FindingCode, String)] {
        var out: [(FindingCode, String)] = []
        // IDs Excel saved in scientific notation are equal texts, not equal IDs: 4.20103E+17 stands for thousands of
        // numbers, and naming every student who shares it would send them the remedy of a duplicated ID.
        let lostDigits = s.idProblem == IDNumber.Problem.scientificNotation.rawValue
        if !lostDigits, let group = context.sharedIDs[s.idNorm], let others = classmates(group, besides: s) {
            out.append((.duplicateID, "与 \(others) 共用身份证号 \(s.idNorm)，名单待学籍科核对；学信网提示证件号码重复时按证件重号办理"))
        }
        if s.phoneValid, let group = context.sharedPhones[s.phoneNorm], let others = classmates(group, besides: s) {
            out.append((.duplicatePhone, "与 \(others) 共用 \(s.phoneNorm)"))
        }
        if nameChanged { out.append((.nameChanged, "录取姓名 \(s.admissionName)，现用名 \(s.name)")) }
        if let simplified = context.traditional?.simplified(s.name) {
            out.append((.traditionalName, "姓名 \(s.name) 含繁体字，应写作 \(simplified)"))
        }
        if let problem = s.idProblem {
            // A number Excel wrote in scientific notation is shown as the file has it (its cleaned form, 4.20103E+17 less its spaces, says no more),
            // and so is a 15-digit one: its 18-digit form, century and check character added, is in no file the office has.
            let fifteen = s.idNorm.utf8.count == 18 && s.idRaw.utf8.count == 15
            let shown = lostDigits || fifteen ? s.idRaw : s.idNorm
            out.append((.idInvalid, "身份证号 \(shown)：\(problem)"))
        } else if s.idNeededCleaning {
            out.append((.idFormat, "规范写法 \(s.idNorm)"))
        }
        if !s.phoneRaw.isEmpty, !s.phoneValid {
            out.append((.phoneInvalid, Text.isScientificNotation(s.phoneRaw)
                ? "手机号 \(s.phoneRaw) 被 Excel 存成了科学计数法，号码已丢失（把该列设为文本格式后重新导出）"
                : "手机号 \(s.phoneRaw.prefix(40)) 不是大陆手机号"))
        }
        return out
    }
}
