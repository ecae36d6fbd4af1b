import Foundation

extension Pipeline {
    /// What `prune` did: the nights pruned and the database's size before and after.
    public struct PruneResult: Sendable {
        public var outcome: PruneOutcome
        public var sizeBefore: Int64
        public var sizeAfter: Int64
        /// The note that this build upgraded the database as it opened it (`Pipeline.upgradeNote`), if it did.
        public var upgrade: Diagnostic?
    }

    /// Removes the results and findings of every night but the latest `keep` (at least 2: a re-run of the latest
    /// night compares it with the one before) from the database at `databasePath`, under the same run lock as a
    /// night, then with `vacuum` gives the freed space back to the file system.
    public static func prune(databasePath: String, keep: Int, vacuum: Bool) throws -> PruneResult {
        guard keep >= 2 else {
            throw ZichaError(.usage, "--keep-nights must be 2 or more",
                             hint: "the latest night is compared with the one before it when it is run again")
        }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ZichaError(.database, "there is no database here", at: SourceLocation(file: databasePath),
                             hint: "give the --db that zicha nightly uses; if no night has been stored in it yet (a first night "
                                 + "that failed: its own message says why), there is nothing to prune")
        }
        let lock = try lockDatabase(databasePath, hint: "prune when no night is running, or wait for it to finish")
        defer { withExtendedLifetime(lock) {} }
        do {
            let database = try AppDatabase(path: databasePath)
            let before = database.fileSize
            let outcome = try database.pruneNights(keeping: keep)
            if vacuum { try database.vacuum() }
            return PruneResult(outcome: outcome, sizeBefore: before, sizeAfter: database.fileSize, upgrade: upgradeNote(database))
        } catch {
            // A read-only file system, a full disk: said as a night says it, naming the file (found by an audit: SQLite's
            // own words and the statement were printed).
            throw AppDatabase.describe(error, path: databasePath)
        }
    }
}
