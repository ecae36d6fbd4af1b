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
        value.withBytes { bytes in
            let formula = startsFormula(bytes)
            // Byte scan: the delimiters are ASCII, and comparing Characters costs a grapheme walk per cell.
            if quotingIndex(bytes) < bytes.count {
                out.append(0x22)
                if formula { out.append(0x27) }
                // Quotes are doubled inside quotes; memchr (vectorized in glibc) finds them in the long remedy cells.
                var run = 0
                while let found = memchr(bytes.baseAddress! + run, 0x22, bytes.count - run) {
                    let quote = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...quote]))
                    out.append(0x22)
                    run = quote + 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
                out.append(0x22)
            } else {
                if formula { out.append(0x27) }
                out.append(contentsOf: bytes)
            }
        }
    }

    /// The index of the first byte that makes a cell need quotes (`,` `"` LF CR), or the cell's length.
    @inline(__always)
    private static func quotingIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        @inline(__always) func mayHold(_ w: UInt64) -> Bool {
            ByteScan.has(w, 0x2C) || ByteScan.has(w, 0x22) || ByteScan.has(w, 0x0A) || ByteScan.has(w, 0x0D)
        }
        return ByteScan.firstIndex(in: bytes, mayHold: mayHold,
                                   isSpecial: { b, i in b[i] == 0x2C || b[i] == 0x22 || b[i] == 0x0A || b[i] == 0x0D })
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
