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

    /// Masks every ID and mobile inside a free text (finding details, log remarks), as `id(_:)` and `phone(_:)` mask the
    /// columns: runs of digits (ASCII or full-width, an ID's last character X or x) of an ID's or a mobile's length — 18
    /// or more, 15, 11 starting with 1, or a mobile after its country code (`86…`, `0086…`, after a `+` or not) — and the
    /// same written in the groups people type, separated by single spaces, hyphens or dots (half or full width, and the
    /// other Unicode spaces and dashes; an invisible character joins two groups into one: `separatorLength`): a mobile
    /// 3-4-4, an ID 6-8-4, 6-4-4-4 or 6-6-3, a country code before a mobile. Groups of other shapes are left as they
    /// are (a 考生号 and a grade, a landline and its extension, a date). Each hidden digit becomes one `*`.
    public static func text(_ s: String) -> String {
        // By bytes: the run's characters are ASCII or three-byte full-width forms, and in UTF-8 such a sequence is always
        // a whole scalar, so a byte run of them is exactly a scalar run (a combining mark after the last digit ends the
        // run, as it must: Characters would fold it into the digit and hide a whole ID). A text with nothing to mask
        // (most details) comes back as is, uncopied. (Found by audits: grouped, full-width, lower-case-x IDs and +86
        // mobiles typed into a log's remarks reached the counselors whole; then a first reading that merged any groups
        // mangled 考生号, landlines and dates, and an x after a mobile hid it from the mask.)
        let masked: [UInt8]? = s.withBytes { b in
            var hidden: [(start: Int, length: Int)] = []
            var units: [(start: Int, length: Int, digit: UInt8)] = []
            var groupEnds: [Int] = []
            var i = 0
            while i < b.count {
                guard var unit = runUnit(b, i, allowX: false) else { i += 1; continue }
                units.removeAll(keepingCapacity: true)
                groupEnds.removeAll(keepingCapacity: true)
                var at = i, groupStart = 0
                while true {
                    units.append((at, unit.length, unit.digit))
                    at += unit.length
                    if unit.digit == 0x58 { break }  // an ID's last character
                    // X as the 18th character of the run (an ID typed in groups) or of its group (an ID after other digits)
                    if let next = runUnit(b, at, allowX: units.count == 17 || units.count - groupStart == 17) { unit = next; continue }
                    if let gap = separatorLength(b, at), let next = runUnit(b, at + gap.length, allowX: units.count == 17) {
                        if !gap.joins {
                            groupEnds.append(units.count)
                            groupStart = units.count
                        }
                        unit = next
                        at += gap.length
                        continue
                    }
                    break
                }
                groupEnds.append(units.count)
                i = at
                guard units.count >= 11 else { continue }  // no ID or mobile is shorter
                let digits = units.map(\.digit)
                var lengths: [Int] = []
                var from = 0
                for end in groupEnds { lengths.append(end - from); from = end }
                var g = 0, first = 0  // the group, and its first unit
                while g < lengths.count {
                    let found = groupedSpan(lengths[g...], digits[first...])
                        ?? hiddenSpan(digits[first..<(first + lengths[g])]).map { (groups: 1, first: $0.first, last: $0.last) }
                    let taken = found?.groups ?? 1
                    let end = first + lengths[g..<(g + taken)].reduce(0, +)
                    if let found {
                        for k in (first + found.first)..<(end - found.last) { hidden.append((units[k].start, units[k].length)) }
                    }
                    g += taken
                    first = end
                }
            }
            guard !hidden.isEmpty else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var from = 0
            for h in hidden {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[from..<h.start]))
                out.append(0x2A)
                from = h.start + h.length
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[from...]))
            return out
        }
        guard let masked else { return s }
        return String(decoding: masked, as: UTF8.self)
    }

    /// How many digits to keep at each end of a run of `digits` (ASCII, X upper-case) written without separators that is
    /// an ID or a mobile, as `id(_:)` and `phone(_:)` keep them; nil when it is neither.
    static func hiddenSpan(_ digits: ArraySlice<UInt8>) -> (first: Int, last: Int)? {
        let n = digits.count
        func starts(_ prefix: StaticString) -> Bool {
            prefix.withUTF8Buffer { p in n >= p.count && digits.prefix(p.count).elementsEqual(p) }
        }
        if n >= 18 { return (6, 4) }  // longer too: an ID glued to other digits (…0021 then a phone) must not slip through whole
        if n == 15 { return starts("00861") ? (7, 4) : (6, 3) }  // 0086 and a mobile; or a 15-digit ID
        if n == 13, starts("861") { return (5, 4) }
        if n == 11, starts("1") { return (3, 4) }
        return nil
    }

    /// The typed shapes of an ID or a mobile in groups: the group lengths, and the digits the first group starts with.
    private static let shapes: [(lengths: [Int], prefix: [UInt8], first: Int, last: Int)] = [
        ([4, 3, 4, 4], Array("00861".utf8), 7, 4), ([2, 3, 4, 4], Array("861".utf8), 5, 4), ([4, 11], Array("00861".utf8), 7, 4),
        ([2, 11], Array("861".utf8), 5, 4), ([3, 4, 4], Array("1".utf8), 3, 4), ([6, 8, 4], [], 6, 4), ([6, 4, 4, 4], [], 6, 4),
        ([6, 6, 3], [], 6, 3),
    ]

    /// The typed shape the groups `lengths` (with their `digits`) start with, if any: how many groups it takes, and the
    /// digits kept at each end.
    static func groupedSpan(_ lengths: ArraySlice<Int>, _ digits: ArraySlice<UInt8>) -> (groups: Int, first: Int, last: Int)? {
        for shape in shapes where lengths.count >= shape.lengths.count && lengths.prefix(shape.lengths.count).elementsEqual(shape.lengths) {
            guard digits.starts(with: shape.prefix) else { continue }
            let total = shape.lengths.reduce(0, +)
            // Only an ID ends in X, and only an 18-character one.
            if digits[digits.startIndex..<(digits.startIndex + total)].dropLast().contains(0x58) || (digits[digits.startIndex + total - 1] == 0x58 && total != 18) { continue }
            return (shape.lengths.count, shape.first, shape.last)
        }
        return nil
    }

    /// The byte length of a separator inside a grouped number at `i`: a space, a hyphen or a dot, half or full width,
    /// and the other spaces and dashes text copied from a web page puts between groups (NBSP, a thin space, an en dash:
    /// an audit found `139\u{00A0}1234\u{00A0}5602` shown whole to counselors); or an invisible character (a zero-width
    /// space or joiner, a soft hyphen, a word joiner, a direction mark, U+FEFF), which `joins` the digits on each side
    /// into one group, as the number reads.
    @inline(__always) private static func separatorLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (length: Int, joins: Bool)? {
        guard i < b.count else { return nil }
        if b[i] == 0x20 || b[i] == 0x2D || b[i] == 0x2E { return (1, false) }
        guard i + 1 < b.count else { return nil }
        if b[i] == 0xC2, b[i + 1] == 0xA0 { return (2, false) }  // NBSP
        if b[i] == 0xC2, b[i + 1] == 0xAD { return (2, true) }  // soft hyphen
        guard i + 2 < b.count else { return nil }
        switch (b[i], b[i + 1], b[i + 2]) {
        case (0xE2, 0x80, 0x80...0x8A), (0xE2, 0x80, 0x90...0x95),  // U+2000–200A spaces, U+2010–2015 dashes
             (0xE2, 0x80, 0xAF), (0xE2, 0x81, 0x9F), (0xE2, 0x88, 0x92),  // U+202F, U+205F, minus sign
             (0xE3, 0x80, 0x80), (0xEF, 0xBC, 0x8D), (0xEF, 0xBC, 0x8E):  // U+3000, －, ．
            return (3, false)
        case (0xE2, 0x80, 0x8B...0x8F), (0xE2, 0x81, 0xA0), (0xEF, 0xBB, 0xBF):  // U+200B–200F, word joiner, U+FEFF
            return (3, true)
        default:
            return nil
        }
    }

    /// The digit (ASCII) and byte length of the run character at `i`: 0-9 or its full-width form, and with `allowX` (the
    /// 18th character of an ID) X or x in either width, as X, or a character typed for it (× U+00D7, Ⅹ U+2169, Cyrillic
    /// Х and х: an ID ending in × was shown with 17 digits).
    @inline(__always) private static func runUnit(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, allowX: Bool) -> (digit: UInt8, length: Int)? {
        guard i < b.count else { return nil }
        let c = b[i]
        if c >= 0x30 && c <= 0x39 { return (c, 1) }
        if c == 0x58 || c == 0x78 { return allowX ? (0x58, 1) : nil }
        if allowX, i + 1 < b.count, (c, b[i + 1]) == (0xC3, 0x97) || (c, b[i + 1]) == (0xD0, 0xA5) || (c, b[i + 1]) == (0xD1, 0x85) {
            return (0x58, 2)
        }
        if allowX, c == 0xE2, i + 2 < b.count, b[i + 1] == 0x85, b[i + 2] == 0xA9 { return (0x58, 3) }
        guard c == 0xEF, i + 2 < b.count else { return nil }
        if b[i + 1] == 0xBC {
            if b[i + 2] >= 0x90 && b[i + 2] <= 0x99 { return (b[i + 2] - 0x90 + 0x30, 3) }  // ０-９
            if b[i + 2] == 0xB8 { return allowX ? (0x58, 3) : nil }  // Ｘ
        } else if b[i + 1] == 0xBD, b[i + 2] == 0x98 {
            return allowX ? (0x58, 3) : nil  // ｘ
        }
        return nil
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
}
