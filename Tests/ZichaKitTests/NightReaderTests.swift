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
