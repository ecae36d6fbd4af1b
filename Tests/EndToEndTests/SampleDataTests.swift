import Foundation
import Testing
import ZichaKit
import ZichaTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built binary on SampleData's two nights and checks findings.json against the table in
/// SampleDataExpectations.swift, student by student.
@Suite("SampleData, two nights, end to end")
struct SampleDataTests {
    @Test("every planted finding, state, total and change, night by night")
    func twoNights() throws {
        let tmp = try TempFolder("sample")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        var printed = ""
        for night in 1...2 {
            let asOf = SampleNights.asOf[night - 1]
            let run = try SampleNights.run(night: night, db: db, out: out)
            printed += run.stdout + run.stderr
            #expect(run.status == 0, "night \(night) exit \(run.status): \(run.stderr)")
            let findings = try FindingsFile(path: "\(out)/\(asOf)/findings.json")
            #expect(findings.json["as_of"] as? String == asOf)
            checkStudents(findings, night: night)
            checkTotalsAndSummary(findings, night: night, stdout: run.stdout, reports: "\(out)/\(asOf)")
            checkUnmatchedAndResolved(findings, night: night)
            try checkRejects(night: night, stderr: run.stderr, rejectsCSV: "\(out)/\(asOf)/rejects.csv")
            if night == 1 { checkEvidence(findings) }
        }
        // Privacy: the console never shows a full ID number (15 or 18 digits) or a mobile number.
        #expect(printed.firstMatch(of: /[0-9]{15,}/) == nil, "a full ID number on the console:\n\(printed)")
        #expect(printed.firstMatch(of: /(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)/) == nil, "a phone number on the console:\n\(printed)")
    }

    @Test("night 2's mail tells each counselor how the list changed since night 1: who is done, who left the roster")
    func mailSaysWhatChanged() throws {
        let tmp = try TempFolder("list-changes")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        func body(_ night: String, _ file: String) throws -> String {
            PrivacyTests.decodedMail(try String(contentsOfFile: "\(out)/\(night)/outbox/\(file)", encoding: .utf8))
        }
        #expect(try SampleNights.run(night: 1, db: db, out: out).status == 0)
        // A first night has nothing to compare with
        #expect(!(try body("2026-11-28", "赵老师_zhao.laoshi@example.com.eml")).contains("的名单相比"))
        #expect(try SampleNights.run(night: 2, db: db, out: out).status == 0)
        let zhao = try body("2026-11-29", "赵老师_zhao.laoshi@example.com.eml")
        #expect(zhao.contains("与 2026-11-28 的名单相比：不再列出 3 人：郭强（已完成自查）、何芳（已完成自查）、曹阳（已不在在籍名单）。"), "\(zhao)")
        #expect(try body("2026-11-29", "李老师_li.laoshi@example.com.eml").contains("与 2026-11-28 的名单相比：不再列出 1 人：张伟（已完成自查）。"))
        #expect(try body("2026-11-29", "孙老师_sun.laoshi@example.com.eml").contains("与 2026-11-28 的名单相比，没有学生新列入或移出。"))
    }

    @Test("a class moved to another counselor: the new counselor's mail names them as come onto the list, the former's as moved")
    func mailSaysWhoMoved() throws {
        let tmp = try TempFolder("list-moved")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        // The next night, the same files but 计科2601 moved from 李老师 to 王老师
        var arguments = try Self.nightAfterNight1(db: db, out: out, in: tmp, counselorRow: "计科2601,计算机学院,李老师,li.laoshi@example.com",
                                                  becomes: "计科2601,计算机学院,王老师,wang.laoshi@example.com")
        let outbox = "\(out)/2026-11-29/outbox"
        let wang = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/王老师_wang.laoshi@example.com.eml", encoding: .utf8))
        let line = try #require(wang.split(whereSeparator: \.isNewline).first { $0.contains("的名单相比") }, "\(wang)")
        #expect(line.hasPrefix("与 2026-11-28 的名单相比：新列入 "), "\(line)")
        // 李老师 has no one left to chase: one closing message says so, and why, with no list attached
        let li = try String(contentsOfFile: "\(outbox)/李老师_li.laoshi@example.com.eml", encoding: .utf8)
        let liText = PrivacyTests.decodedMail(li)
        #expect(liText.contains("截至 2026-11-29，您负责的学生中已没有需要跟进学籍自查的学生。"), "\(liText)")
        #expect(liText.contains("与 2026-11-28 的名单相比：不再列出 ") && liText.contains("（改由 王老师 跟进）"), "\(liText)")
        #expect(!li.contains("Content-Disposition: attachment"))
        // The night after, with nothing changed for him, 李老师 is not mailed again
        arguments[arguments.firstIndex(of: "2026-11-29")!] = "2026-11-30"
        try #require(try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/2026-11-30/outbox/李老师_li.laoshi@example.com.eml"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/2026-11-30/outbox/王老师_wang.laoshi@example.com.eml"))
    }

    @Test("a counselor's address corrected between nights is the same counselor: no closing message to the old address")
    func anAddressCorrectedIsTheSameCounselor() throws {
        let tmp = try TempFolder("list-readdressed")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        // (and 李静, one of his students, checks that night: the old address's list changes too)
        _ = try Self.nightAfterNight1(db: db, out: out, in: tmp, counselorRow: "李老师,li.laoshi@example.com", becomes: "李老师,li.new@example.com",
                                      logs: [try CLITests.lateCheck(in: tmp)])
        let outbox = "\(out)/2026-11-29/outbox"
        #expect(!FileManager.default.fileExists(atPath: "\(outbox)/李老师_li.laoshi@example.com.eml"), "no student names to the old address")
        let li = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/李老师_li.new@example.com.eml", encoding: .utf8))
        #expect(li.contains("与 2026-11-28 的名单相比：不再列出 1 人：李静（已完成自查）。"), "\(li)")
    }

    @Test("two counselors of one name at two addresses are two people: each is told of their own students, each gets a closing")
    func twoCounselorsOfOneName() throws {
        let tmp = try TempFolder("list-one-name")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        // 2026-11-29: 经济管理学院 goes to a second 赵老师, at another address
        var arguments = try Self.nightAfterNight1(db: db, out: out, in: tmp, counselorRow: ",经济管理学院,孙老师,sun.laoshi@example.com",
                                                  becomes: ",经济管理学院,赵老师,zhao2@example.com")
        // 2026-11-30: 电信2601 goes from the first 赵老师 to 周老师, and 王老师's 计科2602 to the second 赵老师
        let listAt = arguments.firstIndex(of: "--counselors")! + 1
        let list = try String(contentsOfFile: arguments[listAt], encoding: .utf8)
            .replacingOccurrences(of: "电信2601,电子信息学院,赵老师,zhao.laoshi@example.com", with: "电信2601,电子信息学院,周老师,zhou@example.com")
            .replacingOccurrences(of: "计科2602,计算机学院,王老师,wang.laoshi@example.com", with: "计科2602,计算机学院,赵老师,zhao2@example.com")
        arguments[listAt] = try tmp.write(list, to: "counselors-2.csv")
        arguments[arguments.firstIndex(of: "2026-11-29")!] = "2026-11-30"
        let run = try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path)
        try #require(run.status == 0, "\(run.stderr)")
        // Then the first 赵老师 gets her closing message (before, none: the other 赵老师 had a list, so "she" still had one)
        let outbox = "\(out)/2026-11-30/outbox"
        let first = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/赵老师_zhao.laoshi@example.com.eml", encoding: .utf8))
        #expect(first.contains("您负责的学生中已没有需要跟进学籍自查的学生") && first.contains("（改由 周老师 跟进）"), "\(first)")
        // and the second is not told of students she never had (before: 不再列出 3 人, the first one's), only of those she got
        let second = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/赵老师_zhao2@example.com.eml", encoding: .utf8))
        let line = try #require(second.split(whereSeparator: \.isNewline).first { $0.contains("的名单相比") }, "\(second)")
        #expect(line.hasPrefix("与 2026-11-29 的名单相比：新列入 ") && !line.contains("不再列出"), "\(line)")
        // 王老师 is told which 赵老师 took his class
        let wang = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/王老师_wang.laoshi@example.com.eml", encoding: .utf8))
        #expect(wang.contains("（改由 赵老师（zhao2@example.com） 跟进）"), "\(wang)")
    }

    @Test("a counselor whose address is corrected on the night her list empties gets her closing message at the new address")
    func aClosingGoesToTheCorrectedAddress() throws {
        let tmp = try TempFolder("closing-corrected")
        let outbox = try Self.addressCorrectedNights(in: tmp, secondStudentsClass: "计科2602", config: "SampleData/zicha.json")
        // Night 2: the list gives 陈老师 a new address and her last student, 王一, checks. Before: the closing went to the
        // address the office had corrected away from
        #expect(!FileManager.default.fileExists(atPath: "\(outbox)/陈老师_chen.old@example.edu.cn.eml"))
        let closing = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/陈老师_chen.new@example.edu.cn.eml", encoding: .utf8))
        #expect(closing.contains("与 2026-11-20 的名单相比：不再列出 1 人：王一（已完成自查）。"), "\(closing)")
    }

    @Test("a closing is not taken to another counselor of the same name whose students had all checked")
    func aClosingStaysWithItsCounselor() throws {
        let tmp = try TempFolder("closing-same-name")
        let roster = try tmp.write("考生号,姓名,身份证号,学院,班级\n26420101000001,王一,420102200701010010,计算机学院,X\n"
                                   + "26420101000002,李二,420102200701020024,计算机学院,Y\n", to: "roster.csv")
        let log = try tmp.write("时间,身份证号,姓名,事件\n2026-11-20 09:00:00,420102200701020024,李二,自查完成\n", to: "log.csv")
        // X is one 赵老师's, Y (李二, checked) another's; then X goes to 周老师
        for (night, x) in ["赵老师,zhaoa", "周老师,zhou"].enumerated() {
            let list = try tmp.write("班级,学院,辅导员,邮箱\nX,计算机学院,\(x)@example.edu.cn\nY,计算机学院,赵老师,zhaob@example.edu.cn\n", to: "c\(night).csv")
            let run = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--counselors", list, "--db", tmp.file("zicha.sqlite"),
                                                      "--out", tmp.file("Reports"), "--as-of", "2026-11-2\(night)", "--config", "SampleData/zicha.json", "-q"])
            try #require(run.status == 0, "\(run.stderr)")
        }
        let outbox = tmp.file("Reports/2026-11-21/outbox")
        #expect(FileManager.default.fileExists(atPath: "\(outbox)/赵老师_zhaoa@example.edu.cn.eml"))
        #expect(!FileManager.default.fileExists(atPath: "\(outbox)/赵老师_zhaob@example.edu.cn.eml"))
    }

    @Test("over real delivery, a corrected address's first mail compares with the list the earlier address last received")
    func aCorrectedAddressIsComparedOverRealDelivery() throws {
        let tmp = try TempFolder("corrected-delivered")
        let sendmail = try tmp.write("#!/bin/sh\ncat >/dev/null\n", to: "sendmail")
        #expect(chmod(sendmail, 0o755) == 0)
        let config = try tmp.write(#"{"mail": {"transport": "sendmail", "from": "xueji@example.edu.cn", "sendmailCommand": "\#(sendmail) -i -t"}}"#,
                                   to: "zicha.json")
        let outbox = try Self.addressCorrectedNights(in: tmp, secondStudentsClass: "计科2601", config: config)
        // Before: no change line at all, the new address never having been mailed (with the outbox only, there was one)
        let mail = PrivacyTests.decodedMail(try String(contentsOfFile: "\(outbox)/陈老师_chen.new@example.edu.cn.eml", encoding: .utf8))
        #expect(mail.contains("与 2026-11-20 的名单相比：不再列出 1 人：王一（已完成自查）。"), "\(mail)")
    }

    /// Two nights, 2026-11-20 and -21, of 王一 (计科2601, 陈老师's) and 李二 (in `secondStudentsClass`; 计科2602 is 王老师's):
    /// 李二 registers the first night; the second, 王一 checks and 陈老师's address goes from chen.old@ to chen.new@.
    /// Returns the second night's outbox.
    static func addressCorrectedNights(in tmp: TempFolder, secondStudentsClass: String, config: String) throws -> String {
        let roster = try tmp.write("考生号,姓名,身份证号,学院,班级\n26420101000001,王一,420102200701010010,计算机学院,计科2601\n"
                                   + "26420101000002,李二,420102200701020024,计算机学院,\(secondStudentsClass)\n", to: "roster.csv")
        let logs = [try tmp.write("时间,身份证号,姓名,事件\n2026-11-20 09:00:00,420102200701020024,李二,注册成功\n", to: "log1.csv"),
                    try tmp.write("时间,身份证号,姓名,事件\n2026-11-21 09:00:00,420102200701010010,王一,自查完成\n", to: "log2.csv")]
        for (night, address) in ["chen.old", "chen.new"].enumerated() {
            let list = try tmp.write("班级,学院,辅导员,邮箱\n计科2601,计算机学院,陈老师,\(address)@example.edu.cn\n"
                                     + "计科2602,计算机学院,王老师,wang@example.edu.cn\n", to: "\(address).csv")
            let run = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", logs[night], "--counselors", list,
                                                      "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"),
                                                      "--as-of", "2026-11-2\(night)", "--config", config, "-q"])
            try #require(run.status == 0, "\(run.stderr)")
        }
        return tmp.file("Reports/2026-11-21/outbox")
    }

    /// Runs night 1, then night 1's files as of 2026-11-29 with `counselorRow` of its counselor list written as
    /// `becomes`; returns that second night's arguments (to run again on a later day).
    static func nightAfterNight1(db: String, out: String, in tmp: TempFolder, counselorRow: String, becomes: String,
                                 logs: [String] = []) throws -> [String] {
        try #require(try SampleNights.run(night: 1, db: db, out: out).status == 0)
        let list = try String(contentsOfFile: PackagePaths.root.appendingPathComponent("SampleData/night1/counselors.csv").path, encoding: .utf8)
            .replacingOccurrences(of: counselorRow, with: becomes)
        var arguments = SampleNights.arguments(night: 1, db: db, out: out)
        arguments[arguments.firstIndex(of: "SampleData/night1/counselors.csv")!] = try tmp.write(list, to: "counselors.csv")
        arguments[arguments.firstIndex(of: "2026-11-28")!] = "2026-11-29"
        arguments += logs.flatMap { ["--log", $0] }
        let run = try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path)
        try #require(run.status == 0, "\(run.stderr)")
        return arguments
    }

    @Test("re-running night 2 with the same files: identical findings.json, no new import")
    func rerunIsANoOp() throws {
        let tmp = try TempFolder("rerun")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        #expect(try SampleNights.run(night: 1, db: db, out: out).status == 0)
        let second = try SampleNights.run(night: 2, db: db, out: out)
        #expect(second.status == 0)
        let path = "\(out)/2026-11-29/findings.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let files = try SQLiteShell.integer(db, "SELECT count(*) FROM import_file;")
        let again = try SampleNights.run(night: 2, db: db, out: out)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == second.stdout, "the summary line changed on a re-run")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "findings.json changed on a re-run")
        #expect(try SQLiteShell.integer(db, "SELECT count(*) FROM import_file;") == files)
        #expect(files > 0)
    }

    @Test("re-running night 1, whose files had rows set aside: the same summary line, and where those rows are")
    func rerunSaysWhatWasSetAside() throws {
        let tmp = try TempFolder("rerun-aside")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let first = try SampleNights.run(night: 1, db: db, out: out)
        #expect(first.status == 0 && first.stdout.contains("; \(sampleRejects.count) rows set aside;"), "\(first.stdout)")
        let again = try SampleNights.run(night: 1, db: db, out: out)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == first.stdout, "the summary line of the same night changed on a re-run")
        let notes = again.stderr.split(separator: "\n").filter { $0.contains("note: already imported") }
        let asideByFile = Dictionary(grouping: sampleRejects, by: { String($0.location.split(separator: ":")[0]) })
        #expect(notes.count == 3, "\(again.stderr)")
        for note in notes {
            let file = String(note.split(separator: ":")[0])
            let expected = asideByFile.first { file.hasSuffix($0.key) }?.value.count ?? 0
            #expect(note.contains(expected > 0 ? "(\(expected) row\(expected == 1 ? " of it was" : "s of it were") set aside then: see rejects.csv of this night)"
                                                : "nothing to change"),
                    "\(note)")
            if expected == 0 { #expect(!note.contains("set aside")) }
        }
    }

    // MARK: - checks

    private func checkStudents(_ findings: FindingsFile, night: Int) {
        let rows = findings.studentsByKsh
        let expected = sampleStudents.filter { $0.night(night) != nil }
        #expect(findings.studentCount == expected.count, "night \(night): every roster student exactly once")
        for student in sampleStudents {
            let label = "night \(night) \(student.key) \(student.name) (\(student.why))"
            guard let want = student.night(night) else {
                #expect(rows[student.ksh] == nil, "\(label): must not be listed")
                continue
            }
            guard let row = rows[student.ksh] else { Issue.record("\(label): missing"); continue }
            #expect(row["name"] as? String == student.name, "\(label)")
            #expect(row["state"] as? String == want.state, "\(label)")
            let days = night == 2 && want.state != "checked" && student.night1 != nil ? 1 : 0
            #expect(row["days_outstanding"] as? Int == days, "\(label): days_outstanding")
            let got = (row["findings"] as? [[String: Any]]) ?? []
            #expect(got.map { $0["code"] as? String ?? "?" }.sorted() == want.codes.map(code).sorted(), "\(label): codes")
            let before = Set((student.night1?.codes ?? []).map(code))
            for wanted in want.codes {
                guard let f = got.first(where: { $0["code"] as? String == code(wanted) }) else { continue }
                #expect(f["remedies"] as? [String] == remedies(wanted), "\(label): remedies of \(wanted)")
                let change = night == 2 && before.contains(code(wanted)) ? "persisting" : "new"
                #expect(f["change"] as? String == change, "\(label): change of \(wanted)")
                #expect(!((f["detail"] as? String) ?? "").isEmpty, "\(label): \(wanted) names its evidence")
            }
        }
        #expect(rows["26420101000036"]?["counselor"] as? String == "韩老师", "S36: the roster's own counselor wins")
        #expect(rows["26420101000027"]?["counselor_email"] as? String == "", "S27: nobody for 计科2609")
    }

    private func checkTotalsAndSummary(_ findings: FindingsFile, night: Int, stdout: String, reports: String) {
        let present = sampleStudents.compactMap { $0.night(night) }
        let count = { (state: String) in present.filter { $0.state == state }.count }
        let totals = ["students": present.count, "checked": count("checked"), "unchecked": count("unchecked"),
                      "disputed": count("disputed")]
        #expect(findings.totals == totals, "night \(night) totals")
        // The same figures written out, so a change in the table cannot hide a change in the totals.
        #expect(totals == (night == 1 ? ["students": 42, "checked": 24, "unchecked": 17, "disputed": 1]
                                      : ["students": 42, "checked": 28, "unchecked": 13, "disputed": 1]))
        var byCode: [String: Int] = [:]
        for n in present { for c in n.codes { byCode[code(c), default: 0] += 1 } }
        byCode["NOT_ON_ROSTER"] = sampleUnmatched[night - 1].count
        #expect(findings.json["by_code"] as? [String: Int] == byCode, "night \(night) by_code")

        let rate = String(format: "%.1f", Double(totals["checked"]!) * 100 / Double(totals["students"]!))
        let codes = FindingCode.allCases.compactMap { c in byCode[c.rawValue].map { "\(c.rawValue) \($0)" } }.joined(separator: ", ")
        let aside = night == 1 ? "; \(sampleRejects.count) rows set aside" : ""
        let line = "zicha \(SampleNights.asOf[night - 1]): \(totals["students"]!) students, \(totals["checked"]!) checked (\(rate)%), "
            + "\(totals["unchecked"]!) unchecked, \(totals["disputed"]!) disputed\(aside); findings: \(codes); reports in \(reports); mail: 4 in the outbox only\n"
        #expect(stdout == line, "night \(night) summary line")
    }

    private func checkUnmatchedAndResolved(_ findings: FindingsFile, night: Int) {
        let unmatched = findings.unmatched.map { "\($0["id"] as? String ?? "") \($0["name"] as? String ?? "") \($0["events"] as? Int ?? -1) \($0["code"] as? String ?? "")" }
        #expect(Set(unmatched) == Set(sampleUnmatched[night - 1].map { "\($0.id) \($0.name) \($0.events) NOT_ON_ROSTER" }),
                "night \(night) unmatched")
        var resolved: Set<String> = []
        if night == 2 {
            for s in sampleStudents {
                guard let n1 = s.night1, let n2 = s.night2 else { continue }
                for c in Set(n1.codes.map(code)).subtracting(n2.codes.map(code)) { resolved.insert("\(s.ksh) \(c)") }
            }
            #expect(resolved.contains("26420101000003 VIEWED_NOT_CONFIRMED") && resolved.contains("26420101000004 ID_TAKEN"))
        }
        let got = findings.resolved.map { "\($0["ksh"] as? String ?? "") \($0["code"] as? String ?? "")" }
        #expect(got.count == Set(got).count && Set(got) == resolved, "night \(night) resolved")
    }

    private func checkRejects(night: Int, stderr: String, rejectsCSV: String) throws {
        let wanted = night == 1 ? sampleRejects : []
        let lines = stderr.split(separator: "\n").map(String.init)
        for r in wanted {
            #expect(lines.contains { $0.hasPrefix("\(r.location): error: ") && $0.contains(r.reason) }, "stderr shows \(r.location)\n\(stderr)")
        }
        #expect(lines.filter { $0.contains(": error: ") }.count == wanted.count, "night \(night): only the planted rejects\n\(stderr)")
        let csv = try String(contentsOfFile: rejectsCSV, encoding: .utf8)
        let rows = csv.split(whereSeparator: \.isNewline).dropFirst()
        #expect(rows.count == wanted.count, "rejects.csv rows\n\(csv)")
        for r in wanted {
            #expect(rows.contains { $0.contains(",\(r.location),") && $0.contains(r.reason) }, "rejects.csv has \(r.location)")
        }
        // and findings.json and summary.html say how many rows the night's numbers leave out
        let folder = URL(fileURLWithPath: rejectsCSV).deletingLastPathComponent().path
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/findings.json"))) as? [String: Any]
        let setAside = try #require(json?["set_aside"] as? [[String: Any]])
        #expect(setAside.reduce(0) { $0 + ($1["rows"] as? Int ?? 0) } == wanted.count, "findings.json set_aside: \(setAside)")
        let html = try String(contentsOfFile: folder + "/summary.html", encoding: .utf8)
        #expect(html.contains("名单和自查记录中有 \(wanted.count) 行未导入") == !wanted.isEmpty)
    }

    private func checkEvidence(_ findings: FindingsFile) {
        let rows = findings.studentsByKsh
        for e in sampleEvidence {
            let ksh = sampleStudents.first { $0.key == e.key }!.ksh
            let list = rows[ksh]?["findings"] as? [[String: Any]] ?? []
            let detail = list.first { $0["code"] as? String == e.code }?["detail"] as? String ?? ""
            #expect(detail.contains(e.contains), "\(e.key) \(e.code) detail names \(e.contains): \(detail)")
        }
    }

    private func code(_ entry: String) -> String { String(entry.split(separator: ":")[0]) }

    private func remedies(_ entry: String) -> [String] {
        let parts = entry.split(separator: ":")
        return parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : specRemedies[entry] ?? ["?"]
    }
}
