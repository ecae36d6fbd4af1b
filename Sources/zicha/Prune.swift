import ArgumentParser
import Foundation
import ZichaKit

struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the per-student results of nights older than the latest few, to bound the database's growth.",
        discussion: """
            Each night stores a result per student and their findings (about 140 MB a night for a million \
            students). Only the latest nights are read again: the previous night says what is new, persisting or \
            resolved, and how many days a student is outstanding. Prune keeps those of the latest --keep-nights \
            nights and removes the others'. Each pruned night keeps its totals (the trend in summary.html), its \
            counts per college and class, its mail ledger and its Reports/<date>/ folder. A night earlier than \
            the latest whose night before was pruned is not run again (its days outstanding would restart from \
            nothing): of the pruned nights, only the first one stored can be run again, and is then reconciled again.

            The space freed is reused by later nights; --vacuum also gives it back to the file system, rewriting \
            the database (it needs free disk about the size of the database). Takes the same lock as a night: \
            run it when no night is running, for example from cron after the nightly run.

            Exit status: 0 done; 1 a failure (no database, another run holding it, a bad option).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The database (as given to zicha nightly).", valueName: "path"))
    var db: String = "zicha.sqlite"

    @Option(name: .long, help: ArgumentHelp("How many of the latest nights keep their results (2 or more).", valueName: "n"))
    var keepNights: Int

    @Flag(name: .long, help: "Give the freed space back to the file system (rewrites the database).")
    var vacuum = false

    @Flag(name: [.short, .long], help: "Print nothing but errors (for cron).")
    var quiet = false

    func run() throws {
        do {
            let result = try Pipeline.prune(databasePath: db, keep: keepNights, vacuum: vacuum)
            if let note = result.upgrade { StandardError.write(note.description + "\n") }  // under --quiet too
            guard !quiet else { return }
            let o = result.outcome
            var line = o.nights.isEmpty ? "zicha prune: nothing to prune; the latest \(counted(keepNights, "night")) keep their results"
                : "zicha prune: \(counted(o.nights.count, "night")) pruned (\(o.nights.first!)"
                    + (o.nights.count > 1 ? " to \(o.nights.last!)" : "")
                    + "): \(counted(o.results, "student result")) and \(counted(o.findings, "finding")) removed"
            if vacuum { line += "; database \(Self.megabytes(result.sizeBefore)) → \(Self.megabytes(result.sizeAfter))" }
            print(line)
        } catch let error as ZichaError {
            StandardError.write(error.diagnostic.description + "\n")
            throw ExitCode(error.exitCode)
        } catch {
            StandardError.write("error: the database could not be pruned: \(error)\n")
            throw ExitCode(1)
        }
    }

    private static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
}
