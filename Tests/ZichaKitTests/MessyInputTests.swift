import Foundation
import GRDB
import Testing
@testable import ZichaKit

/// Files as offices really export them, found by an audit of real-world habits: each test failed before its fix.
@Suite struct MessyInputTests {
    static func roster(_ rows: [String], header: String = "考生号,姓名,身份证号") throws -> String {
        try ImportFixtures.temporaryFile(([header] + rows).joined(separator: "\n") + "\n", name: "roster.csv")
    }

    static func log(_ rows: [String], header: String) throws -> String {
        try ImportFixtures.temporaryFile(([header] + rows).joined(separator: "\n") + "\n", name: "log.csv")
    }

    @Test func aKeyCellThatIsNoKeyIsSetAsideSayingWhy() throws {
        // Given a roster whose 考生号 column holds a failed VLOOKUP twice, a dash, a zero and a footer
        let database = try AppDatabase(inMemory: ())
        let files = try ImportFixtures.importNight(database, roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "#N/A,王芳,110101200602030017", "#N/A,李强,320102197001018646",
            "-,赵敏,110105199001010037", "0,周杰,110105199001010045", "合计：5人,,", "2026-CS-07,钱多,110105199001010053"]))
        // Then only the real keys are students, and each other row is set aside naming what its key is
        #expect(files.map(\.accepted) == [2])
        #expect(try database.rows("SELECT ksh FROM student ORDER BY ksh") == ["[ksh:\"2026-CS-07\"]", "[ksh:\"26110101000001\"]"])
        let reasons = try database.rows("SELECT line, reason FROM reject ORDER BY line")
        #expect(reasons == [
            "[line:3 reason:\"考生号 “#N/A” is an Excel error (a formula that failed), not a key\"]",
            "[line:4 reason:\"考生号 “#N/A” is an Excel error (a formula that failed), not a key\"]",
            "[line:5 reason:\"考生号 “-” is not a key: it holds no digit\"]",
            "[line:6 reason:\"考生号 “0” is not a key: it is all zeros\"]",
            "[line:7 reason:\"考生号 “合计:5人” is not a key: only letters and digits (a footer or a note in the key column?)\"]",
        ], "\(reasons)")
    }

    @Test func aLogWithADateColumnAndATimeColumnReadsThemTogether() throws {
        // Given a log with 日期 and 时间 side by side: a dispute after a check on one day, a registration after a failure
        let database = try AppDatabase(inMemory: ())
        let diagnostics = DiagnosticCollector()
        let log = try Self.log([
            "2026-09-04,09:00,110105199001010029,信息有误,", "2026-09-04,08:00,110105199001010029,自查完成,",
            "2026-09-04,08:00:30,110101200602030017,注册失败,证件号码已被注册", "2026-09-04,,110101200602030017,注册成功,",
            "2026-09-04 10:00,,320102197001018646,登录,", ",2026-09-03 07:00,320102197001018646,注册成功,",
        ], header: "日期,时间,身份证号,事件,说明")
        try ImportFixtures.importNight(database, roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017", "26110101000003,李强,320102197001018646"]),
            logs: [log], diagnostics: diagnostics)
        // Then each row has its date and its time of day; a whole time in either column is taken as it is
        let times = try database.rows("SELECT line, ts FROM event ORDER BY line").map { $0 }
        let expected = ["2026-09-04 09:00", "2026-09-04 08:00", "2026-09-04 08:00:30", "2026-09-04", "2026-09-04 10:00", "2026-09-03 07:00"]
        #expect(times == expected.enumerated().map { "[line:\($0.offset + 2) ts:\(EventTime.parse($0.element)!)]" })
        #expect(diagnostics.warnings.isEmpty, "\(diagnostics.warnings)")
        #expect(diagnostics.diagnostics.contains { $0.message.contains("reading the columns 日期 and 时间 together") })
    }

    @Test func joiningADateAndATimeOfDay() {
        #expect(EventTime.joined("2026-09-04", "09:00") == "2026-09-04 09:00")
        #expect(EventTime.joined("2026-09-04", "") == "2026-09-04")
        #expect(EventTime.joined("", "09:00") == "09:00", "a time without a day: set aside, as a time alone always is")
        #expect(EventTime.joined("2026-09-04 10:00", "09:00") == "2026-09-04 10:00")
        #expect(EventTime.joined("2026-09-04", "2026-09-04 09:00:00") == "2026-09-04 09:00:00")
        #expect(EventTime.joined("-", "2026-09-04 09:00") == "2026-09-04 09:00")
        #expect(EventTime.parse(EventTime.joined("2026/9/4", "9:05")) == EventTime.parse("2026-09-04 09:05"))
    }

    @Test func aGBKLogWhoseFirstChineseComesAfterTheFirst64KiBIsReadAsGBK() throws {
        // Given a GBK log with English headers and 1,500 rows of ASCII before its first Chinese word
        var bytes = Data("time,id_number,name,event,detail\n".utf8)
        for _ in 0..<1_500 { bytes += Data("2026-09-04 08:00:00,110101200602030017,WANG,registered,\n".utf8) }
        bytes += Data("2026-09-04 09:00:00,110105199001010029,ZHANG,".utf8) + Data([0xD7, 0xD4, 0xB2, 0xE9, 0xCD, 0xEA, 0xB3, 0xC9]) + Data(",\n".utf8)  // 自查完成
        #expect(bytes.count > 1 << 16)
        let log = try ImportFixtures.temporaryFile(bytes, name: "log.csv")
        let reader = try DelimitedTextReader(path: log, source: log, options: TableOptions())
        #expect(reader.encoding == .gb18030)
        // Then the last row is read, not set aside as invalid UTF-8
        let database = try AppDatabase(inMemory: ())
        let files = try ImportFixtures.importNight(database, roster: try Self.roster(["26110101000001,张伟,110105199001010029"]), logs: [log])
        #expect(files.map(\.rejected) == [0, 0])
        #expect(try database.rows("SELECT kind FROM event WHERE id_norm = '110105199001010029'") == ["[kind:\"checked\"]"])
    }

    @Test func anASCIIFileIsUTF8() throws {
        let log = try ImportFixtures.temporaryFile(Data(String(repeating: "a,b,c\n", count: 20_000).utf8), name: "t.csv")
        #expect(try DelimitedTextReader(path: log, source: log, options: TableOptions()).encoding == .utf8)
    }

    @Test func theFirstNightRunAgainWithItsRosterCorrectedCorrectsTheAdmissionName() throws {
        // Given a first night whose roster lost a character to GBK
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster(["26110101000001,买买提?艾力,110101200602030017"]))
        // When the night is run again with the roster saved properly
        try ImportFixtures.importNight(database, asOf: "2026-09-04", roster: try Self.roster(["26110101000001,买买提·艾力,110101200602030017"]))
        // Then the admission name is the corrected one (no NAME_CHANGED from the damaged spelling)
        #expect(try database.rows("SELECT name, admission_name FROM student") == ["[name:\"买买提·艾力\" admission_name:\"买买提·艾力\"]"])
        // and a change of name on a later night is still a change from the admission name
        try ImportFixtures.importNight(database, asOf: "2026-09-05", roster: try Self.roster(["26110101000001,买买提,110101200602030017"]))
        #expect(try database.rows("SELECT name, admission_name FROM student") == ["[name:\"买买提\" admission_name:\"买买提·艾力\"]"])
    }

    /// Found by an audit: 證件號碼已被註冊 (a detail in traditional characters) was no reason at all, so no ID_TAKEN.
    @Test func aFailureDetailInTraditionalCharactersGivesItsReason() throws {
        let database = try AppDatabase(inMemory: ())
        let log = try Self.log(["2026-09-04 08:00,110105199001010029,注册失败,證件號碼已被註冊", "2026-09-04 09:00,110101200602030017,注册失败,網絡超時",
                                "2026-09-04 10:00,320102197001018646,找回失败,姓名不符"], header: "时间,身份证号,事件,说明")
        try ImportFixtures.importNight(database, roster: try Self.roster([
            "26110101000001,张伟,110105199001010029", "26110101000002,王芳,110101200602030017", "26110101000003,李强,320102197001018646"]),
            logs: [log])
        #expect(try database.rows("SELECT reason, detail FROM event ORDER BY line")
            == ["[reason:\"id_taken\" detail:\"證件號碼已被註冊\"]", "[reason:NULL detail:\"網絡超時\"]", "[reason:\"name_mismatch\" detail:\"姓名不符\"]"],
            "the detail is kept as written")
    }

    @Test func aPhonePlaceholderIsNoPhone() throws {
        let database = try AppDatabase(inMemory: ())
        try ImportFixtures.importNight(database, roster: try Self.roster([
            "26110101000001,张伟,110105199001010029,无", "26110101000002,王芳,110101200602030017,N/A", "26110101000003,李强,320102197001018646,138 0013 8000",
        ], header: "考生号,姓名,身份证号,手机号"))
        #expect(try database.rows("SELECT phone_raw, phone_valid FROM student ORDER BY ksh")
            == ["[phone_raw:\"\" phone_valid:0]", "[phone_raw:\"\" phone_valid:0]", "[phone_raw:\"138 0013 8000\" phone_valid:1]"])
    }
}
