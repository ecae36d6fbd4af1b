/// CSV that Excel and WPS open correctly: UTF-8 with BOM, CRLF, RFC 4180 quoting, and every cell
/// that would start a formula neutralized (OWASP "CSV injection").
public enum CSVText {
    /// The UTF-8 byte order mark Excel needs to read UTF-8.
    public static let bom = "\u{FEFF}"

    /// One cell, quoted when needed, with a leading `'` when it would start a formula.
    public static func cell(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 3)
        append(cell: value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one cell to `out` as `cell(_:)` writes it (the report writers' bytes, no String in between).
    public static func append(cell value: String, to out: inout [UInt8]) {
        value.withBytes { bytes in
            let formula = startsFormula(bytes)
            // Byte scan: the delimiters are ASCII, and comparing Characters costs a grapheme walk per cell.
            if bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(0x22)
                if formula { out.append(0x27) }
                if bytes.contains(0x22) {
                    for b in bytes {
                        out.append(b)
                        if b == 0x22 { out.append(0x22) }  // doubled inside quotes
                    }
                } else {
                    out.append(contentsOf: bytes)
                }
                out.append(0x22)
            } else {
                if formula { out.append(0x27) }
                out.append(contentsOf: bytes)
            }
        }
    }

    /// Appends one record, CRLF-terminated.
    public static func append(line cells: [String], to out: inout [UInt8]) {
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
        var out: [UInt8] = []
        append(line: cells, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
