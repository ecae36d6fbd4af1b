import Testing
@testable import ZichaKit

/// The log's 事件 / 状态 labels: the SPEC's aliases, a few spellings offices' exports use, and a school's own.
@Suite struct EventVocabularyTests {
    static let labels: [(String, EventKind)] = [
        ("注册成功", .registered), ("注册", .registered), ("registered", .registered),
        ("注册失败", .registerFailed), ("register_failed", .registerFailed),
        ("登录", .login), ("登陆", .login), ("login", .login), ("LOGIN", .login),
        ("查看学籍", .viewed), ("学籍查询", .viewed), ("查看", .viewed), ("viewed", .viewed),
        ("退出", .logout), ("注销", .logout), ("logout", .logout),
        ("自查完成", .checked), ("已查", .checked), ("已自查", .checked), ("已确认", .checked), ("确认", .checked), ("checked", .checked),
        ("未查", .unchecked), ("未自查", .unchecked), ("unchecked", .unchecked), (" 未查 ", .unchecked),
        ("信息有误", .disputed), ("有异议", .disputed), ("申请更正", .disputed), ("disputed", .disputed),
        ("找回失败", .recoverFailed), ("找回用户名失败", .recoverFailed), ("找回密码失败", .recoverFailed), ("recover_failed", .recoverFailed),
    ]

    @Test(arguments: labels) func mapsEveryAlias(_ label: String, _ kind: EventKind) throws {
        #expect(try EventVocabulary().kind(of: label) == kind)
    }

    @Test func unknownLabelsStayUnknown() throws {
        let vocabulary = try EventVocabulary()
        for label in ["", "查", "已", "自查", "未完成", "登录失败"] { #expect(vocabulary.kind(of: label) == nil, "\(label)") }
    }

    @Test func aSchoolAddsItsOwnLabels() throws {
        let vocabulary = try EventVocabulary(extra: ["checked": ["核对完成"], "unchecked": ["待核对"]])
        #expect(vocabulary.kind(of: "核对完成") == .checked)
        #expect(vocabulary.kind(of: "待核对") == .unchecked)
        #expect(vocabulary.kind(of: "已查") == .checked)
        #expect(throws: ZichaError.self) { try EventVocabulary(extra: ["finished": ["完成"]]) }
    }
}
