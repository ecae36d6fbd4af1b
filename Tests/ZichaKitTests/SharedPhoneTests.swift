import Foundation
import Testing
@testable import ZichaKit
import ZichaTestSupport

/// DUPLICATE_PHONE as a whole night finds it (one pass over the roster's phones in order) and as a night after a
/// changed roster finds it (only the phones of the students the roster touched), with students who left.
@Suite struct SharedPhoneTests {
    /// Night 1: every student present. Night 2: 李四, 周九 and 吴十 left (absent from the roster).
    static let people: [(ksh: String, name: String, phone: String, leavesOnNight2: Bool)] = [
        ("26420101000001", "张三", "13800000001", false),       // shares with 李四 (who leaves)
        ("26420101000002", "李四", "13800000001", true),
        ("26420101000003", "王五", "13800000002", false),       // three present share, written three ways
        ("26420101000004", "赵六", "+86 138 0000 0002", false),
        ("26420101000005", "钱七", "138-0000-0002", false),
        ("26420101000006", "孙八", "13800000003", false),       // shares with 周九 and 吴十, both leave
        ("26420101000007", "周九", "13800000003", true),
        ("26420101000008", "吴十", "13800000003", true),
        ("26420101000009", "郑一", "13800000004", false),       // two present and one who leaves
        ("26420101000010", "冯二", "13800000004", false),
        ("26420101000011", "陈三", "13800000004", true),
        ("26420101000012", "褚四", "027-87654321", false),      // an office line shared: not a mobile, never a finding
        ("26420101000013", "卫五", "027-87654321", false),
        ("26420101000014", "蒋六", "13800000005", false),       // alone
    ]

    static func roster(night: Int) -> String {
        var text = "考生号,学号,姓名,身份证号,手机号,学院,班级\n"
        for (i, p) in people.enumerated() where night == 1 || !p.leavesOnNight2 {
            text += "\(p.ksh),2026\(String(format: "%06d", i)),\(p.name),4201022007031501\(String(format: "%02d", i)),\(p.phone),计算机学院,计科2601\n"
        }
        return text
    }

    /// DUPLICATE_PHONE's detail per 考生号 on night 2, the night reconciled in full or only where the roster changed.
    static func duplicatePhones(fullNight2: Bool) throws -> [String: String] {
        let tmp = try TempFolder("shared-phones")
        let counselors = try tmp.write("班级,学院,辅导员,邮箱\n计科2601,计算机学院,李老师,li@example.com\n", to: "counselors.csv")
        let log = try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-27 09:00:00,420102200703150113,张三,登录,\n", to: "log.csv")
        for night in 1...2 {
            let roster = try tmp.write(roster(night: night), to: "roster\(night).csv")
            var options = NightlyOptions(inputs: NightInputs(roster: roster, counselors: counselors, logs: [log]))
            options.databasePath = tmp.file("zicha.sqlite")
            options.outputDirectory = tmp.file("Reports")
            options.asOf = SampleNights.asOf[night - 1]
            options.skipMail = true
            options.fullReconcile = night == 2 && fullNight2
            _ = try Pipeline.nightly(options, diagnostics: DiagnosticCollector())
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: tmp.file("Reports/\(SampleNights.asOf[1])/findings.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var found: [String: String] = [:]
        for student in try #require(json["students"] as? [[String: Any]]) {
            for finding in try #require(student["findings"] as? [[String: Any]]) where finding["code"] as? String == "DUPLICATE_PHONE" {
                found[student["ksh"] as! String] = finding["detail"] as? String
            }
        }
        return found
    }

    @Test("a phone is shared among present students only, however it is written, whole night or not", arguments: [true, false])
    func presentStudentsShareAPhone(fullNight2: Bool) throws {
        // Given a night whose roster lost three students, some of whom shared a phone with students still there
        // When the night is reconciled
        let found = try Self.duplicatePhones(fullNight2: fullNight2)
        // Then only students sharing a mobile with another present student have the finding, naming those others
        #expect(found == [
            "26420101000003": "与 赵六 (26420101000004)、钱七 (26420101000005) 共用 13800000002",
            "26420101000004": "与 王五 (26420101000003)、钱七 (26420101000005) 共用 13800000002",
            "26420101000005": "与 王五 (26420101000003)、赵六 (26420101000004) 共用 13800000002",
            "26420101000009": "与 冯二 (26420101000010) 共用 13800000004",
            "26420101000010": "与 郑一 (26420101000009) 共用 13800000004",
        ])
    }
}
