import Foundation
import Testing
import ZichaTestSupport

/// A file that is not a table, and which input of night 2 it replaces.
struct BrokenFile: CustomTestStringConvertible, Sendable {
    enum Role: String, Sendable { case roster, log, counselors }
    let label: String
    let role: Role
    /// nil: the path does not exist.
    let bytes: [UInt8]?
    /// The file name's extension: the readers pick CSV/TSV or XLSX by content, but the name matters to users.
    var ext = "csv"

    var testDescription: String { "\(label) as \(role.rawValue)" }

    static let all: [BrokenFile] = [
        .init(label: "empty", role: .roster, bytes: []),
        .init(label: "empty", role: .log, bytes: []),
        .init(label: "empty", role: .counselors, bytes: []),
        .init(label: "only a UTF-8 BOM", role: .roster, bytes: [0xEF, 0xBB, 0xBF]),
        .init(label: "only a UTF-8 BOM", role: .log, bytes: [0xEF, 0xBB, 0xBF]),
        .init(label: "random bytes", role: .log, bytes: pseudoRandom(count: 4096)),
        .init(label: "random bytes", role: .roster, bytes: pseudoRandom(count: 300)),
        .init(label: "a PNG header", role: .roster,
              bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]),
        .init(label: "an unclosed quote at the end", role: .log,
              bytes: Array("时间,身份证号,姓名,事件\n2026-11-28 10:00,420102200703150117,王晓明,登录\n2026-11-28 11:00,\"42010220070315".utf8)),
        .init(label: "an unclosed quote at the end", role: .roster,
              bytes: Array("考生号,姓名,身份证号\n26420101000001,王晓明,420102200703150117\n26420101000002,\"李静,4201\n".utf8)),
        .init(label: "a missing required column", role: .roster,
              bytes: Array("考生号,姓名,学院\n26420101000001,王晓明,计算机学院\n".utf8)),
        .init(label: "a missing required column", role: .log,
              bytes: Array("时间,姓名,事件\n2026-11-28 10:00,王晓明,登录\n".utf8)),
        .init(label: "a header-only roster", role: .roster, bytes: Array("考生号,姓名,身份证号\r\n".utf8)),
        .init(label: "a workbook cut short", role: .roster, bytes: [0x50, 0x4B, 0x03, 0x04] + pseudoRandom(count: 1500), ext: "xlsx"),
        .init(label: "a nonexistent path", role: .roster, bytes: nil),
        .init(label: "a nonexistent path", role: .log, bytes: nil),
    ]

    /// Deterministic noise (a 64-bit LCG) so a failure can be replayed.
    static func pseudoRandom(count: Int) -> [UInt8] {
        var state: UInt64 = 0x5EED_2026
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }
}

/// Each file that is not a table stops the night: exit 65, a message naming the file, no report folder for
/// the night, and a database whose `sqlite3 .dump` is byte-identical to before.
@Suite("Broken input files")
struct BrokenInputTests {
    @Test("exit 65, file named, nothing written", arguments: BrokenFile.all)
    func brokenFile(_ broken: BrokenFile) throws {
        let tmp = try TempFolder("broken")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let first = try SampleNights.run(night: 1, db: db, out: out)
        try #require(first.status == 0, "the good night 1 failed: \(first.stderr)")
        let before = try SQLiteShell.dump(db)
        #expect(before.contains("INSERT INTO"), "night 1 left the database empty")

        let name = "bad-\(broken.role.rawValue).\(broken.ext)"
        let path = broken.bytes == nil ? tmp.file("missing/" + name) : try tmp.write(Data(broken.bytes!), to: name)
        var inputs: [BrokenFile.Role: String] = [
            .roster: "SampleData/night2/roster.csv", .log: "SampleData/night2/log.csv", .counselors: "SampleData/night2/counselors.csv",
        ]
        inputs[broken.role] = path
        let run = try ZichaBinary.run(arguments: [
            "nightly", "--roster", inputs[.roster]!, "--log", inputs[.log]!, "--counselors", inputs[.counselors]!,
            "--db", db, "--out", out, "--as-of", "2026-11-29", "--config", "SampleData/zicha.json",
        ])
        #expect(run.status == 65, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").contains { $0.hasPrefix(path) && $0.contains("error:") },
                "stderr must name \(path):\n\(run.stderr)")
        #expect(run.stdout.isEmpty, "no summary for a failed night: \(run.stdout)")
        let night2 = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { $0.contains("2026-11-29") }
        #expect(night2.isEmpty, "a report folder for the failed night: \(night2)")
        let after = try SQLiteShell.dump(db)
        let diff = after == before ? "" : try unifiedDiff(before, after)
        #expect(after == before, "the database changed:\n\(diff)")
    }
}
