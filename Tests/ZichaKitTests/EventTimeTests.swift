import Testing
@testable import ZichaKit

@Suite struct EventTimeTests {
    /// Accepted texts and the Asia/Shanghai wall-clock time each stands for.
    static let accepted: [(String, String)] = [
        ("2026-09-01 08:05", "2026-09-01 08:05:00"),
        ("2026-09-01 08:05:09", "2026-09-01 08:05:09"),
        ("2026/09/01 08:05", "2026-09-01 08:05:00"),
        ("2026/09/01 08:05:09", "2026-09-01 08:05:09"),
        ("2026/9/1 8:05", "2026-09-01 08:05:00"),
        ("2026-09-01T08:05:09", "2026-09-01 08:05:09"),
        ("2026-09-01T08:05:09.123", "2026-09-01 08:05:09"),
        ("2026-09-01T08:05:09,5", "2026-09-01 08:05:09"),
        ("2026-09-01T08:05:09+08:00", "2026-09-01 08:05:09"),
        ("2026-09-01T08:05:09.250+08:00", "2026-09-01 08:05:09"),
        ("2026-09-01T00:05:09Z", "2026-09-01 08:05:09"),
        ("2026-09-01T00:05:09.999Z", "2026-09-01 08:05:09"),
        ("2026-09-01T16:05:09Z", "2026-09-02 00:05:09"),
        ("2026-09-01T08:05:09+09:00", "2026-09-01 07:05:09"),
        ("2026-09-01T08:05:09+0900", "2026-09-01 07:05:09"),
        ("2026-09-01T08:05:09+05:30", "2026-09-01 10:35:09"),
        ("2026-12-31T20:00:00-05:00", "2027-01-01 09:00:00"),
        ("2026-09-01 08:05:09 +08:00", "2026-09-01 08:05:09"),
        ("2026-09-01", "2026-09-01 00:00:00"),
        ("2026/09/01", "2026-09-01 00:00:00"),
        (" 2026-09-01 08:05 ", "2026-09-01 08:05:00"),
        ("2024-02-29 23:59:59", "2024-02-29 23:59:59"),
        ("1970-01-01 00:00:00", "1970-01-01 00:00:00"),
        ("1999-12-31 23:59", "1999-12-31 23:59:00"),
        // Chinese spreadsheets' dates, and dotted ones.
        ("2026年9月1日", "2026-09-01 00:00:00"),
        ("2026年09月01日 08:05", "2026-09-01 08:05:00"),
        ("2026年9月1日8:05:09", "2026-09-01 08:05:09"),
        ("2026.09.01 08:05:09", "2026-09-01 08:05:09"),
        ("2026.9.1", "2026-09-01 00:00:00"),
        // ISO 8601's basic format, and RFC 3339's lower-case t and z.
        ("20260901T080509", "2026-09-01 08:05:09"),
        ("20260901T0805", "2026-09-01 08:05:00"),
        ("20260901T000509Z", "2026-09-01 08:05:09"),
        ("20260901T080509+0800", "2026-09-01 08:05:09"),
        ("20260901T080509.5+0900", "2026-09-01 07:05:09"),
        ("2026-09-01t08:05:09", "2026-09-01 08:05:09"),
        ("2026-09-01T00:05:09z", "2026-09-01 08:05:09"),
        ("2026-09-01 T08:05", "2026-09-01 08:05:00"),
        // White space of other kinds between date and time (SPEC: inner full-width or ideographic space)
        ("2026-09-01\u{3000}08:05", "2026-09-01 08:05:00"), ("2026-09-01\u{00A0}08:05:09", "2026-09-01 08:05:09"),
        ("2026-09-01\t08:05", "2026-09-01 08:05:00"), ("2026年9月1日\u{3000}8:05", "2026-09-01 08:05:00"),
    ]

    @Test(arguments: accepted)
    func parsesToShanghaiWallClock(_ text: String, _ expected: String) throws {
        let t = try #require(EventTime.parse(text))
        #expect(EventTime.format(t) == expected)
    }

    @Test(arguments: ["", "garbage", "2026", "2026-09", "20260901", "2026-13-01", "2026-02-29", "2026-04-31", "2026-00-10",
                      "2026-09-00", "2026-09-01 24:00", "2026-09-01 08:60", "2026-09-01 8", "2026-09-01T", "2026/09-01",
                      "2026-09-01 08:05 CST", "2026-09-01 08:05:09Zulu", "2026-09-01T08:05:09+8", "26-09-01 08:05",
                      "2026-09-01 08:05:9", "45678.5", "2026年9月1", "2026年9-1日", "2026年13月1日", "2026年9月31日",
                      "2026.09-01", "2026.09.01T", "年9月1日", "20260901T", "20260901 080509", "20260901T08:05", "20260901T080",
                      "2026-09-01T08:05:09.", "2026-09-01 08:05.5", "2026-09-0108:05",
                      "2026-09-01TT08:05", "2026-09-01 T 08:05", "2026-09-01t t08:05", "2026-09-01T 08:05", "2026-09-01\n08:05",
                      "2026-09-01\r08:05", "2026-09-01\u{200B}08:05", "2026-09-01\u{FEFF}08:05",
                      // offsets past ±14:00 or with 60 minutes and more (an audit found `+25:00` and `+99:99` applied)
                      "2026-09-01T08:05:09+25:00", "2026-09-01T08:05:09+99:99", "2026-09-01T08:05:09+08:60", "2026-09-01T08:05:09-15"])
    func rejectsGarbage(_ text: String) {
        #expect(EventTime.parse(text) == nil)
        #expect(!EventTime.meansNone(text), "garbage is not a placeholder for no time")
    }

    @Test(arguments: ["-", "--", "—", "——", "/", "无", "暂无", "N/A", "NULL", " null ", "None"])
    func placeholdersMeanNoTime(_ text: String) {
        #expect(EventTime.meansNone(text))
        #expect(EventTime.parse(text) == nil)
    }

    @Test func secondsCountFromShanghaiMidnight1970() {
        #expect(EventTime.parse("1970-01-01 00:00:00") == 0)
        #expect(EventTime.parse("1970-01-01T00:00:00Z") == Int64(8 * 3600))
        #expect(EventTime.parse("1970-01-02") == 86_400)
    }

    @Test(arguments: [Int64(0), 1, 86_399, 1_788_220_800, 1_788_249_909, -1, -86_401, 946_684_799])
    func formatRoundTrips(_ t: Int64) throws {
        let text = EventTime.format(t)
        #expect(try #require(EventTime.parse(text)) == t)
    }

    @Test func startOfDayAndDaysBetween() {
        #expect(EventTime.startOfDay("2026-09-01") == EventTime.parse("2026-09-01 00:00"))
        #expect(EventTime.daysBetween("2026-08-30", "2026-09-02") == 3)
        #expect(EventTime.daysBetween("2024-02-28", "2024-03-01") == 2)
        #expect(EventTime.daysBetween("2026-09-02", "2026-09-01") == -1)
        #expect(EventTime.daysBetween("x", "2026-09-01") == nil)
    }

    @Test func aLeapSecondIsTheLastSecondOfItsMinute() throws {
        // Given a check at 23:59:60, a leap second as ISO 8601 writes it (an audit found it counted on the next night)
        // Then it is 23:59:59 of its own day, and 12:00:60 is 12:00:59, not 12:01
        #expect(EventTime.format(try #require(EventTime.parse("2024-10-05 23:59:60"))) == "2024-10-05 23:59:59")
        #expect(EventTime.format(try #require(EventTime.parse("2024-10-05T12:00:60+08:00"))) == "2024-10-05 12:00:59")
        #expect(EventTime.format(try #require(EventTime.parse("2024-10-05T06:00:00+14:00"))) == "2024-10-05 00:00:00")
    }
}
