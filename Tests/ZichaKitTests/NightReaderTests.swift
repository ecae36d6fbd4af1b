import Foundation
import Testing
@testable import ZichaKit
import ZichaTestSupport

/// The stored night as the reports read it back.
@Suite struct NightReaderTests {
    /// SampleData's two nights, run by the pipeline into a fresh database (no mail).
    static func sampleDatabase() throws -> AppDatabase {
        let folder = ImportFixtures.processFolder.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for night in 1...2 {
            let dir = "SampleData/night\(night)/"
            let logs = night == 1 ? ["log.txt"] : ["log.csv", "status.txt"]
            var options = NightlyOptions(inputs: NightInputs(roster: PackagePaths.file(dir + "roster.csv").path,
                                                             counselors: PackagePaths.file(dir + "counselors.csv").path,
                                                             logs: logs.map { PackagePaths.file(dir + $0).path }))
            options.databasePath = folder + "/zicha.sqlite"
            options.outputDirectory = folder + "/Reports"
            options.asOf = SampleNights.asOf[night - 1]
            options.skipMail = true
            _ = try Pipeline.nightly(options, diagnostics: DiagnosticCollector())
        }
        return try AppDatabase(path: folder + "/zicha.sqlite")
    }

    @Test func rowsSetAsideAreThoseOfTheRosterTheNightReadsAndOfItsLogsAsTheyStand() throws {
        let folder = ImportFixtures.processFolder.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let roster = folder + "/roster.csv", log = folder + "/log.csv", counselors = folder + "/counselors.csv"
        func write(_ path: String, _ text: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        func night(_ asOf: String) throws -> [String] {
            var options = NightlyOptions(inputs: NightInputs(roster: roster, counselors: counselors, logs: [log]))
            options.databasePath = folder + "/zicha.sqlite"
            options.outputDirectory = folder + "/Reports"
            options.asOf = asOf
            options.skipMail = true
            _ = try Pipeline.nightly(options, diagnostics: DiagnosticCollector())
            let night = try NightReader(database: try AppDatabase(path: folder + "/zicha.sqlite"), asOf: asOf)
            var rejects = 0
            try night.forEachReject { _, _, _, _ in rejects += 1 }
            let counts = try night.summary(deadline: nil).setAside
            #expect(rejects == counts.reduce(0) { $0 + $1.rows }, "rejects.csv and set_aside agree")
            return counts.map { "\(PathText.parent($0.file) == folder ? String($0.file.dropFirst(folder.count + 1)) : $0.file) \($0.rows)" }
        }
        // Given a roster with a row without 考生号, a log with a row without 身份证号, and a clean counselor list (not listed)
        try write(counselors, "学院,辅导员,邮箱\n计算机学院,李老师,li@example.edu.cn\n")
        try write(roster, "考生号,姓名,身份证号\n26110101000001,张伟,110105199001010029\n,王芳,110101200602030017\n")
        try write(log, "时间,身份证号,事件\n2026-09-04 10:00,110105199001010029,自查完成\n2026-09-04 11:00,,自查完成\n")
        #expect(try night("2026-09-05") == ["roster.csv 1", "log.csv 1"])
        // When the log is corrected under its name and the night run again: its earlier rows set aside are gone
        try write(log, "时间,身份证号,事件\n2026-09-04 10:00,110105199001010029,自查完成\n2026-09-04 11:00,110101200602030017,自查完成\n")
        #expect(try night("2026-09-05") == ["roster.csv 1"])
        // And the next night, the same roster (not imported again) still lacks its row; the log is not tonight's
        #expect(try night("2026-09-06") == ["roster.csv 1"])
    }

    @Test func findingsResolvedSinceThePreviousNightAreTheSameHeldOrReadFromTheStore() throws {
        // Given night 2 of SampleData, whose findings resolved since night 1 include VIEWED_NOT_CONFIRMED and ID_TAKEN
        let database = try Self.sampleDatabase()
        // When it is read with the resolved findings held (the usual night) and with them read from the store each time
        let held = try NightReader(database: database, asOf: SampleNights.asOf[1]).summary(deadline: nil)
        let streamed = try NightReader(database: database, asOf: SampleNights.asOf[1], heldLimit: 1).summary(deadline: nil)
        // Then both give the same count and the same list, in the same order, however often it is read
        let list = try held.resolved.prefix(1_000).map { "\($0.ksh) \($0.code.rawValue)" }
        #expect(list.contains("26420101000003 VIEWED_NOT_CONFIRMED") && list.contains("26420101000004 ID_TAKEN"))
        #expect(held.resolved.count == list.count && streamed.resolved.count == list.count)
        for _ in 1...2 {
            var all: [String] = []
            try streamed.resolved.forEach { all.append("\($0.ksh) \($0.code.rawValue)") }
            #expect(all == list)
        }
        #expect(try streamed.resolved.prefix(1).map { "\($0.ksh) \($0.code.rawValue)" } == [list[0]])
    }
}
