/// A phone number cleaned for comparison: spaces, dashes, parentheses, a tool's marks on a number (`'…`, `….0`: see
/// `Text.unmarkedNumber`) and a leading +86 / 0086 / 86 removed. A placeholder (`无`, `-`, `N/A`) is no phone.
public struct PhoneNumber: Sendable, Equatable {
    /// The text as given, trimmed.
    public let raw: String
    /// The cleaned digits (or the cleaned text when it is not all digits).
    public let normalized: String
    /// Whether it is a mainland mobile: 11 digits starting 1[3-9].
    public let isMobile: Bool

    public init(_ text: String) {
        let trimmed = Text.trimmed(text)
        // A dash, 无 or N/A where the export had no phone is no phone (no PHONE_INVALID); looked for only when the
        // cell does not start with a digit.
        let first = trimmed.utf8.first ?? 0x30
        raw = (first >= 0x30 && first <= 0x39) || first == 0x2B || !Text.meansNone(trimmed) ? trimmed : ""
        var b: [UInt8] = []
        b.reserveCapacity(16)
        for u in Text.unmarkedNumber(raw).unicodeScalars {
            var v = u.value
            if v >= 0xFF01 && v <= 0xFF5E { v -= 0xFEE0 }  // full-width digits and signs
            switch v {
            case 0x20, 0x2D, 0x28, 0x29, 0x2E, 0x3000, 0x09, 0xA0: continue  // space - ( ) .
            default:
                if v < 0x80 { b.append(UInt8(v)) } else { b.append(0x3F) }
            }
        }
        if b.starts(with: Array("+86".utf8)) { b.removeFirst(3) }
        else if b.starts(with: Array("0086".utf8)) { b.removeFirst(4) }
        else if b.count == 13, b.starts(with: Array("86".utf8)) { b.removeFirst(2) }
        normalized = String(decoding: b, as: UTF8.self)
        isMobile = b.count == 11 && b[0] == 0x31 && (0x33...0x39).contains(b[1]) && b.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Whether a phone was given at all.
    public var isEmpty: Bool { raw.isEmpty }
}
