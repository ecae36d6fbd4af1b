import Foundation
import Testing
@testable import ZichaKit
import ZichaTestSupport

/// Hostile cell values stay inert text in every format, and no counselor name writes outside the folder.
@Suite struct ReportSafetyTests {
    static let long = String(repeating: "长", count: 10_000)
    static let hostile: [FollowupRow] = {
        func row(_ counselor: String, _ email: String, _ ksh: String, name: String, college: String = "测试学院",
                 cls: String = "测试班", detail: String = "") -> FollowupRow {
            ReportFixture.student(college, cls, counselor, email, ksh, name, id: "110105200601010011", phone: "13800138001",
                                  state: .unchecked, days: 2, [ReportFixture.finding(.notRegistered, detail, ["GUIDE"], .new)])
        }
        return [
            row("../../x", "x@example.com", "24000000000001", name: "<script>alert(1)</script>"),
            row("x", "other@example.com", "24000000000002", name: "\"><img src=x onerror=alert(1)>"),
            row("/etc/passwd", "", "24000000000003", name: "=HYPERLINK(\"http://evil.example/\",\"点我\")"),
            row("..", "", "24000000000004", name: "+1+1", college: "-2+3", cls: "@SUM(A1)"),
            row("a/b\\c:d*e?f", "", "24000000000005", name: "\t=cmd|' /C calc'!A0", detail: "第一行\r\n第二行\r=1+1\n@x"),
            row(".hidden\u{0}\u{7}", "", "24000000000006", name: "学生👩‍🎓🎉", detail: long),
            row("CON", "", "24000000000007", name: "\u{202E}gnp.exe", cls: "\u{2066}班\u{2069}"),
            row("李老师", "a@example.com", "24000000000008", name: "甲"),
            row("李老师", "b@example.com", "24000000000009", name: "乙"),
            row(String(repeating: "很长的名字", count: 60), "", "24000000000010", name: "丙"),
            row("-=+@", "", "24000000000011", name: "丁"),
        ]
    }()

    private func allFiles(_ folder: URL) -> [String] {
        let base = folder.resolvingSymlinksInPath().path
        let items = FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []
        return items.sorted()
    }

    @Test func hostileValuesAreInertInHTML() throws {
        let (folder, files) = try ReportFixture.writeNight(Self.hostile, label: "hostile-html")
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in files where file.pathExtension == "html" {
            let html = try String(contentsOf: file, encoding: .utf8)
            #expect(html.components(separatedBy: "<script").count == 2, "\(file.lastPathComponent): only the page's own script")
            #expect(!html.contains("<img"), "\(file.lastPathComponent)")
            #expect(!html.contains("alert(1)</script>"))
            #expect(!html.contains("\u{202E}") && !html.contains("\u{0}") && !html.contains("\u{7}"))
            #expect(!html.contains("http://evil") || html.contains("&quot;http://evil.example/&quot;"))
        }
        let summary = try String(contentsOf: folder.appendingPathComponent("summary.html"), encoding: .utf8)
        #expect(summary.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(summary.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(summary.contains("[U+202E]gnp.exe"))
        #expect(summary.contains("学生👩‍🎓🎉"))
        #expect(summary.contains("（已截断，完整内容见 followup.csv）"), "a 10,000-character cell is cut on the page")
    }

    @Test func pagesParseAsHTML5WithoutErrors() throws {
        let (folder, files) = try ReportFixture.writeNight(Self.hostile, label: "html5")
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.html")
        try Data("<!DOCTYPE html><html lang=\"zh-CN\"><title>x</title><p><b>x</p></i>".utf8).write(to: broken)
        let pages = files.filter { $0.pathExtension == "html" }
        let script = ReportFixture.repoRoot.appendingPathComponent("scripts/check_html5.py").path
        let out = try ReportTools.run("/usr/bin/python3", [script] + (pages + [broken]).map(\.path))
        #expect(out.status == 0, "check_html5.py failed (needs python3-html5lib): \(out.stderr.suffix(500))")
        let result = (try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8))) as? [String: [String]] ?? [:]
        for page in pages { #expect(result[page.path] == [], "\(page.lastPathComponent): \(result[page.path] ?? ["not checked"])") }
        #expect(!(result[broken.path] ?? []).isEmpty, "the checker must notice a broken page")
    }

    @Test func hostileValuesAreNeutralizedInCSV() throws {
        let (folder, files) = try ReportFixture.writeNight(Self.hostile, label: "hostile-csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in files where file.pathExtension == "csv" {
            let text = String(decoding: try Data(contentsOf: file).dropFirst(3), as: UTF8.self)
            let records = try StrictCSV.parse(text)
            #expect(records.allSatisfy { $0.count == FollowupTable.header.count }, "\(file.lastPathComponent)")
            for cell in records.joined() {
                #expect(!"=+-@\t\r".contains(cell.first ?? "x"), "\(file.lastPathComponent): cell starts a formula: \(cell.prefix(20).debugDescription)")
            }
        }
        let office = String(decoding: try Data(contentsOf: folder.appendingPathComponent("followup.csv")), as: UTF8.self)
        #expect(office.contains("'=HYPERLINK(\"\"http://evil.example/\"\",\"\"点我\"\")"))
        #expect(office.contains(Self.long), "the office's CSV keeps the whole long cell")
    }

    @Test func hostileValuesAreStringCellsInXLSX() throws {
        var rows = Self.hostile
        rows[0].findings[0].detail = String(repeating: "超", count: 40_000)
        let (folder, _) = try ReportFixture.writeNight(rows, label: "hostile-xlsx")
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = try ReportTools.readXLSX(folder.appendingPathComponent("followup.xlsx")).object
        let sheet = try #require((book["sheets"] as? [[String: Any]])?.first)
        let cells = try #require(sheet["rows"] as? [[[String: Any]]]).joined()
        #expect(cells.allSatisfy { ["s", "n"].contains($0["t"] as? String) }, "no formula cells")
        let texts = cells.compactMap { $0["v"] as? String }
        #expect(texts.contains("=HYPERLINK(\"http://evil.example/\",\"点我\")"))
        #expect(texts.contains("<script>alert(1)</script>"))
        let cut = try #require(texts.first { $0.contains("超超超") })
        #expect(cut.utf16.count <= 32_767 && cut.hasSuffix(FollowupWorkbook.truncationNote))
    }

    @Test func counselorNamesNeverEscapeTheFolder() throws {
        // Given a parent holding only the report folder
        let parent = try ReportFixture.tempFolder("hostile-names")
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("2026-11-29")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        // When the hostile night is written with office copies
        let files = try ReportWriter.write(summary: ReportFixture.summary, students: FollowupArray(Self.hostile),
                                           catalog: ReportFixture.catalog, to: folder, options: ReportOptions(unmasked: true))
        // Then nothing is written beside it, and every file is a plain name one level down
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["2026-11-29"])
        let base = folder.resolvingSymlinksInPath().path + "/"
        #expect(files.allSatisfy { $0.resolvingSymlinksInPath().path.hasPrefix(base) })
        let names = allFiles(folder).filter { $0.hasPrefix("counselors/") }.map { String($0.dropFirst("counselors/".count)) }
        #expect(names.count == 2 * 11, "one pair per counselor, the two 李老师 kept apart: \(names)")
        for name in names {
            #expect(!name.hasPrefix(".") && !name.contains("/") && !name.contains("\\") && !name.contains(".."), "\(name)")
            #expect(!name.unicodeScalars.contains { $0.value < 0x20 || (0x202A...0x202E).contains($0.value) }, "\(name.debugDescription)")
            #expect(name.count <= CounselorFileNames.maxCharacters + 20)
        }
        #expect(names.contains("x.csv") && names.contains { $0.hasPrefix("x-") }, "the real x and ../../x do not collide")
        #expect(names.contains("_CON.csv"))
    }

    @Test func safeNamesAndPaths() throws {
        #expect(CounselorFileNames.sanitize("../../x") == "x")
        #expect(CounselorFileNames.sanitize("..") == "辅导员")
        #expect(CounselorFileNames.sanitize(" .王 老师. ") == "王 老师")
        #expect(CounselorFileNames.sanitize("a\u{202E}b\nc") == "a_b_c")
        var names = CounselorFileNames()
        let a = names.name(counselor: "李老师", email: "a@x"), b = names.name(counselor: "李老师", email: "b@x")
        #expect(a == "李老师" && b == "李老师-" + CounselorFileNames.shortHash("李老师\u{0}b@x"))
        let dir = try ReportFixture.tempFolder("paths")
        defer { try? FileManager.default.removeItem(at: dir) }
        for bad in ["../x", "a/../../x", "/etc/passwd", "", "a//b", "a\\b", "."] {
            #expect(throws: ZichaError.self, "\(bad)") { try ReportPaths.inside(dir, bad) }
        }
        #expect(try ReportPaths.inside(dir, "counselors/李老师.csv").lastPathComponent == "李老师.csv")
    }

    @Test func escapeCoversEveryMarkupCharacter() {
        #expect(HTML.escape("<a href=\"x\" title='y'>&</a>") == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTML.escape("a\r\nb\rc\u{0}") == "a\nb\nc[U+0000]")
    }

    /// JSON strings decode back to the same text, with every control character, quote, backslash and line
    /// separator escaped wherever it sits in a run of clean bytes.
    @Test func jsonStringsDecodeBackAndHideLineBreakers() throws {
        var specials = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "\u{2028}", "\u{2029}", "\u{7F}", "“", "—"]
        specials.append(specials.joined())
        for special in specials {
            for text in [special, "张三" + special, special + "李四", "学籍\(special)自查\(special)"] {
                let literal = JSONText.string(text)
                #expect(try JSONDecoder().decode([String].self, from: Data("[\(literal)]".utf8)) == [text])
                #expect(!literal.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
            }
        }
    }

    /// The byte scan that lets clean text through unchanged must flag every scalar the escape changes: every
    /// Unicode scalar, alone and between Chinese characters, is changed exactly when it is one of the named ones.
    @Test func escapeChangesExactlyTheNamedScalarsEvenInsideChineseText() {
        func named(_ v: UInt32) -> Bool {
            if v == 0x0A { return false }  // a lone LF stays
            return v < 0x20 || (0x7F...0x9F).contains(v) || [0x26, 0x3C, 0x3E, 0x22, 0x27, 0x061C, 0x200E, 0x200F].contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || (0xFDD0...0xFDEF).contains(v)
                || (v & 0xFFFE) == 0xFFFE
        }
        var wrong: [String] = []
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }  // surrogates
            let alone = String(Character(u)), inside = "学“\(alone)”生"
            if (HTML.escape(alone) != alone) != named(v) || (HTML.escape(inside) != inside) != named(v) {
                wrong.append(String(v, radix: 16))
            }
        }
        #expect(wrong.isEmpty, "escaped when it should not be, or the reverse: U+\(wrong.prefix(20))")
    }
}

/// Report files leave the page cache once written (`WrittenPages`): what they hold is unchanged, and the closed files
/// whose pages wait to be dropped hold a bounded number of descriptors, however many files a night writes.
@Suite struct WrittenPagesTests {
    @Test func closedFilesKeepABoundedNumberOfDescriptorsAndTheirBytes() throws {
        let folder = try TempFolder("written-pages")
        let closed = WrittenPages.ClosedFiles(capacity: 8)
        for i in 0..<30 {
            let path = folder.file("f\(i).csv")
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            #expect(fd >= 0)
            let text = Array("第\(i)个文件\n".utf8)
            #expect(text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == text.count)
            closed.add(fd)
            #expect(close(fd) == 0)  // the caller's descriptor is its own: closing it reports the file's errors
            #expect(closed.held == min(i + 1, 8))
        }
        for i in 0..<30 {
            #expect(try String(contentsOfFile: folder.file("f\(i).csv"), encoding: .utf8) == "第\(i)个文件\n")
        }
    }

    @Test func aLargeFileWrittenInWindowsReadsBackWhole() throws {
        let folder = try TempFolder("written-pages-large")
        let url = URL(fileURLWithPath: folder.file("big.csv"))
        let file = try ReportFile("big.csv", in: URL(fileURLWithPath: folder.path))
        let line = String(repeating: "学籍自查,", count: 200) + "\n"
        let lines = (3 * WrittenPages.window) / line.utf8.count + 1  // three windows handed over and dropped
        for _ in 0..<lines { try file.write(line) }
        try file.close()
        let data = try Data(contentsOf: url)
        #expect(data.count == lines * line.utf8.count)
        #expect(data.suffix(line.utf8.count) == Data(line.utf8))
        #expect(data.prefix(line.utf8.count) == Data(line.utf8))
    }
}
