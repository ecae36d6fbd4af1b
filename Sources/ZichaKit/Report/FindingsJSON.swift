import Foundation

/// `findings.json`: the machine-readable night for scripts and other systems (full values: the office's file).
public enum FindingsJSON {
    /// Streams the SPEC's shape — as_of, totals, students (every roster student once), unmatched, resolved —
    /// plus `previous_as_of` and `by_code`, row by row, so it can ride along another pass in `.byCollegeClass` order.
    public final class Stream {
        private let out: ReportFile
        private let summary: NightSummary
        private var first = true

        /// Creates the file and writes everything before the students.
        public init(summary: NightSummary, path: String) throws {
            self.summary = summary
            out = try ReportFile(truncating: path)
            let t = summary.totals
            try out.write("{\"as_of\": \(JSONText.string(summary.asOf)),\n")
            if let previous = summary.previousAsOf { try out.write(" \"previous_as_of\": \(JSONText.string(previous)),\n") }
            try out.write(" \"totals\": {\"students\": \(t.students), \"checked\": \(t.checked), \"unchecked\": \(t.unchecked), \"disputed\": \(t.disputed)},\n")
            let codes = FindingCode.allCases.filter { summary.findingsByCode[$0] != nil }
                .map { "\(JSONText.string($0.rawValue)): \(summary.findingsByCode[$0]!)" }
            try out.write(" \"by_code\": {\(codes.joined(separator: ", "))},\n")
            let setAside = summary.setAside.map { "{\"file\": \(JSONText.string($0.file)), \"rows\": \($0.rows)}" }
            try out.write(" \"set_aside\": [\(setAside.joined(separator: ", "))],\n")
            try out.write(" \"students\": [")
        }

        /// Adds one student (rows come in `.byCollegeClass` order).
        public func add(_ row: FollowupRow) throws {
            let lead = first ? "\n  " : ",\n  "
            first = false
            try out.write { b in
                b.text(lead)
                b.text("{\"ksh\": "); b.json(row.ksh); b.text(", \"xh\": "); b.json(row.xh); b.text(", \"name\": "); b.json(row.name)
                b.text(", \"college\": "); b.json(row.college); b.text(", \"class\": "); b.json(row.className)
                b.text(", \"counselor\": "); b.json(row.counselor); b.text(", \"counselor_email\": "); b.json(row.counselorEmail)
                b.text(", \"state\": "); b.json(row.state.rawValue); b.text(", \"days_outstanding\": "); b.text(String(row.daysOutstanding))
                b.text(", \"findings\": [")
                for (i, f) in row.findings.enumerated() {
                    if i > 0 { b.text(", ") }
                    b.text("{\"code\": "); b.json(f.code.rawValue); b.text(", \"remedies\": [")
                    for (j, r) in f.remedies.enumerated() {
                        if j > 0 { b.text(", ") }
                        b.json(r)
                    }
                    b.text("], \"detail\": "); b.json(f.detail); b.text(", \"change\": "); b.json(f.change.rawValue); b.text("}")
                }
                b.text("]}")
            }
        }

        /// Writes the unmatched IDs and resolved findings, and closes the file.
        public func finish() throws {
            try out.write("\n ],\n \"unmatched\": [")
            var i = 0
            try summary.unmatched.forEach { u in
                defer { i += 1 }
                try out.write { b in
                    b.text(i == 0 ? "\n  " : ",\n  ")
                    b.text("{\"id\": "); b.json(u.id); b.text(", \"code\": \"NOT_ON_ROSTER\", \"name\": "); b.json(u.name)
                    b.text(", \"events\": \(u.events), \"detail\": "); b.json(u.detail); b.text("}")
                }
            }
            try out.write("\n ],\n \"resolved\": [")
            i = 0
            try summary.resolved.forEach { r in
                defer { i += 1 }
                try out.write { b in
                    b.text(i == 0 ? "\n  " : ",\n  ")
                    b.text("{\"ksh\": "); b.json(r.ksh); b.text(", \"name\": "); b.json(r.name)
                    b.text(", \"code\": "); b.json(r.code.rawValue); b.text("}")
                }
            }
            try out.write("\n ]\n}\n")
            try out.close()
        }
    }
}

/// `rejects.csv`: every row set aside tonight — file, location, reason, then the row's cells as the file had them.
public enum RejectsCSV {
    public static func write(_ night: NightReader, to path: String) throws {
        let out = try ReportFile(truncating: path)
        try out.write(CSVText.bom + CSVText.line(["文件", "位置", "原因", "原始内容（各列）"]))
        try night.forEachReject { file, location, reason, raw in
            let cells = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String] ?? [raw]
            try out.write(CSVText.line([file, location, reason] + cells))
        }
        try out.close()
    }
}

/// The bytes of a findings.json entry, built in the output buffer.
private extension ByteBuffer {
    /// A value as a JSON string literal.
    mutating func json(_ s: String) { JSONText.append(s, to: &self) }
}
