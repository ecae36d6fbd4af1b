import Foundation

/// `findings.json`: the machine-readable night for scripts and other systems (full values: the office's file).
public enum FindingsJSON {
    /// Streams the SPEC's shape — as_of, totals, students (every roster student once), unmatched, resolved —
    /// plus `previous_as_of` and `by_code`.
    public static func write(summary: NightSummary, students: some FollowupSource, to path: String) throws {
        let stream = try Stream(summary: summary, path: path)
        try students.forEachStudent(order: .byCollegeClass) { try stream.add($0) }
        try stream.finish()
    }

    /// The same file written row by row, so it can ride along another pass in `.byCollegeClass` order.
    public final class Stream {
        private let out: OutputFile
        private let summary: NightSummary
        private var first = true

        /// Creates the file and writes everything before the students.
        public init(summary: NightSummary, path: String) throws {
            self.summary = summary
            out = try OutputFile(path: path)
            let t = summary.totals
            try out.write("{\"as_of\": \(JSONText.string(summary.asOf)),\n")
            if let previous = summary.previousAsOf { try out.write(" \"previous_as_of\": \(JSONText.string(previous)),\n") }
            try out.write(" \"totals\": {\"students\": \(t.students), \"checked\": \(t.checked), \"unchecked\": \(t.unchecked), \"disputed\": \(t.disputed)},\n")
            let codes = FindingCode.allCases.filter { summary.findingsByCode[$0] != nil }
                .map { "\(JSONText.string($0.rawValue)): \(summary.findingsByCode[$0]!)" }
            try out.write(" \"by_code\": {\(codes.joined(separator: ", "))},\n")
            try out.write(" \"students\": [")
        }

        /// Adds one student (rows come in `.byCollegeClass` order).
        public func add(_ row: FollowupRow) throws {
            let lead = first ? "\n  " : ",\n  "
            first = false
            try out.write { b in
                func text(_ s: String) { b.append(contentsOf: s.utf8) }
                func string(_ s: String) { JSONText.append(s, to: &b) }
                text(lead)
                text("{\"ksh\": "); string(row.ksh); text(", \"xh\": "); string(row.xh); text(", \"name\": "); string(row.name)
                text(", \"college\": "); string(row.college); text(", \"class\": "); string(row.className)
                text(", \"counselor\": "); string(row.counselor); text(", \"counselor_email\": "); string(row.counselorEmail)
                text(", \"state\": "); string(row.state.rawValue); text(", \"days_outstanding\": "); text(String(row.daysOutstanding))
                text(", \"findings\": [")
                for (i, f) in row.findings.enumerated() {
                    if i > 0 { text(", ") }
                    text("{\"code\": "); string(f.code.rawValue); text(", \"remedies\": [")
                    for (j, r) in f.remedies.enumerated() {
                        if j > 0 { text(", ") }
                        string(r)
                    }
                    text("], \"detail\": "); string(f.detail); text(", \"change\": "); string(f.change.rawValue); text("}")
                }
                text("]}")
            }
        }

        /// Writes the unmatched IDs and resolved findings, and closes the file.
        public func finish() throws {
            try out.write("\n ],\n \"unmatched\": [")
            for (i, u) in summary.unmatched.enumerated() {
                try out.write { b in
                    func text(_ s: String) { b.append(contentsOf: s.utf8) }
                    text(i == 0 ? "\n  " : ",\n  ")
                    text("{\"id\": "); JSONText.append(u.id, to: &b); text(", \"code\": \"NOT_ON_ROSTER\", \"name\": ")
                    JSONText.append(u.name, to: &b); text(", \"events\": \(u.events), \"detail\": "); JSONText.append(u.detail, to: &b); text("}")
                }
            }
            try out.write("\n ],\n \"resolved\": [")
            for (i, r) in summary.resolved.enumerated() {
                try out.write { b in
                    func text(_ s: String) { b.append(contentsOf: s.utf8) }
                    text(i == 0 ? "\n  " : ",\n  ")
                    text("{\"ksh\": "); JSONText.append(r.ksh, to: &b); text(", \"name\": "); JSONText.append(r.name, to: &b)
                    text(", \"code\": "); JSONText.append(r.code.rawValue, to: &b); text("}")
                }
            }
            try out.write("\n ]\n}\n")
            try out.close()
        }
    }
}

/// `rejects.csv`: every row set aside tonight — file, location, reason, then the row's cells as the file had them.
public enum RejectsCSV {
    public static func write(_ rejects: [(file: String, location: String, reason: String, cells: String)], to path: String) throws {
        let out = try OutputFile(path: path)
        try out.write(CSVText.bom + CSVText.line(["文件", "位置", "原因", "原始内容（各列）"]))
        for r in rejects {
            let cells = (try? JSONSerialization.jsonObject(with: Data(r.cells.utf8))) as? [String] ?? [r.cells]
            try out.write(CSVText.line([r.file, r.location, r.reason] + cells))
        }
        try out.close()
    }
}
