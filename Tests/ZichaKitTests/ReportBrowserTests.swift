import Foundation
import Testing
@testable import ZichaKit

/// Opens the report pages in headless Chromium (Debian `chromium`, via scripts/check_html_chromium.py):
/// they must render (not blank), run their script, log nothing and request nothing.
/// Screenshots are kept in /tmp/zicha-report-screens/ for a person to look at.
@Suite(.serialized) struct ReportBrowserTests {
    static let screens = URL(fileURLWithPath: "/tmp/zicha-report-screens")

    struct Check {
        var object: [String: Any]
        var shots: [String: [String: Any]] { object["shots"] as? [String: [String: Any]] ?? [:] }
        var console: [String] { object["console"] as? [String] ?? [] }
        var requests: [String] { object["requests"] as? [String] ?? [] }
        var problems: [String] { object["problems"] as? [String] ?? [] }
        var jsReady: Bool { object["js_ready"] as? Bool ?? false }
        var jsError: Bool { object["js_error"] as? Bool ?? true }
    }

    private func check(_ page: URL, as name: String) throws -> Check {
        try FileManager.default.createDirectory(at: Self.screens, withIntermediateDirectories: true)
        let script = ReportFixture.repoRoot.appendingPathComponent("scripts/check_html_chromium.py").path
        let result = try ReportTools.run("/usr/bin/python3", [script, page.path, Self.screens.appendingPathComponent(name).path],
                                         timeout: 400)
        #expect(result.status == 0, "check_html_chromium.py failed (needs chromium and python3-pil): \(result.stderr.suffix(800))")
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return Check(object: object)
    }

    private func expectClean(_ c: Check, _ label: String) {
        #expect(c.problems.isEmpty, "\(label): \(c.problems)")
        #expect(c.console.isEmpty, "\(label) logged to the console: \(c.console)")
        #expect(c.requests.isEmpty, "\(label) made network requests: \(c.requests)")
        #expect(c.jsReady && !c.jsError, "\(label): the page script did not run cleanly")
        for name in ["desktop", "phone"] {
            let shot = c.shots[name] ?? [:]
            #expect((shot["colors"] as? Int ?? 0) > 200, "\(label) \(name) screenshot looks blank: \(shot)")
            #expect((shot["ink"] as? Double ?? 0) > 0.01, "\(label) \(name) screenshot has almost no ink: \(shot)")
        }
    }

    @Test func summaryRendersOfflineWithoutErrors() throws {
        let (folder, _) = try ReportFixture.writeNight(label: "browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectClean(try check(folder.appendingPathComponent("summary.html"), as: "summary"), "summary.html")
        expectClean(try check(folder.appendingPathComponent("counselors/李老师.html"), as: "counselor"), "counselor page")
    }

    @Test func hostileSummaryRunsNoInjectedCode() throws {
        let (folder, _) = try ReportFixture.writeNight(ReportSafetyTests.hostile, label: "browser-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectClean(try check(folder.appendingPathComponent("summary.html"), as: "hostile"), "hostile summary.html")
    }

    @Test func checkerNoticesRequestsAndErrors() throws {
        // A page that breaks every rule, to prove the checker is not blind.
        let folder = try ReportFixture.tempFolder("browser-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("bad.html")
        try Data("<!DOCTYPE html><html><body><p>x</p><img src=\"http://example.invalid/a.png\"><script>nope();</script></body></html>".utf8)
            .write(to: page)
        let c = try check(page, as: "checker-selftest")
        #expect(c.requests.contains("http://example.invalid/a.png"))
        #expect(c.console.contains { $0.contains("nope") })
        #expect(!c.jsReady)
    }
}
