/// Log times in Asia/Shanghai wall-clock seconds since 1970-01-01 00:00 (no time zone arithmetic needed
/// for local times; offsets in ISO 8601 times are converted to +08:00).
public enum EventTime {
    /// Parses `YYYY-MM-DD HH:MM[:SS]`, `YYYY/MM/DD …`, `YYYY.MM.DD …`, `YYYY年M月D日[ ]HH:MM[:SS]`, ISO 8601 (`T`,
    /// fractions, `Z` or `±HH:MM`), or a date alone (midnight). Returns nil for anything else.
    /// A space of another kind inside the cell (full-width, no-break, a tab between date and time) counts as a space;
    /// a line break or a zero-width character does not.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = Text.trimmed(text)
        if let parsed = trimmed.withBytes(parse) { return parsed }  // the string's own bytes: no array per event of a log
        guard trimmed.unicodeScalars.contains(where: isOtherSpace) else { return nil }
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.map { isOtherSpace($0) ? " " : $0 })).withBytes(parse)
    }

    /// A tab, or a Unicode space wider than nothing that is not ASCII's.
    private static func isOtherSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var v = 0
            for k in i..<(i + count) {
                guard (0x30...0x39).contains(b[k]) else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            i += count
            return v
        }
        func numberUpTo2() -> Int? {  // 1 or 2 digits (2024/9/3 9:05)
            guard i < b.count, (0x30...0x39).contains(b[i]) else { return nil }
            var v = Int(b[i] - 0x30); i += 1
            if i < b.count, (0x30...0x39).contains(b[i]) { v = v * 10 + Int(b[i] - 0x30); i += 1 }
            return v
        }
        func skip(_ word: [UInt8]) -> Bool {  // a Chinese date's 年, 月 or 日
            guard i + word.count <= b.count, b[i..<(i + word.count)].elementsEqual(word) else { return false }
            i += word.count
            return true
        }
        guard let year = number(4), i < b.count else { return nil }
        let month: Int, day: Int
        var basic = false  // ISO 8601's basic format: 20261127T100000+0800
        if (0x30...0x39).contains(b[i]) {  // with its time only: eight digits alone may be any number
            guard let m = number(2), let d = number(2), i < b.count else { return nil }
            month = m; day = d; basic = true
        } else if skip(Self.nian) {  // 2024年9月3日, as Chinese spreadsheets write dates
            guard let m = numberUpTo2(), skip(Self.yue), let d = numberUpTo2(), skip(Self.ri) else { return nil }
            month = m; day = d
        } else {
            guard b[i] == 0x2D || b[i] == 0x2F || b[i] == 0x2E else { return nil }  // - / .
            let sep = b[i]; i += 1
            guard let m = numberUpTo2(), i < b.count, b[i] == sep else { return nil }
            i += 1
            guard let d = numberUpTo2() else { return nil }
            month = m; day = d
        }
        guard (1...12).contains(month), day >= 1, day <= IDNumber.daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0, offsetMinutes = 8 * 60
        if i < b.count {
            var hasSeconds = false
            let isT = b[i] == 0x54 || b[i] == 0x74  // T, or RFC 3339's t
            if basic {
                // hhmm[ss[.fff]]: no colons in the basic format
                guard isT else { return nil }
                i += 1
                guard let h = number(2), let m = number(2) else { return nil }
                hour = h; minute = m
                if i < b.count, (0x30...0x39).contains(b[i]) {
                    guard let s = number(2) else { return nil }
                    second = s; hasSeconds = true
                }
            } else {
                guard b[i] == 0x20 || isT || (b[i - 1] == Self.ri.last && (0x30...0x39).contains(b[i])) else { return nil }
                while i < b.count, b[i] == 0x20 { i += 1 }
                if i < b.count, b[i] == 0x54 || b[i] == 0x74 { i += 1 }  // `2026-11-27 T10:00` too, as before
                guard let h = numberUpTo2(), i < b.count, b[i] == 0x3A else { return nil }
                i += 1
                guard let m = number(2) else { return nil }
                hour = h; minute = m
                if i < b.count, b[i] == 0x3A {
                    i += 1
                    guard let s = number(2) else { return nil }
                    second = s; hasSeconds = true
                }
            }
            if hasSeconds, i + 1 < b.count, b[i] == 0x2E || b[i] == 0x2C, (0x30...0x39).contains(b[i + 1]) {  // a fraction of the second
                i += 1
                while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            }
            while i < b.count, b[i] == 0x20 { i += 1 }
            if i < b.count {
                if b[i] == 0x5A || b[i] == 0x7A, i + 1 == b.count { offsetMinutes = 0; i += 1 }  // Z, or RFC 3339's z
                else if b[i] == 0x2B || b[i] == 0x2D {
                    let sign = b[i] == 0x2D ? -1 : 1
                    i += 1
                    guard let oh = number(2) else { return nil }
                    if i < b.count, b[i] == 0x3A { i += 1 }
                    let om = i < b.count ? (number(2) ?? -1) : 0
                    // Offsets run from -12:00 to +14:00: `+25:00` or `+99:99` is no time (an audit found them applied).
                    guard om >= 0, om < 60, oh <= 14 else { return nil }
                    offsetMinutes = sign * (oh * 60 + om)
                }
                guard i == b.count else { return nil }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            // A leap second (`23:59:60`, which ISO 8601 allows) is the last second of its minute: counted as the next
            // minute's first, it moved a check at 23:59:60 into the next night.
            second = min(second, 59)
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) + Int64((8 * 60 - offsetMinutes) * 60)
    }

    private static let nian = Array("年".utf8), yue = Array("月".utf8), ri = Array("日".utf8)

    /// Whether a time cell says "no time" the way exports do (`Text.meansNone`: a dash, a slash, 无, N/A, null) rather
    /// than being empty: a status export often fills the 自查时间 of students who never checked so. Such a row is a
    /// row without a time (SPEC: it takes the night's as-of time), not a bad row.
    public static func meansNone(_ text: String) -> Bool { Text.meansNone(text) }

    /// The time of a log with two time columns (日期, 时间): a date and a time of day are joined (`2026-11-19` and
    /// `09:00` → `2026-11-19 09:00`); a whole time in either is taken as it is, the first's before the second's; an
    /// empty one gives the other. Anything else is joined, so that the row is set aside showing both.
    public static func joined(_ first: String, _ second: String) -> String {
        if second.isEmpty || meansNone(second) { return first }
        if first.isEmpty || meansNone(first) { return second }
        let firstIsWhole = first.contains(":"), secondIsWhole = second.contains(":") && parse(second) != nil
        if firstIsWhole { return first }
        if secondIsWhole { return second }
        return first + " " + second
    }

    /// Midnight of a `YYYY-MM-DD` day.
    public static func startOfDay(_ day: String) -> Int64? { parse(day) }

    /// The first second after the day `YYYY-MM-DD`; for a day that does not parse, the end of time (nothing is after it).
    public static func endOfDay(_ day: String) -> Int64 { parse(day).map { $0 + 86_400 } ?? .max }

    /// `YYYY-MM-DD HH:MM:SS` of a stored time.
    public static func format(_ t: Int64) -> String {
        let days = Int(t >= 0 ? t / 86400 : (t - 86399) / 86400)
        let secs = Int(t - Int64(days) * 86400)
        let (y, m, d) = civilFromDays(days)
        return four(y) + "-" + two(m) + "-" + two(d) + " " + two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60)
    }

    /// Days since 1970-01-01 of a strict `YYYY-MM-DD` day, or nil when it is not a real date. The one home of
    /// civil-day arithmetic (H. Hinnant's algorithms): reports, mail and workbooks use it, no time zone involved.
    public static func dayNumber(_ day: String) -> Int? {
        let b = Array(day.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D,
              b.indices.allSatisfy({ $0 == 4 || $0 == 7 || (0x30...0x39).contains(b[$0]) }), let t = parse(day) else { return nil }
        return Int(t / 86400)
    }

    /// `YYYY-MM-DD` of a day count since 1970-01-01.
    public static func day(daysSince1970 n: Int) -> String {
        let (y, m, d) = civilFromDays(n)
        return four(y) + "-" + two(m) + "-" + two(d)
    }

    /// Days from `a` to `b` (negative when `b` is earlier), or nil when either is not a `YYYY-MM-DD` day.
    public static func daysBetween(_ a: String, _ b: String) -> Int? {
        guard let da = dayNumber(a), let db = dayNumber(b) else { return nil }
        return db - da
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private static func four(_ v: Int) -> String { let d = "\(v)"; return String(repeating: "0", count: max(0, 4 - d.count)) + d }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

