import Foundation
import GRDB

/// What `AppDatabase.pruneNights` removed.
public struct PruneOutcome: Sendable, Equatable {
    /// The nights whose results and findings went, oldest first (nights pruned before are not counted again).
    public var nights: [String] = []
    /// Student results removed.
    public var results = 0
    /// Findings removed.
    public var findings = 0
}

extension AppDatabase {
    /// Removes the per-student results and findings of every night but the latest `keep`: each night stores one
    /// result per student and their findings (≈ 140 MB a night at 1M students), and only the latest nights are read
    /// again — the previous night for what is new, persisting or resolved, and for days outstanding. What stays of a
    /// pruned night: its totals (the summary's trend), its counts per college and class, its mail ledger, and the
    /// files in its reports folder. Its stored inputs are cleared, so a pruned night run again is reconciled again —
    /// which `prunedHistory` allows only for the first night stored (a later one would lose its history).
    public func pruneNights(keeping keep: Int) throws -> PruneOutcome {
        precondition(keep >= 1)
        return try writer.write { db in
            var outcome = PruneOutcome()
            let runs = try Row.fetchAll(db, sql: """
                SELECT id, as_of FROM run WHERE id NOT IN (SELECT id FROM run ORDER BY as_of DESC LIMIT ?)
                  AND (inputs <> ? OR EXISTS (SELECT 1 FROM student_result r WHERE r.run_id = run.id))
                ORDER BY as_of
                """, arguments: [keep, Self.prunedInputs])
            for run in runs {
                let id: Int64 = run[0]
                try db.execute(sql: "DELETE FROM finding WHERE run_id = ?", arguments: [id])
                outcome.findings += db.changesCount
                try db.execute(sql: "DELETE FROM student_result WHERE run_id = ?", arguments: [id])
                outcome.results += db.changesCount
                try db.execute(sql: "UPDATE run SET inputs = ? WHERE id = ?", arguments: [Self.prunedInputs, id])
                outcome.nights.append(run[1])
            }
            // The times a later status export said a state again (`state_restated`): a kept night reads, for each
            // event, the latest before its end — of those before the oldest kept night, only the latest is needed.
            if let oldest = try String.fetchOne(db, sql: "SELECT min(as_of) FROM run WHERE inputs <> ?", arguments: [Self.prunedInputs]),
               let bound = EventTime.startOfDay(oldest) {
                try db.execute(sql: """
                    DELETE FROM state_restated WHERE ts < ?1 AND ts < (SELECT max(r.ts) FROM state_restated r
                      WHERE r.id_norm = state_restated.id_norm AND r.file_id = state_restated.file_id AND r.line = state_restated.line
                        AND r.ts < ?1)
                    """, arguments: [bound])
            }
            return outcome
        }
    }

    /// Rebuilds the database file without its free pages (SQLite's VACUUM): pruned space is otherwise reused by
    /// later nights rather than given back. Needs free disk about the size of the database, for a while.
    public func vacuum() throws {
        try writer.vacuum()
    }

    /// The file size of the database, in bytes (0 when it cannot be read).
    public var fileSize: Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// `run.inputs` of a pruned night: matches no night's inputs, so running that night again reconciles it again.
    static let prunedInputs = "pruned"

    /// The night before `asOf`, when it was pruned and `asOf` is earlier than the latest stored night. A night takes
    /// its days outstanding and new / persisting findings from the night before it: run again without that night's
    /// results, it would overwrite results that had them, and a later night run again after it would inherit the loss.
    public func prunedHistory(before asOf: String) throws -> String? {
        try writer.read { db in
            guard let latest = try String.fetchOne(db, sql: "SELECT max(as_of) FROM run"), asOf < latest,
                  let previous = try Row.fetchOne(db, sql: "SELECT as_of, inputs FROM run WHERE as_of < ? ORDER BY as_of DESC LIMIT 1",
                                                  arguments: [asOf]),
                  previous["inputs"] as String? == Self.prunedInputs
            else { return nil }
            return previous["as_of"]
        }
    }
}
