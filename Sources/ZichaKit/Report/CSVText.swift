#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CSV that Excel and WPS open correctly: UTF-8 with BOM, CRLF, RFC 4180 quoting, and every cell
/// that would start a formula neutralized (OWASP "CSV injection").
public enum CSVText {
    /// The UTF-8 byte order mark Excel needs to read UTF-8.
    public static let bom = "\u{FEFF}"

    /// One cell, quoted when needed, with a leading `'` when it would start a formula.
    public static func cell(_ value: String) -> String {
        var out = ByteBuffer(capacity: value.utf8.count + 3)
        append(cell: value, to: &out)
        return out.string
    }

    /// Appends one cell to `out` as `cell(_:)` writes it (the report writers' bytes, no String in between).
    static func append(cell value: String, to out: inout ByteBuffer) {
        let start = out.count
        let written: Bool = value.withBytes { bytes in
            let formula = startsFormula(bytes)
            if bytes.count >= 64 { return appendLong(bytes, formula: formula, to: &out) }
            // Byte scans, eight bytes at a time: the delimiters are ASCII, the bidi controls start with E2 or D8 (rare
            // in Chinese text), and comparing Characters costs a grapheme walk per cell.
            let first = ByteScan.firstIndex(in: bytes, mayHold: { mayNeedQuotes($0) || mayStartBidi($0) },
                                            isSpecial: { b, i in b[i] == 0x2C || isQuotedSpecial(b, i) })
            if first == bytes.count {
                if formula { out.append(0x27) }
                out.append(contentsOf: bytes)
                return true
            }
            if isBidiControl(bytes, first) { return false }
            out.append(0x22)
            if formula { out.append(0x27) }
            // Quotes are doubled inside quotes, and a line break inside a cell is written CRLF like the records'
            // (the SPEC's "CRLF": a remedy cell's lines were LF, so the file mixed the two — found by an audit).
            var run = 0
            while true {
                var k = ByteScan.firstIndex(in: bytes, from: max(run, first), mayHold: { mayNeedEscaping($0) || mayStartBidi($0) },
                                            isSpecial: isQuotedSpecial)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<k]))
                guard k < bytes.count else { break }
                switch bytes[k] {
                case 0x22:
                    out.append(0x22)
                    out.append(0x22)
                case 0x0A, 0x0D:
                    out.append(0x0D)
                    out.append(0x0A)
                    if bytes[k] == 0x0D, k + 1 < bytes.count, bytes[k + 1] == 0x0A { k += 1 }
                default:
                    return false  // a bidi control
                }
                run = k + 1
            }
            out.append(0x22)
            return true
        }
        if !written {
            out.truncate(to: start)
            append(cell: markingBidiControls(value), to: &out)
        }
    }

    /// `append(cell:)` for a long cell (a remedy paragraph, a finding's evidence): its few special bytes found by memchr,
    /// which glibc vectorizes, rather than by a scan of every word. False when the cell holds a bidi control.
    private static func appendLong(_ bytes: UnsafeBufferPointer<UInt8>, formula: Bool, to out: inout ByteBuffer) -> Bool {
        let n = bytes.count, base = bytes.baseAddress!
        func find(_ byte: UInt8, from i: Int) -> Int {
            guard i < n, let hit = memchr(base + i, Int32(byte), n - i) else { return n }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        for lead: UInt8 in [0xE2, 0xD8] {
            var k = find(lead, from: 0)
            while k < n {
                if isBidiControl(bytes, k) { return false }
                k = find(lead, from: k + 1)
            }
        }
        var quote = find(0x22, from: 0), lf = find(0x0A, from: 0), cr = find(0x0D, from: 0)
        if min(quote, lf, cr) == n, find(0x2C, from: 0) == n {
            if formula { out.append(0x27) }
            out.append(contentsOf: bytes)
            return true
        }
        out.append(0x22)
        if formula { out.append(0x27) }
        var run = 0
        while true {
            let k = min(quote, lf, cr)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<k]))
            guard k < n else { break }
            if k == quote {
                out.append(0x22)
                out.append(0x22)
                run = k + 1
                quote = find(0x22, from: run)
            } else {
                out.append(0x0D)
                out.append(0x0A)
                run = k == cr && k + 1 < n && bytes[k + 1] == 0x0A ? k + 2 : k + 1
                if k == cr { cr = find(0x0D, from: k + 1) }
                if lf < run { lf = find(0x0A, from: run) }
            }
        }
        out.append(0x22)
        return true
    }

    @inline(__always) private static func mayNeedQuotes(_ w: UInt64) -> Bool { ByteScan.has(w, 0x2C) || mayNeedEscaping(w) }
    @inline(__always) private static func mayNeedEscaping(_ w: UInt64) -> Bool {
        ByteScan.has(w, 0x22) || ByteScan.has(w, 0x0A) || ByteScan.has(w, 0x0D)
    }
    @inline(__always) private static func mayStartBidi(_ w: UInt64) -> Bool { ByteScan.has(w, 0xE2) || ByteScan.has(w, 0xD8) }

    /// A quote, a line break, or the start of a bidi control at `i`.
    @inline(__always) private static func isQuotedSpecial(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        b[i] == 0x22 || b[i] == 0x0A || b[i] == 0x0D || isBidiControl(b, i)
    }

    /// `text` with its bidi controls (U+202A–202E, U+2066–2069, U+200E, U+200F, U+061C) written as visible `[U+202E]`
    /// marks, as the HTML pages show them: in a CSV or a mail's plain text, a right-to-left override in a name reversed
    /// the rest of its line (a 考生号 read backwards, one student shown as another; found by an audit).
    public static func markingBidiControls(_ text: String) -> String {
        guard hasBidiControl(text) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if Text.isBidiControl(u.value) { out.append(contentsOf: Text.mark(u.value).unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }

    /// Whether `text` holds a bidi control.
    private static func hasBidiControl(_ text: String) -> Bool {
        text.withBytes { b in ByteScan.firstIndex(in: b, mayHold: mayStartBidi, isSpecial: isBidiControl) < b.count }
    }

    /// Whether a bidi control starts at `j`: E2 80 8E/8F/AA–AE, E2 81 A6–A9 or D8 9C in UTF-8.
    @inline(__always)
    private static func isBidiControl(_ b: UnsafeBufferPointer<UInt8>, _ j: Int) -> Bool {
        if b[j] == 0xD8 { return j + 1 < b.count && b[j + 1] == 0x9C }
        guard b[j] == 0xE2, j + 2 < b.count else { return false }
        let (x, y) = (b[j + 1], b[j + 2])
        return (x == 0x80 && (y == 0x8E || y == 0x8F || (0xAA...0xAE).contains(y))) || (x == 0x81 && (0xA6...0xA9).contains(y))
    }

    /// Appends one record, CRLF-terminated.
    static func append(line cells: [String], to out: inout ByteBuffer) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x2C) }
            append(cell: cell, to: &out)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Whether a spreadsheet would read the cell as a formula: it starts with = + - @ TAB CR, or their
    /// full-width forms ＝ ＋ － ＠ (EF BC 9D, EF BC 8B, EF BC 8D, EF BC A0), which some spreadsheets fold.
    private static func startsFormula(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = b.first else { return false }
        switch first {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: return true
        case 0xEF: return b.count >= 3 && b[1] == 0xBC && [0x9D, 0x8B, 0x8D, 0xA0].contains(b[2])
        default: return false
        }
    }

    /// One record, CRLF-terminated.
    public static func line(_ cells: [String]) -> String {
        var out = ByteBuffer()
        append(line: cells, to: &out)
        return out.string
    }
}
