import Foundation
import ZichaKit

/// Prints diagnostics to standard error — at most a few rejected rows per file, then a count — and
/// progress when standard error is a terminal. Quiet under cron: warnings and notes only when asked.
final class Console: DiagnosticSink {
    let quiet: Bool
    let progress: TerminalProgress?
    private var rowErrorsShown: [String: Int] = [:]
    private var rowErrorsHidden: [String: Int] = [:]
    static let rowErrorsPerFile = 10

    init(quiet: Bool) {
        self.quiet = quiet
        progress = !quiet && isatty(2) != 0 ? TerminalProgress() : nil
    }

    func report(_ d: Diagnostic) {
        if quiet, d.severity != .error, !d.evenWhenQuiet { return }
        if d.severity == .error, let file = d.location?.file, d.location?.line != nil || d.location?.cell != nil {
            let shown = rowErrorsShown[file, default: 0]
            if shown >= Self.rowErrorsPerFile { rowErrorsHidden[file, default: 0] += 1; return }
            rowErrorsShown[file] = shown + 1
        }
        progress?.clearLine()
        StandardError.write(d.description + "\n")
    }

    func finishDiagnostics(reportDirectory: String?) {
        for (file, hidden) in rowErrorsHidden.sorted(by: { $0.key < $1.key }) {
            let whereTo = reportDirectory.map { " (all of them are in \($0)/rejects.csv)" } ?? ""
            StandardError.write("\(file): note: \(counted(hidden, "more row")) set aside\(whereTo)\n")
        }
    }

    func fail(_ d: Diagnostic) {
        progress?.clearLine()
        StandardError.write(d.description + "\n")
    }

    /// The one line a cron mail shows: students, checked, unchecked, findings by code.
    func summary(_ r: NightlyResult) {
        guard !quiet else { return }
        let t = r.totals
        let rate = t.rate * 100
        let codes = FindingCode.allCases.compactMap { c in r.byCode[c].map { "\(c.rawValue) \($0)" } }.joined(separator: ", ")
        var line = "zicha \(r.asOf): \(counted(t.students, "student")), \(t.checked) checked (\(String(format: "%.1f", rate))%), \(t.unchecked) unchecked, \(t.disputed) disputed"
        if r.setAsideRows > 0 { line += "; \(counted(r.setAsideRows, "row")) set aside" }
        line += "; findings: \(codes.isEmpty ? "none" : codes); reports in \(r.reportDirectory)"
        if let m = r.mail {
            var parts: [String] = []
            if m.sent > 0 { parts.append("\(m.sent) sent") }
            if m.alreadySent > 0 { parts.append("\(m.alreadySent) already sent") }
            if m.outboxOnly > 0 { parts.append("\(m.outboxOnly) in the outbox only") }
            if !m.failed.isEmpty { parts.append("\(m.failed.count) failed") }
            if !m.unknown.isEmpty { parts.append("\(m.unknown.count) unknown") }
            if !m.refused.isEmpty { parts.append("\(m.refused.count) refused") }
            line += "; mail: " + (parts.isEmpty ? "none" : parts.joined(separator: ", "))
        }
        print(line)
    }
}

/// A single self-overwriting status line on a terminal.
final class TerminalProgress: ZichaKit.Progress {
    func update(_ stage: String, done: Int) {
        StandardError.writeAsIs("\r\u{1B}[K\(stage): \(done) rows…")
    }

    func finish(_ stage: String) { clearLine() }

    func clearLine() { StandardError.writeAsIs("\r\u{1B}[K") }
}
