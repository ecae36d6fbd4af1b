import Foundation
import Testing
@testable import ZichaKit

@Suite struct ReportTests {
    private func text(_ url: URL) -> String { String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }

    private func relative(_ files: [URL], to folder: URL) -> [String] {
        let base = folder.resolvingSymlinksInPath().path + "/"
        return files.map { $0.resolvingSymlinksInPath().path.replacingOccurrences(of: base, with: "") }.sorted()
    }

    @Test func outputsMatchGoldenFiles() throws {
        // Given the fixture night, When it is written
        let (folder, files) = try ReportFixture.writeNight(label: "golden")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Then every text output equals its golden file, and the workbook reads back as its golden JSON
        let names = relative(files, to: folder)
        try ReportTools.expectGolden("files.txt", names.joined(separator: "\n") + "\n")
        for name in names where !name.hasSuffix(".xlsx") {
            try ReportTools.expectGolden(name, text(folder.appendingPathComponent(name)))
        }
        try ReportTools.expectGolden("followup.xlsx.json", ReportTools.readXLSX(folder.appendingPathComponent("followup.xlsx")).json)
    }

    @Test func theNotOnRosterNoteAddsOnlyWhatTheColumnsDoNotSay() {
        // Given the details the reconciler writes for an 18-digit and a legacy 15-digit ID
        let plain = UnmatchedID(id: "110105199001011234", name: "陌生人", events: 2,
                                detail: "身份证号: 110105199001011234; 姓名: 陌生人; 记录数: 2; 时间 2026-11-27 16:20:00 至 2026-11-27 16:25:00")
        let legacy = UnmatchedID(id: "110105199001011234", name: "陌生人", events: 1,
                                 detail: "身份证号: 110105199001011234（记录中为15位 110105900101123）; 姓名: 陌生人; 记录数: 1; 时间 2026-11-27 16:20:00 至 2026-11-27 16:20:00")
        // Then the note is the time span, and the legacy form for a 15-digit ID
        #expect(SummaryLists.note(plain) == "时间 2026-11-27 16:20:00 至 2026-11-27 16:25:00")
        #expect(SummaryLists.note(legacy) == "记录中为15位 110105900101123；时间 2026-11-27 16:20:00 至 2026-11-27 16:20:00")
    }

    @Test func sameInputsGiveByteIdenticalFiles() throws {
        let (a, filesA) = try ReportFixture.writeNight(options: ReportOptions(unmasked: true), label: "det-a")
        let (b, filesB) = try ReportFixture.writeNight(options: ReportOptions(unmasked: true), label: "det-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        #expect(relative(filesA, to: a) == relative(filesB, to: b))
        for name in relative(filesA, to: a) {
            let x = try Data(contentsOf: a.appendingPathComponent(name)), y = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(x == y, "\(name) differs between two runs")
        }
    }

    @Test func followupCSVIsReadyForExcel() throws {
        let (folder, _) = try ReportFixture.writeNight(label: "excel")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Data(contentsOf: folder.appendingPathComponent("followup.csv"))
        // BOM first, CRLF records, constant column count, one row per student needing action
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let records = try StrictCSV.parse(String(decoding: data.dropFirst(3), as: UTF8.self))
        #expect(records.first == FollowupTable.header)
        #expect(records.allSatisfy { $0.count == FollowupTable.header.count })
        #expect(records.count - 1 == ReportFixture.rows.filter(\.needsAction).count)
        // The office's copy is unmasked; problems are in Chinese sentences, not codes
        #expect(records.contains { $0[6] == "110105200602020022" && $0[7] == "13800138002" })
        #expect(!records.joined().joined().contains("NOT_REGISTERED"))
    }

    @Test func workbookTypesIDsAndPhonesAsText() throws {
        let (folder, _) = try ReportFixture.writeNight(label: "xlsx")
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = try ReportTools.readXLSX(folder.appendingPathComponent("followup.xlsx")).object
        let sheet = try #require((book["sheets"] as? [[String: Any]])?.first)
        #expect(sheet["freeze_panes"] as? String == "A2")
        #expect((sheet["auto_filter"] as? String)?.hasPrefix("A1:N") == true)
        #expect(sheet["header_bold"] as? Bool == true)
        let rows = try #require(sheet["rows"] as? [[[String: Any]]])
        #expect(rows.count == 1 + ReportFixture.rows.filter(\.needsAction).count)
        for row in rows.dropFirst() {
            for column in FollowupTable.textColumns {
                #expect(row[column]["t"] as? String == "s", "column \(FollowupTable.header[column]) is not text")
                #expect(row[column]["v"] is String)
            }
        }
    }

    @Test func counselorListsHoldOnlyTheirStudentsToChase() throws {
        let (folder, _) = try ReportFixture.writeNight(label: "counselor")
        defer { try? FileManager.default.removeItem(at: folder) }
        let li = text(folder.appendingPathComponent("counselors/李老师.csv"))
        #expect(li.contains("王芳") && li.contains("孙七"))
        let kshs = try StrictCSV.parse(String(li.dropFirst())).map { $0[3] }
        #expect(kshs == ["考生号", "24110101000002", "24110101000004"], "a checked student is not the counselor's to chase")
        #expect(!li.contains("110105200602020022") && li.contains("110105********0022"), "IDs are masked")
        #expect(!li.contains("13800138002") && li.contains("138****8002"), "phones are masked")
        #expect(!li.contains("13800138009"), "phones inside finding details are masked too")
        let listed = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("counselors").path).sorted()
        #expect(listed == ["李老师.csv", "李老师.html", "陈老师.csv", "陈老师.html"])
        // The unassigned student is the office's: on the summary, not in any counselor file
        #expect(text(folder.appendingPathComponent("summary.html")).contains("周八"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("counselors-full").path))
    }

    @Test func aCounselorKnownByAddressAloneGetsAList() throws {
        // Given a student whose roster row gives the counselor's address but no name
        let solo = ReportFixture.student("外国语学院", "法语2401", "", "solo@example.edu.cn", "24110203000001", "郑十",
                                         id: "110105200610100010", phone: "13900139005", state: .unchecked, days: 2,
                                         [ReportFixture.finding(.notRegistered, ["GUIDE", "NOTE-1"], .new)])
        let (folder, _) = try ReportFixture.writeNight(ReportFixture.rows + [solo], label: "solo")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Then the list is named by the address, holds the student, and the student is not unassigned
        let list = text(folder.appendingPathComponent("counselors/solo@example.edu.cn.csv"))
        #expect(list.contains("24110203000001"))
        #expect(text(folder.appendingPathComponent("counselors/solo@example.edu.cn.html")).contains("辅导员：<b>solo@example.edu.cn</b>"))
        let summary = text(folder.appendingPathComponent("summary.html"))
        #expect(summary.contains("solo@example.edu.cn"))
        let unassigned = summary.components(separatedBy: "<h2 id=\"unassigned\">").last ?? ""
        #expect(!(unassigned.components(separatedBy: "<h2").first ?? "").contains("郑十"), "mailed, so not unassigned")
    }

    @Test func unmaskedOptionWritesOfficeCopies() throws {
        let (folder, _) = try ReportFixture.writeNight(options: ReportOptions(unmasked: true), label: "full")
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = text(folder.appendingPathComponent("counselors-full/李老师.csv"))
        #expect(full.contains("110105200602020022") && full.contains("13800138002"))
        #expect(!text(folder.appendingPathComponent("counselors/李老师.csv")).contains("110105200602020022"))
    }

    @Test func filesArePrivate() throws {
        let (folder, files) = try ReportFixture.writeNight(label: "perm")
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file.lastPathComponent) has mode \(String(mode ?? 0, radix: 8))")
        }
        let dir = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("counselors").path)
        #expect(dir[.posixPermissions] as? Int == 0o700)
    }

    @Test func summaryCapsTheEmbeddedListAndPointsToTheFiles() throws {
        // Given 2,100 students needing action
        let many = (0..<2_100).map { i in
            ReportFixture.student("学院", String(format: "班%03d", i / 50), "钱老师", "qian@example.edu.cn", String(format: "2411%010d", i), "学生\(i)",
                                  id: "110105200601010011", phone: "13800138001", state: .unchecked, days: 1,
                                  [ReportFixture.finding(.notRegistered, ["GUIDE"])])
        }
        let (folder, _) = try ReportFixture.writeNight(many, label: "cap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = text(folder.appendingPathComponent("summary.html"))
        #expect(html.contains("本页仅列出前 2000 名（按学院、班级排序），共 2100 名；完整名单见 followup.csv 或 followup.xlsx。"))
        #expect(!html.contains("学生2099<"))
        let csv = text(folder.appendingPathComponent("followup.csv"))
        #expect(csv.components(separatedBy: "\r\n").count - 2 == 2_100)
    }

    @Test func deadlineShowsDaysLeft() throws {
        var summary = ReportFixture.summary
        let page = { (s: NightSummary) in try SummaryPage(summary: s, catalog: ReportFixture.catalog).render() }
        #expect(try page(summary).contains("截止日期：2026-12-05，还剩 6 天"))
        summary.deadline = "2026-11-20"
        #expect(try page(summary).contains("已过截止日期 9 天"))
        summary.deadline = nil
        #expect(try !page(summary).contains("截止日期"))
    }
}
