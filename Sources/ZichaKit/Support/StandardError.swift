#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error, and lets a failed write go: a full disk behind `2>>/var/log/zicha.log` or a closed
/// pipe must not stop the night (Foundation's `FileHandle.write` traps on a failed write, which killed a night
/// after its import, before its reports). The messages that could not be written are lost; the night is not.
public enum StandardError {
    public static func write(_ text: String) {
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
}
