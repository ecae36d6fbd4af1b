/// A phone number cleaned for comparison: spaces (any width), dashes, parentheses, invisible characters, a tool's marks on a number (`'…`, `….0`: see
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
            // The other dashes (U+2010–2015, the minus sign), and any white space or invisible character (a thin space or
            // a zero-width space copied from a web page): the ID's cleaner drops them too, and an audit found
            // `139\u{2009}0027\u{2009}9999` PHONE_INVALID though it reads as a mobile, and not a duplicate of the same number.
            case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63: continue
            case _ where v >= 0x80 && (Text.isSpace(u) || Text.isInvisible(u)): continue
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
