/// Excel date serials and date formats. Dates are numbers of days since an epoch, styled by a
/// number format; we decide from the format whether a number is a date and print it as ISO text.
enum XLSXDate {
    /// Built-in number formats that are dates or times: 14–22 and 45–47 everywhere, and the
    /// East-Asian ones (27–36, 50–58: `yyyy"年"m"月"d"日"` and friends) Chinese Excel and WPS use.
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id)
    }

    /// Whether a custom format code shows a date or time: it has y, m, d, h or s outside quoted
    /// text, escapes and `[Red]`-style brackets (but `[h]` elapsed-time brackets count).
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false, bracket = ""
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(bracket) { return true }
                } else { bracket.append(ch) }
                continue
            }
            switch ch {
            case "\\", "_", "*": escaped = true
            case "\"": inQuote = true
            case "[": inBracket = true; bracket = ""
            case "y", "m", "d", "h", "s": return true
            case ";": return false  // the positive section decides
            default: continue
            }
        }
        return false
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, or `HH:MM:SS` for a time alone; nil if out of range.
    static func text(serial: Double, date1904: Bool) -> String? {
        guard serial >= 0, serial < 2_958_466 else { return nil }  // Excel stops at 9999-12-31
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds == 86_400 { days += 1; seconds = 0 }
        let time = String(format2: seconds / 3600) + ":" + String(format2: seconds / 60 % 60) + ":"
            + String(format2: seconds % 60)
        // Day 0 is no date (Excel shows 1900-01-00): a time of day, midnight included (a 时间 cell of 00:00:00 holds 0;
        // found by an audit: its row was set aside). In the 1904 system day 0 is 1904-01-01.
        if days == 0, seconds > 0 || !date1904 { return time }
        let date: String
        if date1904 {
            date = civil(daysSince1970: days - 24_107)
        } else if days == 60 {
            date = "1900-02-29"  // Lotus 1-2-3's leap-year bug, kept by Excel: this day does not exist
        } else {
            date = civil(daysSince1970: days - (days < 60 ? 25_568 : 25_569))
        }
        return seconds == 0 ? date : date + " " + time
    }

    /// An ISO 8601 cell (`t="d"`): `2024-09-01T00:00:00` → `2024-09-01`, keeping a time if any.
    static func text(iso: String) -> String {
        let parts = iso.split(separator: "T", maxSplits: 1)
        guard parts.count == 2 else { return iso }
        var time = parts[1].prefix(8)
        if time.hasPrefix("00:00:00") || time.hasPrefix("00:00") && time.count == 5 { return String(parts[0]) }
        if time.count == 5 { time += ":00" }
        return parts[0] + " " + time
    }

    /// Proleptic Gregorian date of a day count, time-zone free.
    static func civil(daysSince1970 n: Int) -> String { EventTime.day(daysSince1970: n) }
}

extension String {
    /// Two digits, zero-padded.
    fileprivate init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
