import Foundation
import GRDB
import Testing
@testable import ZichaKit
import ZichaTestSupport

/// The SQLite zicha runs is the one built into it (Sources/CSQLite), with the options its README lists — not
/// Debian's libsqlite3, which GRDB's module map still links.
@Suite struct SQLiteBuildTests {
    @Test("connections run the built-in SQLite 3.50.4: secure delete, recursive triggers, Debian's limits, the lookaside allocator")
    func connectionsRunTheBuiltInSQLite() throws {
        // Given a database as the nightly run opens it
        let folder = try TempFolder("sqlite-build")
        let database = try AppDatabase(path: folder.file("zicha.sqlite"))
        // When its connection says which SQLite it is and how it was built
        let (version, secureDelete, recursiveTriggers, options) = try database.writer.read { db in
            (try String.fetchOne(db, sql: "SELECT sqlite_version()"), try Int.fetchOne(db, sql: "PRAGMA secure_delete"),
             try Int.fetchOne(db, sql: "PRAGMA recursive_triggers"), try String.fetchAll(db, sql: "PRAGMA compile_options"))
        }
        // Then it is this package's build: deleted rows are overwritten (no former ID or phone left in free pages),
        // triggers and limits as in Debian's build, and SQLite's own allocator for small objects kept
        #expect(version == "3.50.4")
        #expect(secureDelete == 1)
        #expect(recursiveTriggers == 1)
        #expect(options.contains("MAX_VARIABLE_NUMBER=250000"))
        #expect(!options.contains("OMIT_LOOKASIDE"))
        #expect(options.contains("THREADSAFE=1"))
    }

    @Test("the zicha binary leaves no SQLite function for libsqlite3.so to supply")
    func theBinaryDefinesEverySQLiteFunctionItCalls() throws {
        // Given the built binary, which GRDB's module map also links against Debian's libsqlite3.so
        // When its dynamic symbols are listed
        let nm = Process()
        nm.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        nm.arguments = ["-D", "--undefined-only", ZichaBinary.url.path]
        let pipe = Pipe()
        nm.standardOutput = pipe
        try nm.run()
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        nm.waitUntilExit()
        try #require(nm.terminationStatus == 0 && listing.contains("swift_retain"), "nm could not read \(ZichaBinary.url.path)")
        // Then none of them is a sqlite3_ function: every call runs the built-in copy, none Debian's 3.40
        let fromTheLibrary = listing.split(separator: "\n").filter { $0.split(separator: " ").last?.hasPrefix("sqlite3_") == true }
        #expect(fromTheLibrary.isEmpty, "\(fromTheLibrary.prefix(5))")
    }
}
