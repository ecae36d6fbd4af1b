import Foundation
import Testing
import ZichaKit
import ZichaTestSupport

/// One person written differently by different hands — a compatibility ideograph, a decomposed letter, full-width
/// letters, a thin space or a zero-width joiner copied from a web page — through the real binary: each is read as the
/// one name, phone or class it is (an audit of lookalike text, session 32, found each of these misread).
@Suite struct LookalikeTextTests {
    static let ids = (0..<5).map(SyntheticNight.idNumber)

    /// Two nights: the same roster and counselor list, and night 2's log says night 1's two name mismatches again with
    /// the name decomposed (NFD), as another export writes it.
    static func write(_ folder: TempFolder) throws -> (roster: String, counselors: String, log1: String, log2: String) {
        var roster = "考生号,姓名,身份证号,手机号,学院,班级\r\n"
        let students: [(name: String, phone: String, college: String, klass: String)] = [
            ("\u{F90F}明", "13900279999", "计算机学院", "计科2601"),  // 羅明 as a compatibility ideograph
            ("L\u{00FC} Na", "139\u{2009}0027\u{2009}9999", "计算机学院", "计科2601"),  // the same mobile, thin spaces
            ("\u{200D}", "13900270002", "计算机学院", "计科2601"),  // no name at all
            ("Ｌｉ Ｎａ", "13900270003", "外语学院", "Fran\u{00E7}ais 2601"),
            ("王隆", "139\u{200B}0027\u{200B}0004", "计算机学院", "计科2601"),
        ]
        for (i, s) in students.enumerated() {
            roster += "2642010100000\(i),\(s.name),\(ids[i]),\(s.phone),\(s.college),\(s.klass)\r\n"
        }
        let counselors = "班级,学院,辅导员,邮箱\r\n计科2601,计算机学院,李老师,li@example.edu.cn\r\nFranc\u{0327}ais 2601,外语学院,钱老师,qian@example.edu.cn\r\n"
        func mismatches(_ name: String) -> String {
            "时间,身份证号,姓名,事件,说明\r\n"
                + "2026-11-27 09:00:00,\(ids[1]),\(name),找回失败,证件和姓名不符\r\n"
                + "2026-11-27 10:00:00,\(ids[1]),\(name),找回失败,证件和姓名不符\r\n"
        }
        let log1 = mismatches("L\u{00FC} Na") + "2026-11-27 11:00:00,\(ids[3]),Li Na,注册失败,手机号码139\u{00A0}8765\u{00A0}4321已存在\r\n"
        return (try folder.write(roster, to: "roster.csv"), try folder.write(counselors, to: "counselors.csv"),
                try folder.write(log1, to: "log1.csv"), try folder.write(mismatches("Lu\u{0308} Na"), to: "log2.csv"))
    }

    @Test func oneNameOnePhoneOneClassHoweverWritten() throws {
        let folder = try TempFolder("lookalike")
        let files = try Self.write(folder)
        func night(_ day: String, _ log: String) throws -> FindingsFile {
            let r = try ZichaBinary.run(arguments: ["nightly", "--roster", files.roster, "--log", log, "--counselors", files.counselors,
                                                    "--db", folder.file("db.sqlite"), "--out", folder.file("Reports"), "--as-of", day, "--no-mail", "-q"])
            #expect(r.status == 0, "\(r.stderr)")
            return try FindingsFile(path: folder.file("Reports/\(day)/findings.json"))
        }
        func codes(_ student: [String: Any]?) -> [String] {
            (student?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        func finding(_ student: [String: Any]?, _ code: String) -> [String: Any]? {
            (student?["findings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == code }
        }

        // Night 1
        let first = try night("2026-11-28", files.log1).studentsByKsh
        // The compatibility ideograph is 羅, a traditional character: TRADITIONAL_NAME proposes 罗明
        #expect(first["26420101000000"]?["name"] as? String == "羅明")
        #expect((finding(first["26420101000000"], "TRADITIONAL_NAME")?["detail"] as? String)?.contains("罗明") == true, "\(codes(first["26420101000000"]))")
        // A mobile written with thin or zero-width spaces is that mobile: shared, not invalid
        for ksh in ["26420101000000", "26420101000001"] {
            #expect(codes(first[ksh]).contains("DUPLICATE_PHONE"), "\(ksh): \(codes(first[ksh]))")
            #expect(!codes(first[ksh]).contains("PHONE_INVALID"), "\(ksh): \(codes(first[ksh]))")
        }
        #expect(!codes(first["26420101000004"]).contains("PHONE_INVALID"), "\(codes(first["26420101000004"]))")
        // A name of a zero-width joiner alone is no name: set aside with its line
        #expect(first["26420101000002"] == nil)
        let rejects = try String(contentsOfFile: folder.file("Reports/2026-11-28/rejects.csv"), encoding: .utf8)
        #expect(rejects.contains("姓名 is empty"), "\(rejects)")
        // Full-width letters are letters, their space kept; the class in its decomposed spelling is the same class
        #expect(first["26420101000003"]?["name"] as? String == "Li Na")
        #expect(first["26420101000003"]?["counselor"] as? String == "钱老师", "\(codes(first["26420101000003"]))")
        // A mobile in a log's remark, grouped with non-breaking spaces, is masked in the counselor's list
        let list = try String(contentsOfFile: folder.file("Reports/2026-11-28/counselors/钱老师.csv"), encoding: .utf8)
        #expect(list.contains("已存在") && !list.contains("8765"), "\(list)")
        #expect(codes(first["26420101000001"]).contains("RECOVERY_NAME_MISMATCH"))

        // Night 2: the same two mismatches again, the name decomposed — stored once, so still two, not three or more
        let second = try night("2026-11-29", files.log2).studentsByKsh
        let lu = second["26420101000001"]
        #expect(codes(lu).contains("RECOVERY_NAME_MISMATCH") && !codes(lu).contains("RECOVERY_BLOCKED"), "\(codes(lu))")
        #expect(finding(lu, "RECOVERY_NAME_MISMATCH")?["change"] as? String == "persisting")
        #expect(try SQLiteShell.integer(folder.file("db.sqlite"), "SELECT count(*) FROM event WHERE reason IS NOT NULL AND id_norm = '\(Self.ids[1])'") == 2)
    }
}
