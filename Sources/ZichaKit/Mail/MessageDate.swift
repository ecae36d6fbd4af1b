/// The message's `Date:`, made from the as-of day so that the same night gives the same message.
///
/// Plain arithmetic on the proleptic Gregorian calendar (days from civil, H. Hinnant) rather than
/// Foundation's Calendar, so that no time zone database or locale can change the output.
enum MessageDate {
    /// The hour (Asia/Shanghai) stamped on every message of a night: the start of its day. A nightly run from cron
    /// (after midnight, as of today) sends messages dated a few hours back, never ahead: mail dated in the future is
    /// scored as spam (SpamAssassin's DATE_IN_FUTURE rules), and 08:00 put a 02:00 run's messages six hours ahead.
    static let hour = 0

    /// `Sun, 29 Nov 2026 00:00:00 +0800` for `2026-11-29`, or nil when `asOf` is not a date.
    static func header(asOf: String) -> String? {
        guard let n = EventTime.dayNumber(asOf) else { return nil }
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[((n % 7) + 7) % 7]
        let parts = asOf.split(separator: "-")
        let hh = hour < 10 ? "0\(hour)" : "\(hour)"
        return "\(weekday), \(Int(parts[2])!) \(months[Int(parts[1])! - 1]) \(parts[0]) \(hh):00:00 +0800"
    }
}
