/// The message's `Date:`, made from the as-of day so that the same night gives the same message.
///
/// Plain arithmetic on the proleptic Gregorian calendar (days from civil, H. Hinnant) rather than
/// Foundation's Calendar, so that no time zone database or locale can change the output.
enum MessageDate {
    /// The hour (Asia/Shanghai) stamped on every message of a night: the morning after the import.
    static let hour = 8

    /// Days since 1970-01-01 for a `YYYY-MM-DD` text, or nil when it is not a real date.
    static func dayNumber(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...daysInMonth(y, m)).contains(d) else { return nil }
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `Sun, 29 Nov 2026 08:00:00 +0800` for `2026-11-29`, or nil when `asOf` is not a date.
    static func header(asOf: String) -> String? {
        guard let n = dayNumber(asOf) else { return nil }
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[((n % 7) + 7) % 7]
        let parts = asOf.split(separator: "-")
        let hh = hour < 10 ? "0\(hour)" : "\(hour)"
        return "\(weekday), \(Int(parts[2])!) \(months[Int(parts[1])! - 1]) \(parts[0]) \(hh):00:00 +0800"
    }
}
