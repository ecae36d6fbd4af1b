import Foundation

/// White space and width folding shared by every normalizer and the header matcher.
public enum Text {
    /// Whether a cell says "none" the way exports fill an empty one — a dash, a slash, 无, 暂无, N/A, null — rather
    /// than being empty: a time so written is no time, a phone no phone.
    public static func meansNone(_ text: String) -> Bool {
        noneWords.contains(trimmed(text).lowercased())
    }

    private static let noneWords: Set<String> = ["-", "--", "---", "—", "——", "/", "无", "空", "暂无", "n/a", "na", "null", "none"]

    /// The bidi controls (U+202A–202E, U+2066–2069, U+200E, U+200F, U+061C): text from the inputs holding one can
    /// reverse a line where it is shown, so every report and message shows them as marks.
    static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// The C0 and C1 controls (U+0000–001F, U+007F–009F), tab and line breaks among them.
    static func isC0C1Control(_ v: UInt32) -> Bool { v < 0x20 || (0x7F...0x9F).contains(v) }

    /// The visible mark that stands for a character shown inert (a bidi or other control): `[U+202E]`, `[U+061C]` —
    /// at least four hex digits, as Unicode writes code points; the same in every report and mail (terminal
    /// messages write `\u{1B}` instead, as Swift does: `StandardError`).
    static func mark(_ v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        return "[U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
    }

    /// ASCII white space, NBSP, the ideographic space U+3000 and other Unicode spaces.
    @inline(__always)
    public static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// A character that shows nothing and means nothing in a name or a number (Unicode's default-ignorable code points:
    /// soft hyphen U+00AD, zero-width joiners and spaces, word joiner U+2060, variation selectors, bidi marks, tags…):
    /// copied in from web pages and PDFs, it made one name two (`张\u{200D}伟` against 张伟) and one phone invalid.
    @inline(__always)
    public static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0xAD && s.properties.isDefaultIgnorableCodePoint
    }

    /// `s` in Unicode's compatibility composed form (NFKC), without invisible characters (`isInvisible`): a name or a
    /// college or class name as one spelling however it was typed or copied — a decomposed `Lu\u{0308}` is `Lü`, the
    /// compatibility ideograph U+F90F is 羅 (so OpenCC sees a traditional character it does not know in that form),
    /// the Kangxi radical ⼈ (U+2F08, from a PDF) is 人, full-width `Ｌｉ` is `Li`. The same string, uncopied, when every
    /// scalar is ASCII or a CJK unified ideograph of U+4000…U+9FFF, which the form never changes (nearly every cell).
    public static func compatibilityForm(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value >= 0x80 && !(0x4000...0x9FFF).contains($0.value) }) else { return s }
        // Foundation's NFKC (ICU's tables): writing Unicode's decomposition and composition tables again is not zicha's job.
        let form = s.precomposedStringWithCompatibilityMapping
        guard form.unicodeScalars.contains(where: isInvisible) else { return form }
        return String(String.UnicodeScalarView(form.unicodeScalars.filter { !isInvisible($0) }))
    }

    /// Whether the UTF-8 lead byte `c` starts a scalar `compatibilityForm` may change: any but ASCII and E4–E9
    /// (U+4000…U+9FFF, the CJK unified ideographs names are written in). Continuation bytes are never asked.
    @inline(__always)
    static func mayLeadCompatibilityChange(_ c: UInt8) -> Bool { c >= 0xC0 && (c < 0xE4 || c > 0xE9) }

    /// Trims surrounding white space (ASCII, full-width and ideographic). Returns the same string when clean.
    public static func trimmed(_ s: String) -> String {
        // Fast path by bytes: most cells start and end with a character that cannot be a space.
        let clean = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard let first = b.first else { return true }
            var last = b.count - 1
            while last > 0, b[last] & 0xC0 == 0x80 { last -= 1 }  // back to the lead byte of the last character
            return cannotLeadSpace(first) && cannotLeadSpace(b[last])
        } ?? false
        if clean { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return s }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// False for the UTF-8 lead bytes of the characters `isSpace` accepts: ASCII controls and space, C2 (U+0085,
    /// U+00A0), E1 (U+1680), E2 (U+2000…U+205F), E3 (U+3000), EF (U+FEFF).
    @inline(__always)
    static func cannotLeadSpace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0xC2, 0xE1, 0xE2, 0xE3, 0xEF: return false
        default: return true
        }
    }

    /// A number as written, without the marks tools put on it: a leading `'` (a spreadsheet's text prefix,
    /// `'420102200703150113`) and a trailing `.0` after digits (a column read as decimals and written back,
    /// `13800138000.0`). Only for fields that are numbers written as text: IDs, 考生号, 学号, phones.
    public static func unmarkedNumber(_ s: String) -> String {
        // By bytes, without a copy when there is no mark: it runs on every ID, 考生号 and phone of an import.
        s.withBytes { b -> String in
            var start = 0, end = b.count
            if end > 1, b[0] == 0x27 { start = 1 }
            if end - start > 2, b[end - 1] == 0x30, b[end - 2] == 0x2E, b[start..<(end - 2)].allSatisfy({ (0x30...0x39).contains($0) }) {
                end -= 2
            }
            return start == 0 && end == b.count ? s : String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        }
    }

    /// Whether `s` is a number in scientific notation, `4.20103E+17` or `1.38E+10`: what Excel writes into a CSV (and
    /// shows) for a long number in a column not formatted as text. The digits past the first 15 are lost for good.
    public static func isScientificNotation(_ s: String) -> Bool {
        trimmed(s).withBytes { b in  // no copy: it runs on every roster row's 考生号
            var i = 0
            func digits() -> Int { let start = i; while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }; return i - start }
            guard digits() >= 1 else { return false }
            if i < b.count, b[i] == 0x2E { i += 1; guard digits() >= 1 else { return false } }
            guard i < b.count, b[i] == 0x45 || b[i] == 0x65 else { return false }
            i += 1
            if i < b.count, b[i] == 0x2B { i += 1 }
            return digits() >= 1 && i == b.count
        }
    }

    /// Byte equality (no Unicode canonical equivalence: a label read from a file against one seen before).
    @inline(__always)
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.withBytes { x in b.withBytes { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }

    /// Whether `text` holds `part`, compared by bytes: exact for UTF-8, whose characters never start inside
    /// another's bytes, and without Foundation's per-call string search (a log has millions of details).
    static func contains(_ text: String, _ part: String) -> Bool {
        text.withBytes { t in
            part.withBytes { p in
                guard let first = p.first else { return true }
                guard t.count >= p.count else { return false }
                for i in 0...(t.count - p.count) where t[i] == first {
                    if memcmp(t.baseAddress! + i, p.baseAddress!, p.count) == 0 { return true }
                }
                return false
            }
        }
    }

    /// The text after the first `label` in `text`, up to the next `;` or the end (nil without `label`): a field of
    /// a detail such as `身份证号: …; 姓名: 王芳; 记录数: 3`. By bytes, like `contains`: Foundation's
    /// `components(separatedBy:)` took 4 % of a 100k night for the report's list of IDs not on the roster.
    static func field(_ text: String, after label: String) -> String? {
        text.withBytes { t in
            label.withBytes { l -> String? in
                guard let first = l.first, t.count >= l.count else { return nil }
                for i in 0...(t.count - l.count) where t[i] == first && memcmp(t.baseAddress! + i, l.baseAddress!, l.count) == 0 {
                    let start = i + l.count
                    let end = t[start...].firstIndex(of: UInt8(ascii: ";")) ?? t.count
                    return String(decoding: UnsafeBufferPointer(rebasing: t[start..<end]), as: UTF8.self)
                }
                return nil
            }
        }
    }

    /// The text without any white space or invisible character (a key such as 考生号 typed with spaces, or copied with
    /// a zero-width joiner). The same string when it has none.
    public static func removingSpaces(_ s: String) -> String {
        // Printable ASCII (every 考生号 and 学号 a roster gives): nothing to remove, settled by one pass over the bytes.
        if s.utf8.withContiguousStorageIfAvailable({ b in b.allSatisfy { $0 > 0x20 && $0 < 0x7F } }) == true { return s }
        func blank(_ u: Unicode.Scalar) -> Bool { isSpace(u) || isInvisible(u) }
        guard s.unicodeScalars.contains(where: blank) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { !blank($0) }))
    }

    /// Full-width ASCII (U+FF01…U+FF5E) to half-width, U+3000 to a space.
    public static func halfWidth(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value >= 0xFF01 && $0.value <= 0xFF5E || $0.value == 0x3000 }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0xFF01 && u.value <= 0xFF5E { out.append(Unicode.Scalar(u.value - 0xFEE0)!) }
            else if u.value == 0x3000 { out.append(" ") }
            else { out.append(u) }
        }
        return String(out)
    }

    /// A college or class name as one spelling: in its compatibility form (`compatibilityForm`: half-width letters,
    /// digits and signs, U+3000 a space, composed, no invisible characters), trimmed,
    /// and inner white space removed except one space between two ASCII letters or digits (`Class A`, `CS 2602`; `1 12`
    /// and `11 2` stay two classes). An export that
    /// wrote `计科　2601` for some students and `计科2601` for others split one class in two, and the counselor list's
    /// `计科2601` missed the first. The same string when there is nothing to fold (nearly every cell: a byte scan).
    public static func unitName(_ s: String) -> String {
        let clean = s.utf8.withContiguousStorageIfAvailable { b in b.allSatisfy { unitNameKeeps[Int($0)] } } ?? false
        if clean { return s }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        // The compatibility form folds the full-width forms and U+3000 as `halfWidth` does, and more: a decomposed
        // `Français` and the precomposed one, or a Kangxi radical copied from a PDF (`⾦融学院`), are one name.
        for u in compatibilityForm(s).unicodeScalars {
            if isSpace(u) { pendingSpace = !out.isEmpty; continue }
            if pendingSpace, let before = out.last, isASCIIAlphanumeric(before), isASCIIAlphanumeric(u) { out.append(" ") }
            pendingSpace = false
            out.append(u)
        }
        return String(out)
    }

    /// By byte: false where `unitName` may change the text (a byte that can lead a space, or a character the
    /// compatibility form changes). One table lookup a byte: every student's college and class are read so.
    private static let unitNameKeeps: [Bool] = (0...255).map { b in cannotLeadSpace(UInt8(b)) && !mayLeadCompatibilityChange(UInt8(b)) }

    private static func isASCIIAlphanumeric(_ u: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u)
    }

    /// A header cell folded for matching: in its compatibility form (half-width, a Kangxi radical copied from a PDF its
    /// character, no invisible character), lowercased, white space removed, without a trailing colon (`身份证号：`).
    public static func headerKey(_ s: String) -> String {
        var key = String(String.UnicodeScalarView(compatibilityForm(s).unicodeScalars.filter { !isSpace($0) })).lowercased()
        while key.utf8.last == 0x3A { key.removeLast() }
        return key
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes, in place. `withUTF8` is mutating, so calling it on a value
    /// meant a copy — a retain and a release of the string's storage — for every cell bound, hashed or written;
    /// a native string (every string zicha makes) is always contiguous, and only a foreign one is copied.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

/// A string as a dictionary key, hashed and compared by its UTF-8 bytes, as SQLite's BINARY collation compares text:
/// `String`'s own hashing and equality go through the NFC form, scalar by scalar, which for Chinese text costs more
/// than the work around it (a remedy paragraph written out inline, a class name looked up for every student).
struct ExactText: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: ExactText, b: ExactText) -> Bool { Text.sameBytes(a.text, b.text) }

    func hash(into hasher: inout Hasher) {
        text.withBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
