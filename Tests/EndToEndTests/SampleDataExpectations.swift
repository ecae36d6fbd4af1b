// What SampleData/make_sample.py planted, student by student, and therefore what zicha must find on each night.

/// One night of one student: state and finding codes. A code may carry its remedies after a colon when
/// they depend on the student ("RECOVERY_NAME_MISMATCH:NOTE-2"); otherwise the SPEC's remedies apply.
struct NightExpectation {
    let state: String
    let codes: [String]
}

/// One student of SampleData: 考生号, name, both nights (nil: not on that night's roster), and why.
struct StudentExpectation {
    let key: String
    let name: String
    let night1: NightExpectation?
    let night2: NightExpectation?
    let why: String

    /// `S07` → `26420101000007`, as make_sample.py numbers them.
    var ksh: String { "26420101" + String(repeating: "0", count: 6 - key.dropFirst().count) + key.dropFirst() }

    func night(_ n: Int) -> NightExpectation? { n == 1 ? night1 : night2 }
}

private func c(_ codes: String...) -> NightExpectation { NightExpectation(state: "checked", codes: codes) }
private func u(_ codes: String...) -> NightExpectation { NightExpectation(state: "unchecked", codes: codes) }
private func d(_ codes: String...) -> NightExpectation { NightExpectation(state: "disputed", codes: codes) }
private func both(_ key: String, _ name: String, _ e: NightExpectation, _ why: String) -> StudentExpectation {
    StudentExpectation(key: key, name: name, night1: e, night2: e, why: why)
}

/// The SPEC's remedies per code (Findings table).
let specRemedies: [String: [String]] = [
    "NOT_REGISTERED": ["GUIDE", "NOTE-1"], "REGISTERED_NOT_CHECKED": ["GUIDE", "FAQ-4"], "VIEWED_NOT_CONFIRMED": ["FAQ-5"],
    "ID_TAKEN": ["FAQ-2", "FAQ-3"], "ID_TAKEN_CONSCRIPTION": ["FAQ-8"], "PHONE_TAKEN": ["FAQ-9"],
    "RECOVERY_NOT_REGISTERED": ["FAQ-1"], "RECOVERY_BLOCKED": ["FAQ-6"], "EMAIL_UNUSABLE": ["FAQ-7"], "DISPUTED": ["ADMIN"],
    "DUPLICATE_ID": ["FAQ-3", "ADMIN"], "DUPLICATE_PHONE": ["FAQ-9"], "NAME_CHANGED": ["NOTE-2"], "TRADITIONAL_NAME": ["NOTE-1"],
    "ID_FORMAT": ["NOTE-1"], "ID_INVALID": ["ADMIN"], "PHONE_INVALID": ["ADMIN"], "NOT_ON_ROSTER": ["ADMIN"], "NO_COUNSELOR": ["ADMIN"],
]

/// Night 1 is as of 2026-11-28 (events of 11-27), night 2 as of 2026-11-29 (events of 11-28 and a status export).
/// Derived, not listed: change is `persisting` when the code was there on night 1, else `new`; `resolved` on night 2
/// is every night-1 code gone on night 2 for a student still on the roster; days_outstanding is 0 on night 1 and,
/// on night 2, 1 for a student still not checked and 0 once checked.
let sampleStudents: [StudentExpectation] = [
    both("S01", "王晓明", u("NOT_REGISTERED"), "no event at all"),
    both("S02", "李静", u("REGISTERED_NOT_CHECKED"), "registered; night 2 only a login and a status export saying 未查"),
    .init(key: "S03", name: "张伟", night1: u("VIEWED_NOT_CONFIRMED"), night2: c(),
          why: "viewed without confirming; night 2 confirms → VIEWED_NOT_CONFIRMED resolved"),
    .init(key: "S04", name: "刘洋", night1: u("ID_TAKEN"), night2: u("REGISTERED_NOT_CHECKED"),
          why: "ID already registered; night 2 registers (ID_TAKEN resolved) but has not viewed (new)"),
    both("S05", "陈磊", u("ID_TAKEN_CONSCRIPTION"), "the detail names the conscription office: only the CONSCRIPTION code, with the 15-digit form"),
    both("S06", "杨帆", u("PHONE_TAKEN"), "register failed: phone exists"),
    both("S07", "赵敏", u("RECOVERY_NOT_REGISTERED"), "recovery said: never registered"),
    both("S08", "黄磊", u("REGISTERED_NOT_CHECKED", "RECOVERY_BLOCKED"), "three name mismatches in recovery"),
    both("S09", "周杰", u("REGISTERED_NOT_CHECKED", "RECOVERY_BLOCKED"), "recovery rate-limited (请求被取消)"),
    both("S10", "吴思远", u("REGISTERED_NOT_CHECKED", "RECOVERY_NAME_MISMATCH:NOTE-2", "NAME_CHANGED"),
         "name mismatch once, and the name changed since admission (吴远) → NOTE-2"),
    both("S11", "徐丽", u("REGISTERED_NOT_CHECKED", "RECOVERY_NAME_MISMATCH:NOTE-1"), "name mismatch once, name unchanged → NOTE-1"),
    both("S12", "孙浩", u("REGISTERED_NOT_CHECKED", "EMAIL_UNUSABLE"), "password recovery: email unusable"),
    both("S13", "马超", d("DISPUTED"), "checked, then reported wrong information (信息有误)"),
    both("S14", "朱琳", c("DUPLICATE_ID"), "shares her ID with S15 and checked with it"),
    both("S15", "胡婷", c("DUPLICATE_ID"), "shares S14's ID, so S14's events count for her too"),
    .init(key: "S16", name: "郭强", night1: u("REGISTERED_NOT_CHECKED", "DUPLICATE_PHONE"), night2: c("DUPLICATE_PHONE"),
          why: "shares a phone with S17 (spaces); night 2 status export 已查"),
    .init(key: "S17", name: "何芳", night1: u("REGISTERED_NOT_CHECKED", "DUPLICATE_PHONE"), night2: c("DUPLICATE_PHONE"),
          why: "shares a phone with S16 (+86 and dashes); night 2 status export 已查"),
    both("S18", "高雅", c("NAME_CHANGED"), "录取姓名 高娅"),
    both("S19", "張偉", c("TRADITIONAL_NAME"), "traditional characters; 张伟 proposed"),
    both("S20", "於梦", c(), "於 is allowed in names: no TRADITIONAL_NAME"),
    both("S21", "甯乾昇", c(), "甯, 乾, 昇 are allowed in names: no TRADITIONAL_NAME"),
    both("S22", "沈思", c(), "converted character by character: not read as 沉思"),
    both("S23", "林峰", c("ID_FORMAT"), "roster ID with an inner space and full-width digits"),
    both("S24", "罗娜", c("ID_FORMAT"), "roster ID with a lowercase x"),
    both("S25", "郑凯", u("NOT_REGISTERED", "ID_INVALID"), "roster ID typo (check character); her events carry the true ID → unmatched"),
    both("S26", "梁宇", c("PHONE_INVALID"), "a landline as phone; her 昨天下午 log row is rejected"),
    both("S27", "谢雨", c("NO_COUNSELOR"), "class 计科2609 has no counselor; her 核对完成 log row is rejected"),
    both("S28", "宋立成", c(), "born 1999, logs under the 15-digit ID; the roster row names its own counselor"),
    both("S29", "唐嘉怡", c(), "conscription failure, then registered with the 15-digit form (born 2006) and checked"),
    both("S30", "买买提·艾力", c(), "ideographic spaces trimmed, • folded to ·"),
    both("S31", "欧阳娜娜", c(), "compound surname; a quoted newline in the major"),
    both("S32", "韩雪", c(), "phone taken, then registered and confirmed: the failure is cleared"),
    both("S33", "冯博", u("VIEWED_NOT_CONFIRMED"), "已查 then 未查: the latest state wins"),
    .init(key: "S34", name: "邓宁", night1: nil, night2: c(),
          why: "in night 1's log before the roster (unmatched); on night 2's roster, checked with those events"),
    .init(key: "S35", name: "曹阳", night1: u("REGISTERED_NOT_CHECKED"), night2: nil, why: "left before night 2: not reported"),
    both("S36", "彭博文", c(), "clean; the roster's own counselor columns (韩老师) win over the class mapping"),
] + ["曾佳", "田欣", "董浩然", "袁梦", "潘晨", "蒋雨涵", "蔡子轩"].enumerated().map { i, name in
    both("S\(37 + i)", name, c(), "clean: registered, viewed, checked")
}

/// Log IDs that match no roster student, night by night: (ID, name, events).
let sampleUnmatched: [[(id: String, name: String, events: Int)]] = [
    [("110105200601019014", "陌生人", 2),    // the stranger: never on any roster
     ("420212200705082511", "郑凯", 1),      // S25's true ID (the roster has a typo)
     ("420220200702173418", "邓宁", 3)],     // S34 before the roster lists her
    [("110105200601019014", "陌生人", 2), ("420212200705082511", "郑凯", 1)],
]

/// Night 1's rejected rows, as `file:line` and a piece of the reason; night 2 has none.
let sampleRejects: [(location: String, reason: String)] = [
    ("SampleData/night1/roster.csv:45", "身份证号"),    // 钱多 has no ID
    ("SampleData/night1/log.txt:109", "核对完成"),      // an event nobody configured
    ("SampleData/night1/log.txt:110", "昨天下午"),      // a time that is not a time
]

/// Evidence each finding must name (a piece of `detail`), where the SPEC asks for it.
let sampleEvidence: [(key: String, code: String, contains: String)] = [
    ("S05", "ID_TAKEN_CONSCRIPTION", "420106060102123"),   // the student's own 15-digit form
    ("S08", "RECOVERY_BLOCKED", "3"),
    ("S14", "DUPLICATE_ID", "胡婷 (26420101000015)"),
    ("S16", "DUPLICATE_PHONE", "何芳 (26420101000017)"),
    ("S17", "DUPLICATE_PHONE", "郭强 (26420101000016)"),
    ("S19", "TRADITIONAL_NAME", "张伟"),
    ("S10", "NAME_CHANGED", "吴远"),
    ("S04", "ID_TAKEN", "2026-11-27 10:00"),
]
