/// Masks personal numbers in counselor-facing output.
public enum Masking {
    /// `110105199001010021` → `110105********0021`; shorter texts keep at most their first and last quarter.
    public static func id(_ id: String) -> String {
        if let masked = asciiMask(id, keepFirst: 6, keepLast: 4, shortBelow: 11) { return masked }
        let chars = Array(id)
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
    }

    /// `13800138000` → `138****8000`.
    public static func phone(_ phone: String) -> String {
        if let masked = asciiMask(phone, keepFirst: 3, keepLast: 4, shortBelow: 8) { return masked }
        let chars = Array(phone)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// The same masking by bytes when every Character is one ASCII byte (no CR, which may pair with LF); nil otherwise.
    private static func asciiMask(_ s: String, keepFirst: Int, keepLast: Int, shortBelow: Int) -> String? {
        var bytes = Array(s.utf8)
        guard !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0D }) else { return nil }
        let n = bytes.count
        for i in 0..<n where n < shortBelow || (i >= keepFirst && i < n - keepLast) { bytes[i] = 0x2A }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Masks every 15/18-character ID (and longer digit runs holding one) and 11-digit mobile inside a free text (finding details).
    public static func text(_ s: String) -> String {
        // Fast path: a Character run of ASCII digits/X lies inside a byte run of them, so a text with no
        // byte run of 11 or more has nothing to mask (most details) and comes back as is.
        var longest = 0, run = 0
        for b in s.utf8 {
            if (b >= 0x30 && b <= 0x39) || b == 0x58 { run += 1; if run > longest { longest = run } } else { run = 0 }
        }
        if longest < 11 { return s }
        return slowText(s)
    }

    private static func slowText(_ s: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            // Longer runs too: an ID glued to other digits (…0021 then a phone) must not slip through whole.
            if run.utf8.count >= 18 || run.utf8.count == 15 { out += id(run) }
            else if run.utf8.count == 11, run.first == "1" { out += phone(run) }
            else { out += run }
            run = ""
        }
        // Scalars, not Characters: a combining mark after the last digit would otherwise hide a whole ID.
        for u in s.unicodeScalars {
            if (u >= "0" && u <= "9") || u == "X" { run.unicodeScalars.append(u) } else { flush(); out.unicodeScalars.append(u) }
        }
        flush()
        return out
    }
}
