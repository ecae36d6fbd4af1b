import Foundation
import Testing

/// Golden files and outside tools (Debian's python3 with openpyxl, chromium) for the report suites.
enum ReportTools {
    /// Output of a finished process.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`, killing it after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs, so a chatty tool cannot block on a full pipe.
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async { sink.set(pipe.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            group.wait()
        }
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData.get(), as: UTF8.self),
                      stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// The workbook as JSON, read back by openpyxl (`scripts/read_xlsx.py`).
    static func readXLSX(_ url: URL) throws -> (json: String, object: [String: Any]) {
        let script = ReportFixture.repoRoot.appendingPathComponent("scripts/read_xlsx.py").path
        let result = try run("/usr/bin/python3", [script, url.path])
        #expect(result.status == 0, "read_xlsx.py failed (install python3-openpyxl): \(result.stderr)")
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.stdout, object)
    }

    /// Compares `actual` with the golden file `name`; rewrites it when ZICHA_UPDATE_GOLDEN=1.
    static func expectGolden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = ReportFixture.goldenSource.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["ZICHA_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden file \(name); run with ZICHA_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            Issue.record("\(name) differs from its golden file (ZICHA_UPDATE_GOLDEN=1 rewrites it):\n\(unifiedDiff(url, actual) ?? diff(expected, actual))",
                         sourceLocation: sourceLocation)
        }
    }

    /// `diff -u` of the golden file against the actual text, when the tool is there.
    static func unifiedDiff(_ golden: URL, _ actual: String) -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/diff"),
              let folder = try? ReportFixture.tempFolder("diff") else { return nil }
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("actual")
        guard (try? Data(actual.utf8).write(to: file)) != nil,
              let out = try? run("/usr/bin/diff", ["-u", "--label", "golden", "--label", "actual", golden.path, file.path]) else { return nil }
        let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(60).joined(separator: "\n") + (lines.count > 60 ? "\n…" : "")
    }

    /// A short line diff: the first differing lines, with CR and other invisible characters shown.
    static func diff(_ expected: String, _ actual: String, limit: Int = 20) -> String {
        func lines(_ s: String) -> [String] { s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        func show(_ s: String) -> String { s.debugDescription }
        let a = lines(expected), b = lines(actual)
        var out: [String] = []
        var i = 0
        while i < max(a.count, b.count), out.count < limit {
            let x = i < a.count ? a[i] : nil, y = i < b.count ? b[i] : nil
            if x != y {
                out.append("line \(i + 1):")
                if let x { out.append("- \(show(x))") }
                if let y { out.append("+ \(show(y))") }
            }
            i += 1
        }
        return out.joined(separator: "\n") + (out.count >= limit ? "\n…" : "")
    }
}

/// Bytes filled in by a background reader.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A strict RFC 4180 reader for checking our CSV: records end with CRLF, a quote may only open a
/// field or be doubled inside one, and a bare CR or LF outside quotes is an error.
enum StrictCSV {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false, quoted = false
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" {
                guard field.isEmpty, !quoted else { throw Failure(description: "stray quote in record \(records.count + 1)") }
                inQuotes = true; quoted = true
            } else if c == "," {
                record.append(field); field = ""; quoted = false
            } else if c == "\r" {
                guard i + 1 < chars.count, chars[i + 1] == "\n" else { throw Failure(description: "bare CR in record \(records.count + 1)") }
                record.append(field); records.append(record); record = []; field = ""; quoted = false; i += 1
            } else if c == "\n" {
                throw Failure(description: "bare LF in record \(records.count + 1)")
            } else {
                guard !quoted else { throw Failure(description: "text after a closing quote in record \(records.count + 1)") }
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        guard !inQuotes else { throw Failure(description: "unterminated quote") }
        guard record.isEmpty, field.isEmpty else { throw Failure(description: "last record lacks CRLF") }
        return records
    }
}
