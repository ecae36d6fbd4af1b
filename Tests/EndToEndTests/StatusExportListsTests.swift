import Foundation
import Testing
import ZichaTestSupport

/// An office whose only log is 学信网's status export (身份证号, 姓名, 状态): a student it says 未查, with no other record,
/// has an event, so no NOT_REGISTERED (SPEC: "no event at all") and no finding at all — yet the counselor must still be
/// told what the student should do.
@Suite("Status export alone")
struct StatusExportListsTests {
    @Test("a student a status export says 未查, with nothing else, is listed with the guide; findings.json stays SPEC-literal")
    func uncheckedWithoutReasonGetsTheGuide() throws {
        let tmp = try TempFolder("status-alone")
        // 王晓明 checked; 李静 未查 and nothing else; 张伟 未查 after a login (REGISTERED_NOT_CHECKED explains him).
        // The export fills the time of those who never checked with a dash or 无: no time, not a bad row.
        let status = try tmp.write("""
            身份证号,姓名,状态,自查时间
            420102200703150113,王晓明,已查,2026-11-27 10:00
            420103200611220221,李静,未查,-
            420104200701010339,张伟,未查,无

            """, to: "status.csv")
        let login = try tmp.write("时间,身份证号,姓名,事件\n2026-11-27 09:00,420104200701010339,张伟,登录\n", to: "login.csv")
        let run = try SampleNights.runOnNight1Roster(logs: [status, login], in: tmp, extra: ["-q"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("status.csv:"), "no row of the export is set aside: \(run.stderr)")
        let night = tmp.file("Reports/2026-11-28")
        let problem = "尚未完成学籍自查（自查记录未说明原因）"

        let students = try FindingsFile(path: night + "/findings.json").studentsByKsh
        let liJing = try #require(students["26420101000002"])
        #expect(liJing["state"] as? String == "unchecked")
        #expect((liJing["findings"] as? [Any])?.isEmpty == true, "no finding code fits her: \(liJing)")
        let zhangWei = (students["26420101000003"]?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(zhangWei == ["REGISTERED_NOT_CHECKED"])

        func line(_ file: String, _ ksh: String) throws -> String {
            let text = try String(contentsOfFile: night + "/" + file, encoding: .utf8)
            return text.components(separatedBy: "\r\n").first { $0.contains("," + ksh + ",") } ?? ""
        }
        // The office's table, the counselor's CSV and HTML, and the page: the problem line with the GUIDE's text.
        for file in ["followup.csv", "counselors/李老师.csv"] {
            let row = try line(file, "26420101000002")
            #expect(row.contains(",未查," + problem + ",【登录学信网完成学籍自查】登录学信网"), "\(file): \(row)")
            #expect(row.contains(",GUIDE,"), "\(file): \(row)")
            #expect(!(try line(file, "26420101000003")).contains(problem), "\(file): REGISTERED_NOT_CHECKED already says why")
            #expect(try line(file, "26420101000001").isEmpty, "\(file): 王晓明 checked and clean")
        }
        let html = try String(contentsOfFile: night + "/counselors/李老师.html", encoding: .utf8)
        let card = try #require(html.components(separatedBy: "<article").first { $0.contains("李静") })
        #expect(card.contains("<li>" + problem + "</li>"), "\(card)")
        #expect(card.contains("<li><b>登录学信网完成学籍自查</b>：登录学信网"), "\(card)")
        let page = try String(contentsOfFile: night + "/summary.html", encoding: .utf8)
        let row = try #require(page.components(separatedBy: "<tr>").first { $0.contains("26420101000002") })
        #expect(row.contains(problem) && row.contains("#remedy-GUIDE"), "\(row)")
    }
}
