/// Masks personal numbers in counselor-facing output.
public enum Masking {
    /// `110105199001010021` → `110105********0021`; shorter texts keep at most their first and last quarter.
    public static func id(_ id: String) -> String {
        let chars = Array(id)
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
    }

    /// `13800138000` → `138****8000`.
    public static func phone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// Masks every 15/18-character ID and 11-digit mobile inside a free text (finding details).
    public static func text(_ s: String) -> String {
        var out = ""
        var run: [Character] = []
        func flush() {
            if run.count == 18 || run.count == 15 { out += id(String(run)) }
            else if run.count == 11, run.first == "1" { out += phone(String(run)) }
            else { out += String(run) }
            run.removeAll()
        }
        for c in s {
            if c.isASCII, c.isNumber || c == "X" { run.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }
}
