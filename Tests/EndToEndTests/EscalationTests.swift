import Foundation
import Testing
import ZichaTestSupport

/// A finding that grows into its worse form is not resolved: found by an audit, where a student's third name mismatch
/// made night 2's summary say "已解决：找回用户名时提示证件和姓名不符" of a student now blocked.
@Suite("Findings that grow worse")
struct EscalationTests {
    @Test("two name mismatches, then a third on the next night: RECOVERY_BLOCKED is new, RECOVERY_NAME_MISMATCH not resolved")
    func aThirdMismatchIsNoResolution() throws {
        let tmp = try TempFolder("escalation")
        // 王晓明 mismatches twice; 李静 is refused for the ID taken, then told the conscription office took it.
        let first = try tmp.write("""
            时间,身份证号,姓名,事件,说明
            2026-11-27 08:00,420102200703150113,王晓明,找回失败,证件和姓名不符
            2026-11-27 08:01,420102200703150113,王晓明,找回失败,证件和姓名不符
            2026-11-27 09:00,420103200611220221,李静,注册失败,证件号码已被注册

            """, to: "log1.csv")
        let second = try tmp.write("""
            时间,身份证号,姓名,事件,说明
            2026-11-28 08:00,420102200703150113,王晓明,找回失败,证件和姓名不符
            2026-11-28 09:00,420103200611220221,李静,注册失败,该证件号码已被征兵部门注册

            """, to: "log2.csv")
        func night(_ asOf: String, _ log: String) throws -> FindingsFile {
            let run = try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", log,
                                                      "--counselors", "SampleData/night1/counselors.csv", "--db", tmp.file("zicha.sqlite"),
                                                      "--out", tmp.file("Reports"), "--as-of", asOf, "--no-mail", "-q"],
                                          cwd: PackagePaths.root.path)
            try #require(run.status == 0, "\(run.stderr)")
            return try FindingsFile(path: tmp.file("Reports/\(asOf)/findings.json"))
        }
        func codes(_ f: FindingsFile, _ ksh: String) -> [String] {
            (f.studentsByKsh[ksh]?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        let one = try night("2026-11-27", first)
        #expect(codes(one, "26420101000001") == ["RECOVERY_NAME_MISMATCH"])
        #expect(codes(one, "26420101000002") == ["ID_TAKEN"])
        let two = try night("2026-11-28", second)
        #expect(codes(two, "26420101000001") == ["RECOVERY_BLOCKED"])
        #expect(codes(two, "26420101000002") == ["ID_TAKEN_CONSCRIPTION"], "not also ID_TAKEN, whose remedy contradicts FAQ-8's")
        let resolved = two.resolved.map { "\($0["ksh"] ?? "") \($0["code"] ?? "")" }
        #expect(!resolved.contains("26420101000001 RECOVERY_NAME_MISMATCH") && !resolved.contains("26420101000002 ID_TAKEN"), "\(resolved)")
    }
}
