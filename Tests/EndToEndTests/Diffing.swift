import Foundation
import ZichaTestSupport

/// `diff -u` of two texts, for readable failure messages (the tool does it better than a hand-written diff).
func unifiedDiff(_ old: String, _ new: String, labels: (String, String) = ("before", "after")) throws -> String {
    let tmp = try TempFolder("diff")
    let a = try tmp.write(old, to: "a"), b = try tmp.write(new, to: "b")
    return try diffFiles(a, b, labels: labels)
}

/// `diff -u --label … a b`; empty when the files are equal.
func diffFiles(_ a: String, _ b: String, labels: (String, String)) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
    process.arguments = ["-u", "--label", labels.0, "--label", labels.1, a, b]
    let tmp = try TempFolder("diffout")
    let outPath = tmp.file("out")
    process.standardOutput = try FileHandle.emptyFile(atPath: outPath)
    try process.run()
    process.waitUntilExit()
    let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "(diff output is not UTF-8)"
    return text.count > 20_000 ? String(text.prefix(20_000)) + "\n… (diff cut at 20,000 characters)" : text
}
