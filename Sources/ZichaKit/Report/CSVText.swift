/// CSV that Excel and WPS open correctly: UTF-8 with BOM, CRLF, RFC 4180 quoting, and every cell
/// that would start a formula neutralized (OWASP "CSV injection").
public enum CSVText {
    /// The UTF-8 byte order mark Excel needs to read UTF-8.
    public static let bom = "\u{FEFF}"

    /// One cell, quoted when needed, with a leading `'` when it would start a formula.
    public static func cell(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) || first == "\u{FF1D}" || first == "\u{FF0B}" || first == "\u{FF0D}" || first == "\u{FF20}" {
            v = "'" + v
        }
        // Byte scan: the delimiters are ASCII, and comparing Characters costs a grapheme walk per cell.
        if v.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            // Doubling quotes by bytes: Foundation's replacingOccurrences bridges to NSString per cell.
            var out: [UInt8] = [0x22]
            out.reserveCapacity(v.utf8.count + 8)
            for b in v.utf8 {
                out.append(b)
                if b == 0x22 { out.append(0x22) }
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
        return v
    }

    /// One record, CRLF-terminated.
    public static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }
}
