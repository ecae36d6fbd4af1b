import Foundation

/// JSON string literals without a Codable round trip per row.
public enum JSONText {
    /// `"…"` with quotes, backslashes and control characters escaped.
    public static func string(_ s: String) -> String {
        var out = ByteBuffer(capacity: s.utf8.count + 2)
        append(s, to: &out)
        return out.string
    }

    /// Appends `s` as a JSON string literal to `out` (the report writers' bytes, no String in between).
    static func append(_ s: String, to out: inout ByteBuffer) {
        out.append(0x22)
        s.withBytes { bytes in
            // Runs of bytes that need no escape are copied whole; only the few special bytes are looked at.
            var i = 0, run = 0
            let n = bytes.count
            while true {
                i = ByteScan.firstIndex(in: bytes, from: i,
                                        mayHold: { ByteScan.hasLess($0, 0x20) || ByteScan.has($0, 0x22) || ByteScan.has($0, 0x5C) || ByteScan.has($0, 0xE2) },
                                        isSpecial: { b, i in b[i] < 0x20 || b[i] == 0x22 || b[i] == 0x5C || b[i] == 0xE2 })
                if i >= n { break }
                let b = bytes[i]
                let escaped: String
                switch b {
                case 0x22: escaped = "\\\""
                case 0x5C: escaped = "\\\\"
                case 0x0A: escaped = "\\n"
                case 0x0D: escaped = "\\r"
                case 0x09: escaped = "\\t"
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    // U+2028 and U+2029 end a line in JavaScript: escaped, so the JSON can be embedded in a script.
                    escaped = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                case 0xE2: i += 1; continue
                default: escaped = String(format: "\\u%04x", b)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                out.text(escaped)
                i += b == 0xE2 ? 3 : 1
                run = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<n]))
        }
        out.append(0x22)
    }
}
