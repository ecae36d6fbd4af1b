/// The stable finding codes of the SPEC. Scripts and other systems rely on the raw values.
public enum FindingCode: String, CaseIterable, Sendable, Codable, Comparable {
    case notRegistered = "NOT_REGISTERED"
    case registeredNotChecked = "REGISTERED_NOT_CHECKED"
    case viewedNotConfirmed = "VIEWED_NOT_CONFIRMED"
    case idTaken = "ID_TAKEN"
    case idTakenConscription = "ID_TAKEN_CONSCRIPTION"
    case phoneTaken = "PHONE_TAKEN"
    case recoveryNotRegistered = "RECOVERY_NOT_REGISTERED"
    case recoveryBlocked = "RECOVERY_BLOCKED"
    case recoveryNameMismatch = "RECOVERY_NAME_MISMATCH"
    case emailUnusable = "EMAIL_UNUSABLE"
    case disputed = "DISPUTED"
    case duplicateID = "DUPLICATE_ID"
    case duplicatePhone = "DUPLICATE_PHONE"
    case nameChanged = "NAME_CHANGED"
    case traditionalName = "TRADITIONAL_NAME"
    case idFormat = "ID_FORMAT"
    case idInvalid = "ID_INVALID"
    case phoneInvalid = "PHONE_INVALID"
    case notOnRoster = "NOT_ON_ROSTER"
    case noCounselor = "NO_COUNSELOR"

    /// Position in the SPEC's table; findings are listed in this order.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// The finding this one grows into, which then replaces it: a third name mismatch blocks the recovery, and an ID
    /// said to be taken is explained when the conscription office is named. Neither is resolved when it grows.
    public var escalation: FindingCode? {
        switch self {
        case .recoveryNameMismatch: return .recoveryBlocked
        case .idTaken: return .idTakenConscription
        default: return nil
        }
    }

    /// Findings about the roster data itself: they apply to every student, checked or not.
    public var isAboutRosterData: Bool {
        switch self {
        case .duplicateID, .duplicatePhone, .nameChanged, .traditionalName, .idFormat, .idInvalid,
             .phoneInvalid, .noCounselor: return true
        default: return false
        }
    }

    /// The problem in one plain Chinese phrase, for people rather than scripts.
    public var title: String {
        switch self {
        case .notRegistered: return "尚未注册学信网账号"
        case .registeredNotChecked: return "已注册但未查看学籍"
        case .viewedNotConfirmed: return "已查看学籍但仍显示未查"
        case .idTaken: return "注册时提示证件号码已被注册"
        case .idTakenConscription: return "身份证号已被征兵部门注册"
        case .phoneTaken: return "注册时提示手机号码已存在"
        case .recoveryNotRegistered: return "找回用户名时提示未注册"
        case .recoveryBlocked: return "找回用户名被限制：请求被取消或多次姓名不符"
        case .recoveryNameMismatch: return "找回用户名时提示证件和姓名不符"
        case .emailUnusable: return "注册邮箱无法使用"
        case .disputed: return "学生反映学籍信息有误"
        case .duplicateID: return "名单中身份证号重复"
        case .duplicatePhone: return "名单中手机号与他人相同"
        case .nameChanged: return "现用名与录取姓名不同"
        case .traditionalName: return "姓名含繁体字"
        case .idFormat: return "名单中的身份证号含空格、全角字符或小写x"
        case .idInvalid: return "身份证号不合法"
        case .phoneInvalid: return "手机号不是有效的大陆手机号"
        case .notOnRoster: return "自查记录中的身份证号不在在籍名单"
        case .noCounselor: return "没有辅导员邮箱"
        }
    }
}

/// A student's self-check state: the latest of checked / unchecked / disputed, or unchecked.
public enum CheckState: String, Sendable, Codable, CaseIterable {
    case checked, unchecked, disputed

    /// The state in Chinese, as shown to counselors.
    public var title: String {
        switch self {
        case .checked: return "已查"
        case .unchecked: return "未查"
        case .disputed: return "有异议"
        }
    }
}

/// Whether a finding was already there the previous night.
public enum FindingChange: String, Sendable, Codable {
    case new, persisting

    public var title: String { self == .new ? "新增" : "持续" }
}
