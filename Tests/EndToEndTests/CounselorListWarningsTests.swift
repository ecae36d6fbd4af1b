import Foundation
import Testing
import ZichaTestSupport

/// A counselor list that writes a class otherwise than the roster gives its students NO_COUNSELOR; the night says
/// which rows of the list matched nobody, and how the roster writes the class when only the spelling differs.
@Suite("Counselor list rows that match no student")
struct CounselorListWarningsTests {
    @Test("each class or college of the list that names nobody tonight is a warning with its line and the roster's spelling")
    func unmatchedScopesAreNamed() throws {
        let tmp = try TempFolder("scopes")
        let counselors = try tmp.write("""
            班级,学院,辅导员,邮箱
            计科2601班,,李老师,li@example.edu.cn
            ,计算机学院,王老师,wang@example.edu.cn
            天文2601,,赵老师,zhao@example.edu.cn
            ,电子信息 学院,陈老师,chen@example.edu.cn

            """, to: "counselors.csv")
        let log = try tmp.write("时间,身份证号,姓名,事件\n2026-11-27 09:00,420102200703150113,王晓明,登录\n", to: "log.csv")
        let run = try SampleNights.runOnNight1Roster(logs: [log], counselors: counselors, in: tmp)
        try #require(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.components(separatedBy: "\n")
        func warning(_ line: Int) -> [String] {
            guard let i = lines.firstIndex(where: { $0.contains("counselors.csv:\(line): warning:") })
            else { return [] }
            return Array(lines[i..<min(i + 2, lines.count)])
        }
        #expect(warning(2).first?.hasSuffix("warning: 班级 计科2601班 names no class of tonight's roster: this row gives nobody a counselor") == true, "\(run.stderr)")
        #expect(warning(2).last == "  hint: the roster writes it 计科2601", "\(run.stderr)")
        #expect(warning(3).isEmpty, "计算机学院 is on the roster: \(run.stderr)")
        #expect(warning(4).first?.contains("班级 天文2601 names no class") == true, "\(run.stderr)")
        #expect(warning(4).last?.contains("hint") == false, "no spelling of the roster is near 天文2601: \(run.stderr)")
        #expect(warning(5).isEmpty, "white space inside a college name is not a spelling of its own: \(run.stderr)")
    }

    @Test("two colleges' classes of one name each get their own college's counselor, and a row naming another college maps nobody, with a warning")
    func aClassIsMappedWithinItsCollege() throws {
        let tmp = try TempFolder("scopes-colleges")
        let roster = try tmp.write("""
            考生号,姓名,身份证号,学院,班级
            26110101000001,张伟,110105199001010029,计算机学院,1班
            26110101000002,王芳,110101200602030017,电子学院,1班
            26110101000003,李娜,110101200602030033,计算机学院,2班

            """, to: "roster.csv")
        let counselors = try tmp.write("""
            班级,学院,辅导员,邮箱
            1班,计算机学院,李老师,li@example.edu.cn
            1班,电子学院,王老师,wang@example.edu.cn
            2班,计算机系,赵老师,zhao@example.edu.cn

            """, to: "counselors.csv")
        let log = try tmp.write("时间,身份证号,事件\n2026-11-27 10:00,110105199001010029,登录\n", to: "log.csv")
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--counselors", counselors, "--log", log, "--db", tmp.file("z.sqlite"),
                                                  "--out", tmp.file("Reports"), "--as-of", "2026-11-28", "--no-mail"])
        try #require(run.status == 0, "\(run.stderr)")
        let students = try FindingsFile(path: tmp.file("Reports/2026-11-28/findings.json")).studentsByKsh
        // Then 1班 of 电子学院 is 王老师's and 1班 of 计算机学院 李老师's (both went to the later row, 王老师, who was mailed
        // the other college's student); 2班 of 计算机学院 is nobody's — the row names 计算机系, and a class is never given
        // to a row of another college — and the row is named with where the roster has the class
        #expect(students["26110101000001"]?["counselor"] as? String == "李老师")
        #expect(students["26110101000002"]?["counselor"] as? String == "王老师")
        #expect(students["26110101000003"]?["counselor"] as? String == "")
        #expect(!run.stderr.contains("is given again"), "\(run.stderr)")
        #expect(run.stderr.contains("counselors.csv:4: warning: 班级 2班 of 计算机系 names no class of tonight's roster: this row gives nobody a counselor\n"
            + "  hint: the roster writes it 2班 in 计算机学院"), "\(run.stderr)")
    }

    @Test("a class given without its college, when the roster has that class in two colleges, is a warning under --quiet naming both")
    func aClassOfSeveralCollegesWithoutItsCollegeIsNamed() throws {
        let tmp = try TempFolder("scopes-span")
        let roster = try tmp.write("""
            考生号,姓名,身份证号,学院,班级
            26420101000001,甲一,110105200701010017,计算机学院,1班
            26420101000002,乙一,110105200701010025,外语学院,1班

            """, to: "roster.csv")
        let counselors = try tmp.write("班级,学院,辅导员,邮箱\n1班,,张老师,zhang@example.edu.cn\n,外语学院,孙老师,sun@example.edu.cn\n", to: "counselors.csv")
        let log = try tmp.write("时间,身份证号,姓名,事件\n2026-11-27 09:00,110105200701010017,甲一,登录\n", to: "log.csv")
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--counselors", counselors, "--db", tmp.file("z.sqlite"),
                                                  "--out", tmp.file("Reports"), "--as-of", "2026-11-28", "--no-mail", "-q"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("counselors.csv:2: warning: 班级 1班 is given without its 学院, and tonight's roster has a class 1班 in 2 colleges "
            + "(外语学院, 计算机学院): 张老师 gets the students of each, over a college's own row"), "\(run.stderr)")
        // And not when each college gives its 1班 a row of its own: the row without a college reaches nobody
        let mapped = try tmp.write("班级,学院,辅导员,邮箱\n1班,,张老师,zhang@example.edu.cn\n1班,计算机学院,李老师,li@example.edu.cn\n"
                                   + "1班,外语学院,孙老师,sun@example.edu.cn\n", to: "mapped.csv")
        let second = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--counselors", mapped, "--db", tmp.file("z2.sqlite"),
                                                     "--out", tmp.file("Reports2"), "--as-of", "2026-11-28", "--no-mail", "-q"])
        #expect(second.status == 0 && !second.stderr.contains("is given without its 学院"), "\(second.stderr)")
    }
}
