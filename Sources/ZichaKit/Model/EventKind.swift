/// The canonical self-check events; each log row's 事件 cell maps to one of them.
public enum EventKind: String, CaseIterable, Sendable, Codable {
    case registered
    case registerFailed = "register_failed"
    case login
    case viewed
    case logout
    case checked
    case unchecked
    case disputed
    case recoverFailed = "recover_failed"

    /// The labels accepted out of the box (SPEC, Self-check log); configuration can add more.
    public var defaultLabels: [String] {
        switch self {
        case .registered: return ["注册成功", "注册", "registered"]
        case .registerFailed: return ["注册失败", "register_failed"]
        case .login: return ["登录", "登陆", "login"]  // 登陆: how many systems spell 登录
        case .viewed: return ["查看学籍", "学籍查询", "查看", "viewed"]
        case .logout: return ["退出", "注销", "logout"]
        case .checked: return ["自查完成", "已查", "已自查", "已确认", "确认", "checked"]
        case .unchecked: return ["未查", "未自查", "unchecked"]
        case .disputed: return ["信息有误", "有异议", "申请更正", "disputed"]
        case .recoverFailed: return ["找回失败", "找回用户名失败", "找回密码失败", "recover_failed"]
        }
    }

    /// Events that decide the state.
    public var state: CheckState? {
        switch self {
        case .checked: return .checked
        case .unchecked: return .unchecked
        case .disputed: return .disputed
        default: return nil
        }
    }

    /// Events that show the student got past registration or recovery.
    public var isSuccess: Bool {
        switch self {
        case .registered, .login, .viewed, .logout, .checked, .disputed: return true
        default: return false
        }
    }

    /// A short Chinese label for evidence texts.
    public var title: String {
        switch self {
        case .registered: return "注册成功"
        case .registerFailed: return "注册失败"
        case .login: return "登录"
        case .viewed: return "查看学籍"
        case .logout: return "退出"
        case .checked: return "自查完成"
        case .unchecked: return "未查"
        case .disputed: return "信息有误"
        case .recoverFailed: return "找回失败"
        }
    }
}

/// Why a register_failed or recover_failed happened, read from the detail text.
public enum FailureReason: String, Sendable, Codable, CaseIterable {
    case idTaken = "id_taken"
    case conscription
    case phoneTaken = "phone_taken"
    case nameMismatch = "name_mismatch"
    case rateLimited = "rate_limited"
    case notRegistered = "not_registered"
    case emailUnusable = "email_unusable"
    /// A registration refused for the ID (taken, or taken by the conscription office) and for the phone at once
    /// (`证件号码重复；手机号码重复`): two obstacles, each with its remedy.
    case idAndPhoneTaken = "id_taken+phone_taken"
    case conscriptionAndPhoneTaken = "conscription+phone_taken"

    /// Classifies a detail text. Conscription wins over "ID taken" when a text names both; a phone named as taken
    /// beside the ID is a second reason.
    public static func classify(_ detail: String) -> FailureReason? {
        if detail.isEmpty { return nil }
        func has(_ words: String...) -> Bool { words.contains { Text.contains(detail, $0) } }
        func phoneTakenToo() -> Bool { has("手机号码已存在", "手机号码重复", "手机号已存在", "手机号码存在", "手机号重复", "手机号码已被注册", "手机号已被注册") }
        if has("征兵") { return phoneTakenToo() ? .conscriptionAndPhoneTaken : .conscription }
        if has("证件号码已被注册", "证件号码重复") { return phoneTakenToo() ? .idAndPhoneTaken : .idTaken }
        if has("手机号码已存在", "手机号码重复", "手机号已存在", "手机号码存在") { return .phoneTaken }
        // The same with the number or other words between, and the FAQ's own wordings (证件号码已注册 in FAQ 8,
        // 身份证号已被使用 in FAQ 2, 手机号码存在 in FAQ 9): an ID or a phone named, and said to be taken.
        // (存在 alone only in FAQ 9's 手机号码存在, below: 证件号码存在问题 says nothing of who holds the ID.)
        let taken = has("已存在", "重复", "已被注册", "已注册", "已被使用", "已被占用") && !has("不存在")
        if has("证件", "身份证"), taken { return phoneTakenToo() ? .idAndPhoneTaken : .idTaken }
        if has("手机"), taken { return .phoneTaken }
        // 学信网's bare "已被注册" is said of the ID; a user name or an email already taken is another obstacle (no
        // finding of its own: the student picks another), not one to send through the ID's procedure.
        if has("已被注册"), !has("用户名", "邮箱", "账号", "帐号") { return .idTaken }
        if has("请求被取消", "频繁", "次数过多") { return .rateLimited }
        if has("姓名不符", "证件和姓名不符") { return .nameMismatch }
        if has("未注册") { return .notRegistered }
        if has("邮箱") { return .emailUnusable }
        // The name said not to match the ID in another system's words (找回用户名：姓名不一致, 证件号码与姓名不匹配,
        // 姓名与证件号码不一致, 姓名有误): three of them block the recovery as surely (found by an audit: 姓名不一致 gave
        // nothing). Only the name itself said to be wrong, or the name and the ID said not to match: not 证件号码错误
        // （姓名：张三）, nor a phone that does not match the name.
        return nameSaidWrong(detail) ? .nameMismatch : english(detail)
    }

    /// The SPEC's own English words for each reason (a log written in English, as its event names may be): "ID already
    /// registered", "registered by the conscription office", "phone exists", "rate-limited", "not registered", "email
    /// unusable" (found by an audit: only "name mismatch" was read).
    private static func english(_ detail: String) -> FailureReason? {
        let text = detail.lowercased()
        func has(_ words: String...) -> Bool { words.contains { text.contains($0) } }
        let taken = has("taken", "exists", "already registered", "already in use", "already used", "duplicate")
        let phoneTaken = has("phone", "mobile") && taken
        if has("conscription") { return phoneTaken ? .conscriptionAndPhoneTaken : .conscription }
        if has("not registered", "unregistered", "no account") { return .notRegistered }
        if has("id ", "id:", "id_", "identity", "id number", "id card"), taken { return phoneTaken ? .idAndPhoneTaken : .idTaken }
        if phoneTaken { return .phoneTaken }
        if has("already registered"), !has("user name", "username", "email", "account") { return .idTaken }
        if has("rate-limit", "rate limit", "too many", "too frequent", "request cancelled", "request canceled") { return .rateLimited }
        if has("email", "e-mail") { return .emailUnusable }
        return nil
    }

    /// The name itself said to be wrong, or said not to match the ID — read without the spaces between words, and not a
    /// phone said not to match the name.
    private static func nameSaidWrong(_ detail: String) -> Bool {
        let text = String(detail.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        func has(_ words: String...) -> Bool { words.contains { Text.contains(text, $0) } }
        if has("手机号与姓名", "手机号码与姓名", "手机与姓名", "姓名与手机", "手机号和姓名", "姓名和手机") { return false }
        if has("姓名不一致", "姓名不匹配", "姓名错误", "姓名有误", "姓名不正确", "姓名输入错误", "姓名校验不通过", "姓名不对应") { return true }
        let paired = has("姓名与证件", "姓名和证件", "姓名、证件", "姓名与身份证", "姓名和身份证", "姓名、身份证", "证件号码与姓名",
                         "证件号码和姓名", "证件号与姓名", "身份证号与姓名", "身份证号和姓名", "身份证号码与姓名", "证件与姓名", "证件和姓名")
        if paired, has("不一致", "不匹配", "不符", "不对应") { return true }
        let lower = detail.lowercased()
        return ["name mismatch", "name_mismatch", "name does not match", "name doesn't match"].contains { lower.contains($0) }
    }

    /// A failure whose reason is an obstacle with no finding of its own: a user name, or an account name, already
    /// taken (the student picks another). Not reported as a reason zicha could not read.
    static func isOtherObstacle(_ detail: String) -> Bool {
        ["用户名", "账号", "帐号"].contains { Text.contains(detail, $0) }
            && ["已存在", "重复", "已被注册", "已注册", "已被使用", "已被占用"].contains { Text.contains(detail, $0) }
    }
}
