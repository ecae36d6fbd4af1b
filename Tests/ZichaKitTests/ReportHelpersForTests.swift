import Foundation
import Testing
@testable import ZichaKit

/// A small night made by hand, every row there for a reason (see the comments), plus helpers the
/// report suites share: temporary folders, golden-file comparison with a diff, running tools.
enum ReportFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let goldenSource = repoRoot.appendingPathComponent("Tests/ZichaKitTests/Fixtures/report/golden")

    /// A catalog with short texts, so goldens do not move when the shipped FAQ wording does.
    static let catalog: RemedyCatalog = {
        let ids = RemedyCatalog.requiredIDs
        let remedies = ids.map { id in
            ["id": id, "title": "\(id) 标题", "text": "\(id) 的处理办法：请按学信网提示操作。"]
        }
        let json = try! JSONSerialization.data(withJSONObject: ["remedies": remedies], options: [.sortedKeys])
        return try! RemedyCatalog(json: json, source: "test")
    }()

    static func finding(_ code: FindingCode, _ detail: String, _ remedies: [String], _ change: FindingChange = .persisting) -> FindingLine {
        FindingLine(code: code, detail: detail, remedies: remedies, change: change)
    }

    static func finding(_ code: FindingCode, _ remedies: [String], _ change: FindingChange = .persisting) -> FindingLine {
        FindingLine(code: code, detail: "", remedies: remedies, change: change)
    }

    static func student(_ college: String, _ cls: String, _ counselor: String, _ email: String, _ ksh: String, _ name: String,
                        id: String, phone: String, state: CheckState, days: Int, _ findings: [FindingLine]) -> FollowupRow {
        FollowupRow(college: college, className: cls, counselor: counselor, counselorEmail: email, ksh: ksh,
                    xh: "2024" + ksh.suffix(4), name: name, idNumber: id, phone: phone, state: state,
                    daysOutstanding: days, findings: findings)
    }

    static let rows: [FollowupRow] = [
        // Clean and checked: in no list.
        student("计算机学院", "计科2401", "李老师", "li@example.edu.cn", "24110101000001", "张三",
                id: "110105200601010011", phone: "13800138001", state: .checked, days: 0, []),
        // Never registered: the commonest case.
        student("计算机学院", "计科2401", "李老师", "li@example.edu.cn", "24110101000002", "王芳",
                id: "110105200602020022", phone: "13800138002", state: .unchecked, days: 3,
                [finding(.notRegistered, [ "GUIDE", "NOTE-1"], .new)]),
        // Checked but shares a phone: the office fixes it, the counselor does not chase.
        student("计算机学院", "计科2402", "李老师", "li@example.edu.cn", "24110101000003", "赵六",
                id: "110105200603030033", phone: "13800138009", state: .checked, days: 0,
                [finding(.duplicatePhone, "与 孙七 (24110101000004) 共用 13800138009", ["FAQ-9"])]),
        student("计算机学院", "计科2402", "李老师", "li@example.edu.cn", "24110101000004", "孙七",
                id: "110105200604040044", phone: "13800138009", state: .unchecked, days: 5,
                [finding(.duplicatePhone, "与 赵六 (24110101000003) 共用 13800138009", ["FAQ-9"]),
                 finding(.viewedNotConfirmed, "2026-11-27 21:05 查看学籍", ["FAQ-5"])]),
        // Disputed, other college, other counselor.
        student("外国语学院", "英语2401", "陈老师", "chen@example.edu.cn", "24110201000001", "阿依古丽·买买提",
                id: "650102200605050055", phone: "13900139001", state: .disputed, days: 2,
                [finding(.disputed, "2026-11-28 09:12 申请更正：出生日期", ["ADMIN"], .new)]),
        // ID taken by the conscription office, with the 15-digit form as evidence.
        student("外国语学院", "英语2401", "陈老师", "chen@example.edu.cn", "24110201000002", "刘洋",
                id: "110105200607070077", phone: "13900139002", state: .unchecked, days: 4,
                [finding(.idTakenConscription, "15 位证件号 110105060707007", ["FAQ-8"])]),
        // No counselor: unassigned, office only.
        student("外国语学院", "日语2401", "", "", "24110202000001", "周八",
                id: "110105200608080088", phone: "13900139003", state: .unchecked, days: 1,
                [finding(.noCounselor, ["ADMIN"], .new), finding(.notRegistered, ["GUIDE", "NOTE-1"], .new)]),
        // Checked, no counselor, no finding: still unassigned on the summary.
        student("外国语学院", "日语2401", "", "", "24110202000002", "吴九",
                id: "110105200609090099", phone: "13900139004", state: .checked, days: 0, []),
    ]

    static let summary = NightSummary(
        asOf: "2026-11-29",
        totals: NightTotals(students: 8, checked: 3, unchecked: 4, disputed: 1),
        colleges: [GroupProgress(college: "外国语学院", students: 4, checked: 1, disputed: 1),
                   GroupProgress(college: "计算机学院", students: 4, checked: 2)],
        classes: [GroupProgress(college: "外国语学院", className: "日语2401", students: 2, checked: 1),
                  GroupProgress(college: "外国语学院", className: "英语2401", students: 2, checked: 0, disputed: 1),
                  GroupProgress(college: "计算机学院", className: "计科2401", students: 2, checked: 1),
                  GroupProgress(college: "计算机学院", className: "计科2402", students: 2, checked: 1)],
        trend: [TrendPoint(asOf: "2026-11-26", students: 8, checked: 0), TrendPoint(asOf: "2026-11-27", students: 8, checked: 1),
                TrendPoint(asOf: "2026-11-28", students: 8, checked: 2), TrendPoint(asOf: "2026-11-29", students: 8, checked: 3)],
        previousAsOf: "2026-11-28", newFindings: 4,
        findingsByCode: [.notRegistered: 2, .duplicatePhone: 2, .viewedNotConfirmed: 1, .disputed: 1,
                         .idTakenConscription: 1, .noCounselor: 1],
        resolved: [ResolvedFinding(ksh: "24110101000001", name: "张三", code: .registeredNotChecked)],
        unmatched: [UnmatchedID(id: "110105199001011234", name: "郑十", events: 2, detail: "2026-11-28 注册失败：证件号码已被注册")],
        deadline: "2026-12-05")

    /// A fresh empty folder (0700) under the temporary directory.
    static func tempFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return url
    }

    /// Writes the fixture night into a fresh folder.
    static func writeNight(_ rows: [FollowupRow] = rows, summary: NightSummary = summary, options: ReportOptions = ReportOptions(),
                           label: String = "report") throws -> (folder: URL, files: [URL]) {
        let folder = try tempFolder(label)
        let files = try ReportWriter.write(summary: summary, students: FollowupArray(rows), catalog: catalog,
                                           to: folder, options: options)
        return (folder, files)
    }
}
