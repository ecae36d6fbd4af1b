#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error, and lets a failed write go: a full disk behind `2>>/var/log/zicha.log` or a closed
/// pipe must not stop the night (Foundation's `FileHandle.write` traps on a failed write, which killed a night
/// after its import, before its reports). The messages that could not be written are lost; the night is not.
public enum StandardError {
    /// Writes `text` with every control character but line breaks and tabs shown as `\u{1B}`: messages quote cells of
    /// the inputs, and an escape sequence in a 考生号 cleared the administrator's terminal or wrote a fake line there, a
    /// bidi override reversed a line (found by an audit).
    public static func write(_ text: String) {
        writeAsIs(inert(text))
    }

    /// Writes `text` as it is: zicha's own terminal controls (the progress line).
    public static func writeAsIs(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = Glibc.write(2, next, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                next += n
                left -= n
            }
        }
    }

    /// `text` with C0 and C1 controls (but LF and TAB), DEL and the bidi controls written as `\u{…}`.
    public static func inert(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isHidden) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isHidden(u) { out.append(contentsOf: "\\u{\(String(u.value, radix: 16, uppercase: true))}".unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }

    private static func isHidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return Text.isBidiControl(u.value)
        }
    }
}
