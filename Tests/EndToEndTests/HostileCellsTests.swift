import Foundation
import Testing
import ZichaKit
import ZichaTestSupport

/// A night whose cells were written by an attacker, through the real binary: markup, formulas,
/// CR/LF, invalid UTF-8, a 10,000-character name, emoji, bidi overrides, terminal escapes,
/// path-traversal counselor names and a header-injecting address. Each is imported as inert text or
/// set aside with a reason — never a crash, never raw in HTML, never a live formula, never in a mail
/// header, never in a file path, never an escape sequence on the console.
@Suite struct HostileCellsTests {
    static let payloads = ["<script>alert(1)</script>", "=HYPERLINK(\"http://evil.example\")", "+SUM(A1)", "@cmd", "-2+3",
                           "\u{202E}gnp.exe", "\u{1B}[31mred\u{1B}[0m", "😀👩‍👩‍👧", String(repeating: "长", count: 10_000)]

    /// Roster, log and counselors; returns their paths. Student i has SyntheticNight's ID i.
    static func write(_ folder: TempFolder) throws -> (roster: String, log: String, counselors: String) {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var roster = "考生号,学号,姓名,身份证号,手机号,学院,班级\r\n"
        var log = "时间,身份证号,姓名,事件,备注\r\n"
        var counselors = "班级,辅导员,邮箱\r\n"
        var names = payloads + ["张\r\n三", "李\n四"]
        names.append("王五")
        for (i, name) in names.enumerated() {
            let id = SyntheticNight.idNumber(i)
            let college = i % 2 == 0 ? "=cmd|' /C calc'!A0" : "<b>学院</b>"
            let klass = ["班1", "../../x", "CON"][i % 3]
            roster += "26\(String(format: "%012d", i)),\(String(format: "%010d", i)),\(q(name)),\(id),139\(String(format: "%08d", i)),\(q(college)),\(klass)\r\n"
            log += "2026-11-27 10:00:00,\(id),\(q(name)),注册失败,\(q(payloads[i % payloads.count]))\r\n"
        }
        counselors += "班1,\(q("../../../etc/passwd")),fdy1@example.edu.cn\r\n"
        counselors += "../../x,\(q("<img src=x onerror=alert(1)>")),\(q("fdy2@example.edu.cn\r\nBcc: spy@evil.example"))\r\n"
        counselors += "CON,\(q("=1+1\u{202E}")),fdy3@example.edu.cn\r\n"
        var rosterBytes = Array(roster.utf8)
        // A row with invalid UTF-8 in its name: set aside with a reason, the rest of the file read.
        rosterBytes += Array("26999999999999,9999999999,\"坏".utf8) + [0xFF, 0xFE] + Array("\",\(SyntheticNight.idNumber(99)),13900000099,学院,班1\r\n".utf8)
        return (try folder.write(Data(rosterBytes), to: "roster.csv"), try folder.write(log, to: "log.csv"),
                try folder.write(counselors, to: "counselors.csv"))
    }

    static func allFiles(_ root: String) -> [String] {
        var out: [String] = []
        let e = FileManager.default.enumerator(atPath: root)
        while let f = e?.nextObject() as? String { out.append(f) }
        return out
    }

    @Test func hostileNightIsInert() throws {
        let folder = try TempFolder("hostile")
        let (roster, log, counselors) = try Self.write(folder)
        let night = "2026-11-28"
        let r = try ZichaBinary.run(arguments: ["nightly", "--roster", roster, "--log", log, "--counselors", counselors,
                                                "--db", folder.file("db.sqlite"), "--out", folder.file("Reports"), "--as-of", night,
                                                "--config", PackagePaths.file("SampleData/zicha.json").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!(r.stdout + r.stderr).unicodeScalars.contains("\u{1B}"), "a terminal escape reached the console")
        #expect(!(r.stdout + r.stderr).unicodeScalars.contains("\u{202E}"), "a bidi override reached the console raw")
        let root = folder.file("Reports/" + night)

        // Nothing outside the night folder; every name inside is a plain component.
        #expect(Self.allFiles(folder.path).allSatisfy { !$0.contains("etc/passwd") && !$0.hasPrefix("x") })
        for f in Self.allFiles(root) where f != ".inputs" {  // zicha's own mark of what the folder was written from
            #expect(!f.split(separator: "/").contains { $0 == ".." || $0.hasPrefix("-") || $0.hasPrefix(".") }, "\(f)")
            #expect(!f.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202E}" }, "\(f.debugDescription)")
        }

        // The bad row is set aside with its line.
        let rejects = try String(contentsOfFile: root + "/rejects.csv", encoding: .utf8)
        #expect(rejects.contains("not valid"), "\(rejects)")

        // HTML: no live markup, no raw bidi override.
        for f in Self.allFiles(root) where f.hasSuffix(".html") {
            let html = try String(contentsOfFile: root + "/" + f, encoding: .utf8)
            for bad in ["<script>alert", "<img src=x", "<b>学院", "\u{202E}", "\u{1B}"] {
                #expect(!html.contains(bad), "\(f) holds \(bad.debugDescription)")
            }
        }

        // CSV: read back with zicha's own reader, no cell starts a formula.
        for f in Self.allFiles(root) where f.hasSuffix(".csv") {
            let reader = try DelimitedTextReader(path: root + "/" + f, source: f, options: TableOptions())
            try reader.read { record in
                for cell in record.cells {
                    if let first = cell.unicodeScalars.first, "=+@".unicodeScalars.contains(first) || (first == "-" && cell.contains("+")) {
                        Issue.record("\(f):\(record.line): a live formula \(cell.prefix(40).debugDescription)")
                    }
                }
            }
        }

        // Mail: the injected Bcc never becomes a header; headers stay ASCII.
        let outbox = root + "/outbox"
        for f in (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? [] where f.hasSuffix(".eml") {
            let data = try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + f))
            let text = String(decoding: data, as: UTF8.self)
            let headers = text.components(separatedBy: "\r\n\r\n").first ?? ""
            #expect(!headers.lowercased().contains("\r\nbcc:") && !headers.contains("spy@evil"), "\(f): header injection")
            #expect(headers.utf8.allSatisfy { $0 < 0x80 }, "\(f): non-ASCII header")
        }
    }
}
