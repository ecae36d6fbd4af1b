import Foundation
import Testing
import ZichaTestSupport

/// Compares a fresh run of SampleData's two nights with the committed Reports/2026-11-28 and Reports/2026-11-29,
/// file by file — whatever files the report stages write. Text files must match byte for byte (a `diff -u` on
/// failure); binary files (.xlsx) only need to be there. `ZICHA_UPDATE_GOLDEN=1` rewrites the committed copies.
@Suite("Golden reports")
struct GoldenReportsTests {
    static let updating = ProcessInfo.processInfo.environment["ZICHA_UPDATE_GOLDEN"] == "1"

    @Test("a fresh run writes exactly the committed Reports/")
    func freshRunMatchesCommittedReports() throws {
        let tmp = try TempFolder("golden")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        for night in 1...2 {
            let run = try SampleNights.run(night: night, db: db, out: out)
            try #require(run.status == 0, "night \(night): \(run.stderr)")
        }
        for asOf in SampleNights.asOf {
            let golden = PackagePaths.file("Reports/" + asOf).path
            let fresh = out + "/" + asOf
            if Self.updating {
                try update(golden: golden, from: fresh, outPath: out, dbPath: db)
                continue
            }
            let want = Set(try reportFiles(in: golden)), got = Set(try reportFiles(in: fresh))
            #expect(got == want, """
                \(asOf): files differ — missing: \(want.subtracting(got).sorted()), unexpected: \(got.subtracting(want).sorted()); \
                if the change is intended, run ZICHA_UPDATE_GOLDEN=1 swift test --filter GoldenReportsTests and commit Reports/
                """)
            // The SPEC's "CRLF": every line break of every CSV, inside a quoted cell too (a remedy cell's lines were LF).
            for file in got.sorted() where file.hasSuffix(".csv") {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fresh + "/" + file)))
                let bare = bytes.indices.filter { bytes[$0] == 0x0A && ($0 == 0 || bytes[$0 - 1] != 0x0D) }.count
                #expect(bare == 0, "\(asOf)/\(file): \(bare) line breaks without CR")
            }
            for file in want.intersection(got).sorted() {
                let a = try Data(contentsOf: URL(fileURLWithPath: golden + "/" + file))
                let b = try Data(contentsOf: URL(fileURLWithPath: fresh + "/" + file))
                guard let oldText = Self.text(a), let newText = Self.text(b) else { continue }  // binary: presence only
                let normalized = Self.normalize(newText, outPath: out, dbPath: db)
                guard normalized != oldText else { continue }
                let diff = try unifiedDiff(oldText, normalized, labels: ("Reports/\(asOf)/\(file) (committed)", "\(file) (fresh run)"))
                Issue.record("Reports/\(asOf)/\(file) differs (ZICHA_UPDATE_GOLDEN=1 rewrites it):\n\(diff)")
            }
        }
    }

    /// Replaces the committed night folder with the fresh one (outbox and hidden files left out, as git leaves them).
    private func update(golden: String, from fresh: String, outPath: String, dbPath: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: golden)
        for file in try reportFiles(in: fresh) {
            let target = golden + "/" + file
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let data = try Data(contentsOf: URL(fileURLWithPath: fresh + "/" + file))
            let text = Self.text(data).map { Data(Self.normalize($0, outPath: outPath, dbPath: dbPath).utf8) }
            try (text ?? data).write(to: URL(fileURLWithPath: target))
        }
    }

    /// Every regular file under `root`, relative, sorted; hidden files, symbolic links and `outbox/` (mail, not
    /// committed) are left out.
    private func reportFiles(in root: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: root) else { return [] }
        let items = try FileManager.default.subpathsOfDirectory(atPath: root)
        return items.filter { item in
            let parts = item.split(separator: "/")
            if parts.contains(where: { $0.hasPrefix(".") }) || parts.first == "outbox" { return false }
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + item)
            return attributes?[.type] as? FileAttributeType == .typeRegular
        }.sorted()
    }

    /// The file as text, or nil when it is binary (has a NUL byte or is not UTF-8). A leading BOM is kept
    /// (Foundation's decoder drops it, and the BOM is part of what Excel needs).
    static func text(_ data: Data) -> String? {
        if data.contains(0) { return nil }
        let bom = data.starts(with: [0xEF, 0xBB, 0xBF])
        return String(data: bom ? data.dropFirst(3) : data, encoding: .utf8).map { (bom ? "\u{FEFF}" : "") + $0 }
    }

    /// The fresh run's temporary paths written as scripts/nightly-sample writes them.
    static func normalize(_ text: String, outPath: String, dbPath: String) -> String {
        text.replacingOccurrences(of: dbPath, with: "zicha.sqlite").replacingOccurrences(of: outPath, with: "Reports")
    }
}
