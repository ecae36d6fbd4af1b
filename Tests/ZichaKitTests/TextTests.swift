import Testing
@testable import ZichaKit

/// White space handling shared by every normalizer: `trimmed` answers from the first and last bytes when they
/// cannot start a space, so the cases below sit on both sides of that shortcut.
@Suite struct TextTests {
    static let cases: [(String, String)] = [
        ("", ""), ("张三", "张三"), ("abc", "abc"), (" abc ", "abc"), ("\u{3000}张三\u{3000}", "张三"),
        ("张三\u{00A0}", "张三"), ("\u{2003}李四", "李四"), ("\u{FEFF}王五", "王五"), ("\u{3000}", ""),
        ("\t\r\n", ""), ("王\u{3000}五", "王\u{3000}五"), ("é", "é"), ("😀", "😀"), ("张三\u{0085}", "张三"),
        ("\u{1680}x", "x"), ("x\u{205F}", "x"), ("x\u{2028}", "x"), ("\u{00E9}\u{0301}", "\u{00E9}\u{0301}"),
        ("ａｂ", "ａｂ"), ("\u{200B}李", "李"), ("李\u{202F}", "李"),
    ]

    @Test(arguments: cases) func trimsEverySpaceAndNothingElse(_ input: String, _ expected: String) {
        #expect(Array(Text.trimmed(input).unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test func removingSpacesTakesThemFromInsideToo() {
        #expect(Text.removingSpaces(" 2411 0101\u{3000}0001 ") == "241101010001")
        #expect(Text.removingSpaces("24110101000001") == "24110101000001")
    }

    @Test(arguments: [
        ("计科2601", "计科2601"), ("计科\u{3000}2601", "计科2601"), ("计科 2601", "计科2601"), ("计科２６０１", "计科2601"),
        ("计科\u{00A0}2601班", "计科2601班"), (" 电子信息 学院 ", "电子信息学院"), ("计科（1）班", "计科(1)班"),
        ("Class A", "Class A"), ("Class  \u{3000}A", "Class A"), ("ＳＥ　２６０１", "SE 2601"), ("CS 2602", "CS 2602"), ("1 12", "1 12"), ("11  2", "11 2"), ("2026 级 软件", "2026级软件"),
        ("软件\n工程", "软件工程"), ("", ""), ("\u{3000}", ""),
    ])
    func aUnitNameHasOneSpelling(_ input: String, _ expected: String) {
        #expect(Text.unitName(input) == expected)
    }

    @Test func sameBytesIsExactEquality() {
        #expect(Text.sameBytes("自查完成", "自查完成"))
        #expect(!Text.sameBytes("自查完成", "自查完成 "))
        #expect(Text.sameBytes("", ""))
        #expect(!Text.sameBytes("\u{00E9}", "e\u{0301}"), "canonically equal, but not the same bytes")
    }

    @Test func containsFindsWholeCharactersAnywhere() {
        #expect(Text.contains("该证件号码已被征兵部门注册", "征兵"))
        #expect(Text.contains("征兵", "征兵") && Text.contains("部门征兵", "征兵") && Text.contains("征兵部门", "征兵"))
        #expect(!Text.contains("征", "征兵"), "longer than the text")
        #expect(!Text.contains("", "征兵") && Text.contains("", "") && Text.contains("任何", ""))
        #expect(!Text.contains("手机号码已存", "手机号码已存在"))
        #expect(!Text.contains("请求被取 消", "请求被取消"))
        #expect(FailureReason.classify("该证件号码已被征兵部门注册") == .conscription)
        #expect(FailureReason.classify("手机号码已存在，请更换") == .phoneTaken)
        #expect(FailureReason.classify("其他原因") == nil)
    }

    /// The FAQ's own wordings name what is taken; a user name or an email already taken is not the ID (found by an
    /// audit: 用户名已被注册 and 邮箱已被注册 were ID_TAKEN, sending the student through the ID's procedure).
    @Test(arguments: [
        ("证件号码已注册", FailureReason.idTaken), ("身份证号已被使用", .idTaken), ("该身份证号码已存在", .idTaken),
        ("证件号码已被注册", .idTaken), ("已被注册", .idTaken), ("手机号码存在", .phoneTaken), ("该手机号已被占用", .phoneTaken),
        ("证件号码已注册（征兵部门）", .conscription),
    ])
    func aTakenIDOrPhoneIsReadInTheFAQsWords(_ detail: String, _ reason: FailureReason) {
        #expect(FailureReason.classify(detail) == reason)
    }

    @Test(arguments: ["用户名已被注册", "邮箱已被注册，请更换邮箱", "该账号已被注册", "手机号码不存在", "证件号码不存在", "证件号码存在问题"])
    func aTakenUserNameOrEmailIsNotATakenID(_ detail: String) {
        let reason = FailureReason.classify(detail)
        #expect(reason != .idTaken && reason != .phoneTaken)
    }

    /// Another system's words for the name not matching the ID count as the FAQ's 证件和姓名不符 (found by an audit: three
    /// 找回用户名：姓名不一致 gave no finding, and the student was sent to recover the user name a fourth time).
    @Test(arguments: ["找回用户名：姓名不一致", "姓名与证件号码不匹配", "证件号码与姓名不符", "姓名有误", "姓名错误，找回失败", "证件和姓名不符",
                      "姓名和身份证号不匹配", "姓名、证件号码不一致", "姓名与证件号码不一致，手机号已验证", "姓名　不一致", "您输入的姓名不正确",
                      "证件号码与姓名不对应", "Name mismatch", "name does not match ID number"])
    func aNameNotMatchingTheIDIsReadInOtherWordsToo(_ detail: String) {
        #expect(FailureReason.classify(detail) == .nameMismatch)
    }

    /// What the wider reading must not take for a name mismatch (found by an audit of it): a reason read before it, or
    /// a name merely named.
    @Test(arguments: [("该证件号码未注册，请核对姓名是否有误", FailureReason?.some(.notRegistered)), ("找回密码：绑定邮箱与姓名不一致", .emailUnusable),
                      ("证件号码错误（姓名：张三）", nil), ("手机号码与姓名不匹配", nil),
                      ("姓名错误次数过多", .rateLimited)])
    func aNameMerelyNamedIsNotANameMismatch(_ detail: String, _ reason: FailureReason?) {
        #expect(FailureReason.classify(detail) == reason)
    }

    /// The SPEC's English words for each reason, as an English log would write them.
    @Test(arguments: [("ID already registered", FailureReason?.some(.idTaken)), ("ID taken", .idTaken), ("id number already in use", .idTaken),
                      ("registered by the conscription office", .conscription), ("phone exists", .phoneTaken), ("Phone taken", .phoneTaken),
                      ("ID taken; phone taken", .idAndPhoneTaken), ("rate-limited", .rateLimited), ("Too many attempts", .rateLimited),
                      ("not registered", .notRegistered), ("email unusable", .emailUnusable), ("name mismatch", .nameMismatch),
                      ("username already registered", nil), ("system busy", nil)])
    func theSpecsEnglishWordsAreRead(_ detail: String, _ reason: FailureReason?) {
        #expect(FailureReason.classify(detail) == reason)
    }

    @Test func aTakenUserNameIsAnotherObstacleNotAnUnreadReason() {
        #expect(FailureReason.isOtherObstacle("用户名已被注册") && FailureReason.isOtherObstacle("该账号已存在"))
        #expect(!FailureReason.isOtherObstacle("找回用户名失败：系统繁忙") && !FailureReason.isOtherObstacle("系统繁忙"))
    }

    @Test(arguments: [("d", ""), ("R", ""), ("报", ""), ("x/y.sqlite", "x"), ("/z.sqlite", "/"), ("/srv/zicha/db", "/srv/zicha"),
                      ("a//b", "a"), ("dir/", ""), ("xl/workbook.xml", "xl"), ("/", "/")])
    func aPathsFolderIsFoundWithoutFoundation(_ path: String, _ parent: String) {
        #expect(PathText.parent(path) == parent)
    }
}
