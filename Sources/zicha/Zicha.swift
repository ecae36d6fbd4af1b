import ArgumentParser
import Foundation
import ZichaKit
#if canImport(Glibc)
import Glibc
#endif

/// The process entry: ignores SIGXFSZ, then runs the command line.
///
/// With a file size limit (`ulimit -f`) the kernel would kill zicha with SIGXFSZ at the first write
/// past it, leaving no message; ignored, that write fails with EFBIG and zicha reports which file.
///
/// A usage error (an unknown option, a missing file option, a bad `--as-of`) exits 1, not
/// swift-argument-parser's 64: the SPEC promises scripts three statuses — 0, 65 for an unreadable input
/// file, 1 for any other failure — and a night that did not run because of its command line is such a failure.
@main
enum Main {
    static func main() {
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try Zicha.parseAsRoot()
            try command.run()
        } catch {
            guard Zicha.exitCode(for: error) == .validationFailure else { Zicha.exit(withError: error) }
            FileHandle.standardError.write(Data((Zicha.fullMessage(for: error) + "\n").utf8))
            Zicha.exit(withError: ExitCode.failure)
        }
    }
}

/// The `zicha` command and its subcommands.
struct Zicha: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zicha",
        abstract: "学籍自查 follow-up: find who has not finished the 学信网 self-check, and why, and tell their counselors.",
        discussion: """
            Every night: import the roster, counselor list and self-check log (CSV, TSV or XLSX) into a SQLite \
            database, reconcile every student, write Reports/<date>/ and mail each counselor their list.

            Exit status: 0 the night completed (findings are not errors); 65 an input file cannot be \
            read as a table; 1 any other failure, bad usage included.
            """,
        version: zichaVersion(),
        subcommands: [Nightly.self, Prune.self],
        defaultSubcommand: Nightly.self
    )
}
