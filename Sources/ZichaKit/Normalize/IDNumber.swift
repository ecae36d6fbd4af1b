/// A Chinese resident ID number (GB 11643-1999) as a roster or log gave it, cleaned and checked.
public struct IDNumber: Sendable, Equatable {
    /// Why an ID fails validation.
    public enum Problem: String, Sendable, Equatable {
        case badCharacter = "含非法字符"
        case length = "长度不是18位（或15位）"
        case province = "省份代码不存在"
        case date = "出生日期不存在"
        case futureDate = "出生日期晚于今天"
        case checkCharacter = "校验位错误"
        /// `4.20103E+17`: saved by Excel from a column not formatted as text; the number itself is gone.
        case scientificNotation = "被 Excel 存成了科学计数法，后几位已丢失（把该列设为文本格式后重新导出）"
    }

    /// The text as given, trimmed.
    public let raw: String
    /// Cleaned text: white space, dashes and invisible characters (`Text.isInvisible`: a zero-width joiner, a soft hyphen)
    /// removed, full-width folded, a character typed for X (`×`, `Ⅹ`) read as X, `x` → `X`; upgraded to 18 when it had 15 digits; any
    /// other character kept as it is (the ID is then invalid: `badCharacter`).
    public let normalized: String
    /// Whether cleaning changed more than surrounding white space (inner spaces, full-width, lowercase x).
    public let neededCleaning: Bool
    /// Whether the given number was a legacy 15-digit one.
    public let wasFifteen: Bool
    /// Why it is invalid; nil when valid.
    public let problem: Problem?

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [UInt8] = Array("10X98765432".utf8)
    /// Province codes of GB/T 2260 (the county part is never checked: codes change, people keep them).
    static let provinces: Set<Int> = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
                                      46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]
    /// `provinces` as a table by code 0…99: a lookup per ID without hashing.
    private static let isProvince: [Bool] = (0..<100).map { provinces.contains($0) }

    /// Cleans and validates `text`. `today` is `YYYYMMDD`, injectable so tests do not age.
    public init(_ text: String, today: Int) {
        let trimmed = Text.trimmed(text)
        raw = trimmed
        // Nearly every ID of a roster or log is already 18 digits (or 17 and X): checked in place, and the text
        // itself is the normalized form — no scalar walk, no byte array, no new string per ID.
        if let problem = trimmed.withBytes({ b -> Problem?? in
            guard b.count == 18, b[17] &- 0x30 < 10 || b[17] == 0x58 else { return nil }
            for i in 0..<17 where b[i] &- 0x30 >= 10 { return nil }
            return .some(IDNumber.validate18(b, today: today))
        }) {
            normalized = trimmed
            neededCleaning = false
            wasFifteen = false
            self.problem = problem
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(18)
        var cleaned = false
        var bad = false
        let hasLetters = trimmed.utf8.contains { (byte: UInt8) -> Bool in
            let lower = byte | 0x20
            return lower >= 0x61 && lower <= 0x7A && lower != 0x78
        }
        for scalar in Text.unmarkedNumber(trimmed).unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x30...0x39, 0x58: bytes.append(UInt8(v))
            case 0x78: bytes.append(0x58); cleaned = true
            case 0xFF10...0xFF19: bytes.append(UInt8(v - 0xFF10 + 0x30)); cleaned = true
            case 0xFF38, 0xFF58: bytes.append(0x58); cleaned = true
            // Characters typed for the X on other keyboards: × (U+00D7), the Roman numeral Ⅹ, Cyrillic Х and х. Read as
            // the X they stand for (ID_FORMAT says the ID needed cleaning): as 含非法字符, the student's own log rows,
            // written with X, were NOT_ON_ROSTER (an audit of lookalike text).
            case 0xD7, 0x2169, 0x425, 0x445: bytes.append(0x58); cleaned = true
            // Dashes between the groups of an ID typed as it is read (`110105-19900101-0029`, or with an en dash): the
            // student's log rows, written without them, were NOT_ON_ROSTER (an audit of the upgrade).
            // (Not in a text with other letters than X: `1.1E-17`'s minus is part of a number, and stays to be shown.)
            case 0x2D, 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D:
                if hasLetters { bad = true; bytes.append(contentsOf: String(scalar).utf8) } else { cleaned = true }
            default:
                // The character itself is kept, not a placeholder: two IDs wrong by different characters are
                // different IDs (no duplicate between them), and the office sees which character is wrong.
                if Text.isSpace(scalar) || Text.isInvisible(scalar) { cleaned = true } else { bad = true; bytes.append(contentsOf: String(scalar).utf8) }
            }
        }
        var problem: Problem? = nil
        var fifteen = false
        if bad {
            problem = Text.isScientificNotation(trimmed) ? .scientificNotation : .badCharacter
        } else if bytes.count == 15, !bytes.contains(0x58) {
            fifteen = true
            // Legacy numbers: 6-digit region, YYMMDD, 3-digit sequence. Born 19xx by definition of the old format —
            // except 00-02-29: 1900 was no leap year, so that date is 2000's (a student born then registering with
            // the 15-digit form, FAQ 8; the log's row must match them, not be set aside for a day that never was).
            let century: [UInt8] = bytes[6..<12].elementsEqual("000229".utf8) ? [0x32, 0x30] : [0x31, 0x39]
            bytes.insert(contentsOf: century, at: 6)
            bytes.append(bytes.withUnsafeBufferPointer { IDNumber.checkCharacter($0) })
        }
        if problem == nil { problem = bytes.withUnsafeBufferPointer { IDNumber.validate18($0, today: today) } }
        normalized = String(decoding: bytes, as: UTF8.self)
        neededCleaning = cleaned  // a legacy number's upgrade is no cleaning; its inner spaces or full-width digits are (found by an audit)
        wasFifteen = fifteen
        self.problem = problem
    }

    public var isValid: Bool { problem == nil }

    /// The 15-digit form of a valid 18-digit ID: without the century digits and the check character (FAQ 8).
    public static func fifteenForm(of id18: String) -> String? {
        // Read in place and written into the new string's own storage (15 bytes: a small string, no allocation):
        // every roster row stores it and hashes it.
        id18.withBytes { b in
            guard b.count == 18 else { return nil }
            return String(unsafeUninitializedCapacity: 15) { out in
                for i in 0..<6 { out[i] = b[i] }
                for i in 8..<17 { out[i - 2] = b[i] }
                return 15
            }
        }
    }

    /// Upgrades a 15-digit number to 18 with the given century (19 or 20).
    public static func upgrade(_ id15: String, century: Int) -> String {
        var b = Array(id15.utf8)
        guard b.count == 15 else { return id15 }
        b.insert(contentsOf: Array(String(century).utf8), at: 6)
        b.append(b.withUnsafeBufferPointer { checkCharacter($0) })
        return String(decoding: b, as: UTF8.self)
    }

    /// ISO 7064 MOD 11-2 check character of the first 17 digits.
    static func checkCharacter(_ b: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += Int(b[i] &- 0x30) * weights[i] }
        return checkCharacters[sum % 11]
    }

    static func validate18(_ b: UnsafeBufferPointer<UInt8>, today: Int) -> Problem? {
        guard b.count == 18 else { return .length }
        for i in 0..<17 where !(0x30...0x39).contains(b[i]) { return .badCharacter }
        guard (0x30...0x39).contains(b[17]) || b[17] == 0x58 else { return .badCharacter }
        func digits(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
        if !isProvince[digits(0..<2)] { return .province }
        let year = digits(6..<10), month = digits(10..<12), day = digits(12..<14)
        guard year >= 1900, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return .date }
        if year * 10000 + month * 100 + day > today { return .futureDate }
        if checkCharacter(b) != b[17] { return .checkCharacter }
        return nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
