import Foundation
import Testing
import ZichaTestSupport

/// Log rows under a legacy 15-digit ID, run through the built binary: they count for the roster student whose
/// 18-digit ID they stand for (born 19xx or 20xx), beside that student's 18-digit events; those of nobody on the
/// roster are reported once, under the 18-digit form, wherever they sort among the roster's IDs.
@Suite("Legacy 15-digit IDs")
struct LegacyIDTests {
    static let roster = """
        考生号,学号,姓名,录取姓名,身份证号,性别,出生日期,手机号,学院,专业,班级,辅导员,辅导员邮箱
        26420101000001,2026000001,宋立成,,420215199908112817,男,1999-08-11,13800000001,计算机学院,人工智能,计科2601,韩老师,han@example.com
        26420101000002,2026000002,唐嘉怡,,420216200609122910,男,2006-09-12,13800000002,计算机学院,人工智能,计科2601,韩老师,han@example.com
        26420101000003,2026000003,张伟,,420104200701010339,男,2007-01-01,13800000003,计算机学院,人工智能,计科2601,韩老师,han@example.com
        26420101000004,2026000004,孙洋,,510104200002293036,男,2000-02-29,13800000004,计算机学院,人工智能,计科2601,韩老师,han@example.com
        26420101000005,2026000005,赵敏,,420111200701229991,女,2007-01-22,13800000005,计算机学院,人工智能,计科2601,韩老师,han@example.com

        """
    static let log = """
        时间,身份证号,姓名,事件,备注
        2026-11-27 09:00:00,110101980203123,甲某,注册成功,
        2026-11-27 09:05:00,110101980203123,甲某,查看学籍,
        2026-11-27 14:00:00,420215990811281,宋立成,注册成功,
        2026-11-27 14:05:00,420215990811281,宋立成,查看学籍,
        2026-11-27 14:06:00,420215990811281,宋立成,自查完成,
        2026-11-27 14:10:00,420216200609122910,唐嘉怡,注册失败,该证件号码已被征兵部门注册
        2026-11-27 14:20:00,420216060912291,唐嘉怡,注册成功,
        2026-11-27 14:25:00,420216060912291,唐嘉怡,自查完成,
        2026-11-27 15:00:00,420104200701010339,张伟,注册成功,
        2026-11-27 16:00:00,650102971111456,乙某,注册成功,
        2026-11-27 10:00:00,510104000229303,孙洋,登录,
        2026-11-27 10:55:00,420111070122999,赵敏,信息有误,
        2026-11-27 10:55:00,420111200701229991,赵敏,已确认,

        """

    @Test("15-digit events join the 18-digit ones of the same student; the others are unmatched once each")
    func fifteenDigitEvents() throws {
        let tmp = try TempFolder("legacy")
        let roster = try tmp.write(Self.roster, to: "roster.csv"), log = try tmp.write(Self.log, to: "log.csv")
        let out = tmp.file("Reports")
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--db", tmp.file("zicha.sqlite"),
                                                  "--out", out, "--as-of", "2026-11-28", "--no-mail", "-q"])
        try #require(run.status == 0, "\(run.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/2026-11-28/findings.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let students = try #require(json["students"] as? [[String: Any]])
        func student(_ ksh: String) -> (state: String, codes: [String]) {
            let s = students.first { $0["ksh"] as? String == ksh } ?? [:]
            let codes = (s["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            return (s["state"] as? String ?? "missing", codes)
        }
        // Born 1999, only 15-digit events: checked.
        #expect(student("26420101000001").state == "checked")
        #expect(student("26420101000001").codes.isEmpty)
        // Born 2006: an 18-digit conscription failure, then registered and checked under the 15-digit form.
        #expect(student("26420101000002").state == "checked")
        #expect(student("26420101000002").codes.isEmpty, "the later 15-digit success clears the 18-digit failure")
        #expect(student("26420101000003").state == "unchecked")
        #expect(student("26420101000003").codes == ["REGISTERED_NOT_CHECKED"])
        // Born 2000-02-29: the 15-digit form reads 00-02-29, which only 2000 had (1900 was no leap year)
        #expect(student("26420101000004").state == "unchecked")
        #expect(student("26420101000004").codes == ["REGISTERED_NOT_CHECKED"])
        // Two rows of one second under the two forms: the later in the log wins, whatever its form
        #expect(student("26420101000005").state == "checked")

        // Nobody on the roster: reported under the 18-digit form (19xx), one entry per ID with all its events —
        // one sorts before every roster ID, one after.
        let unmatched = try #require(json["unmatched"] as? [[String: Any]])
        #expect(unmatched.compactMap { $0["id"] as? String } == ["110101199802031238", "650102199711114566"])
        #expect(unmatched.allSatisfy { $0["code"] as? String == "NOT_ON_ROSTER" })
        let firstDetail = unmatched.first?["detail"] as? String ?? ""
        #expect(firstDetail.contains("甲某") && firstDetail.contains("2"), "name and event count in \(firstDetail)")
        #expect(firstDetail.contains("110101199802031238（记录中为15位 110101980203123）"), "the log's own form too: \(firstDetail)")
    }
}
