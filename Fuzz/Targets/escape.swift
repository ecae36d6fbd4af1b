// Fuzz target: what keeps hostile cells inert in the reports — CSVText.cell/line (formula
// neutralizing, RFC 4180 quoting), HTML.escape, JSONText.string.
//
// Invariants: a CSV cell parses back (through the importer's RecordParser) to the value, prefixed
// with ' exactly when it would start a formula (bidi overrides shown as [U+202E] marks), never starts
// with = + - @ TAB CR or their full-width forms and holds no bidi override; a CSV line parses back to
// one record with the same cells; escaped HTML holds no
// < > " ' nor a bare &, no control character but LF, no bidi override; JSON strings decode back.
import Foundation

private let dangerous: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

private func parseCSV(_ text: String) -> (records: [[String]], unclosed: Bool) {
    var parser = RecordParser(delimiter: 0x2C)
    var records: [[String]] = []
    try! parser.feed(Array(text.utf8)) { records.append($0.cells) }
    let open = try! parser.finish { records.append($0.cells) }
    return (records, open != nil)
}

/// The parser turns CR and CRLF inside quoted cells into LF.
/// By scalar: Foundation's replacingOccurrences compares graphemes and misses a CR before a combining mark.
private func lf(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var previousCR = false
    for u in s.unicodeScalars {
        defer { previousCR = u == "\r" }
        if u == "\n", previousCR { continue }
        out.append(u == "\r" ? "\n" : u)
    }
    return String(out)
}

private func checkHTML(_ s: String, _ escaped: String) {
    let scalars = Array(escaped.unicodeScalars)
    for (i, u) in scalars.enumerated() {
        invariant(u != "<" && u != ">" && u != "\"" && u != "'", "HTML.escape let \(u) through")
        invariant(u == "\n" || !(u.value < 0x20 || (0x7F...0x9F).contains(u.value)), "HTML.escape let control U+\(String(u.value, radix: 16)) through")
        invariant(!(0x202A...0x202E).contains(u.value) && !(0x2066...0x2069).contains(u.value), "HTML.escape let a bidi override through")
        if u == "&" {
            // Compared by scalar: a combining mark after ';' would make a Character comparison fail.
            let rest = Array(scalars[i..<min(scalars.count, i + 6)])
            invariant(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains { rest.starts(with: $0.unicodeScalars) }, "a bare & in escaped HTML")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEscape(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let count = Int(input.byte() % 4) + 2
    let text = String(decoding: input.rest, as: UTF8.self)

    // One cell.
    let cell = CSVText.cell(text)
    let parsed = parseCSV(cell)
    invariant(!parsed.unclosed, "CSVText.cell output leaves a quote open")
    // Bidi controls are shown as [U+202E] marks (CSVText.markingBidiControls), then the cell is neutralized and quoted.
    let shown = CSVText.markingBidiControls(text)
    let expectedPrefix = shown.unicodeScalars.first.map { dangerous.contains($0) } ?? false
    let expected = lf(expectedPrefix ? "'" + shown : shown)
    if expected.isEmpty {
        invariant(parsed.records.isEmpty, "an empty cell parsed to a record")
    } else {
        invariant(parsed.records.count == 1 && parsed.records[0] == [expected], "CSVText.cell does not parse back to its value")
        if let first = parsed.records[0][0].unicodeScalars.first { invariant(!dangerous.contains(first), "a CSV cell starts a formula") }
        invariant(!parsed.records[0][0].unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) },
                  "a CSV cell holds a bidi override")
    }

    // A line of several cells (the text cut into pieces at its scalars).
    let scalars = Array(text.unicodeScalars)
    var cells: [String] = []
    for k in 0..<count {
        let a = scalars.count * k / count, b = scalars.count * (k + 1) / count
        cells.append(String(String.UnicodeScalarView(scalars[a..<b])))
    }
    let line = parseCSV(CSVText.line(cells))
    invariant(!line.unclosed && line.records.count == 1 && line.records[0].count == cells.count, "CSVText.line is not one record of \(count) cells")
    for (got, value) in zip(line.records[0], cells.map(CSVText.markingBidiControls)) {
        let prefix = value.unicodeScalars.first.map { dangerous.contains($0) } ?? false
        invariant(got == lf(prefix ? "'" + value : value), "CSVText.line changed a cell")
    }

    // HTML, plain and truncated.
    checkHTML(text, HTML.escape(text))
    let cut = HTML.escape(text, limit: Int(size % 40), fullIn: text)
    let note = cut.range(of: "…<span class=\"note\">")
    checkHTML(text, note.map { String(cut[..<$0.lowerBound]) } ?? cut)

    // Counselor file names: one safe path component whatever the name holds.
    let fileName = CounselorFileNames.sanitize(text)
    let fs = Array(fileName.unicodeScalars)
    invariant(!fs.isEmpty && fileName.utf8.count <= 120, "file name empty or too long")
    invariant(!fs.contains { $0 == "/" || $0 == "\\" || $0 == "\0" || $0.value < 0x20 }, "file name holds a separator or control")
    invariant(fs.first != "." && fs.first != "-", "file name starts with . or -")
    invariant(fileName != "." && fileName != "..", "file name is a dot entry")
    invariant(!(fileName.utf8.count >= 2 && fileName.utf8.starts(with: "..".utf8)), "file name starts with ..")

    // JSON.
    let json = "[" + JSONText.string(text) + "]"
    let decoded = try? JSONDecoder().decode([String].self, from: Data(json.utf8))
    invariant(decoded == [text], "JSONText.string does not decode back")
    return 0
}
