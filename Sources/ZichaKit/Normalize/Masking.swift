/// Masks personal numbers in counselor-facing output.
public enum Masking {
    /// `110105199001010021` → `110105********0021`, `110105900101002` → `110105******002`; shorter texts keep at
    /// most their first and last quarter.
    public static func id(_ id: String) -> String {
        // A 15-digit ID ends in its 3-digit sequence: a fourth digit would show part of the birth date.
        let keepLast = id.utf8.count == 15 ? 3 : 4
        if let masked = asciiMask(id, keepFirst: 6, keepLast: keepLast, shortBelow: 11) { return masked }
        let chars = Array(id)
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        let last = chars.count == 15 ? 3 : 4
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 6 - last) + String(chars.suffix(last))
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
        s.withBytes { b in
            guard !b.contains(where: { $0 >= 0x80 || $0 == 0x0D }) else { return nil }
            let n = b.count
            return String(unsafeUninitializedCapacity: n) { out in
                for i in 0..<n { out[i] = n < shortBelow || (i >= keepFirst && i < n - keepLast) ? 0x2A : b[i] }
                return n
            }
        }
    }

    /// Masks every 15/18-character ID (and longer digit runs holding one) and 11-digit mobile inside a free text (finding details).
    public static func text(_ s: String) -> String {
        // By bytes: the run characters (0-9, X) are ASCII, and in UTF-8 an ASCII byte is always a whole scalar, so a
        // byte run of them is exactly a scalar run (a combining mark after the last digit ends the run, as it must:
        // Characters would fold it into the digit and hide a whole ID). Masking replaces byte for byte, so the text's
        // other bytes stay where they are; a text with nothing to mask (most details) comes back as is, uncopied.
        let masked: [UInt8]? = s.withBytes { b in
            var out: [UInt8]? = nil
            var i = 0
            while i < b.count {
                guard isRunByte(b[i]) else { i += 1; continue }
                let start = i
                while i < b.count, isRunByte(b[i]) { i += 1 }
                let length = i - start
                // Longer runs too: an ID glued to other digits (…0021 then a phone) must not slip through whole.
                let kept: (first: Int, last: Int)
                if length >= 18 { kept = (6, 4) } else if length == 15 { kept = (6, 3) }  // as `id(_:)`
                else if length == 11, b[start] == 0x31 { kept = (3, 4) }  // as `phone(_:)`
                else { continue }
                if out == nil { out = Array(b) }
                for j in (start + kept.first)..<(i - kept.last) { out![j] = 0x2A }
            }
            return out
        }
        guard let masked else { return s }
        return String(decoding: masked, as: UTF8.self)
    }

    /// `text` with each occurrence of `id` and of `phone` (or its first 40 characters, as details quote it) replaced
    /// by its masked form; values shorter than 4 characters are left (they would match anywhere). By bytes: a UTF-8
    /// sequence found in UTF-8 text always starts and ends on whole scalars (`String.replacing` was 100 instructions
    /// a byte, most of a night's masking).
    static func hiding(_ id: String, as maskedID: String, _ phone: String, as maskedPhone: String, in text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        for (value, masked) in [(id, maskedID), (String(phone.prefix(40)), String(maskedPhone.prefix(40)))] {
            let v = Array(value.utf8), m = Array(masked.utf8)
            guard v.count >= 4, v != m, v.count <= bytes.count else { continue }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0, found = false
            while i < bytes.count {
                if bytes[i] == v[0], i + v.count <= bytes.count, bytes[i..<(i + v.count)].elementsEqual(v) {
                    out += m
                    i += v.count
                    found = true
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            if found { bytes = out; changed = true }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    @inline(__always) private static func isRunByte(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || b == 0x58 }
}
