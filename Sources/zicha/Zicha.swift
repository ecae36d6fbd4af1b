import ArgumentParser
import ZichaKit
#if canImport(Glibc)
import Glibc
#endif

/// The process entry: ignores SIGXFSZ, then runs the command line.
///
/// With a file size limit (`ulimit -f`) the kernel would kill zicha with SIGXFSZ at the first write
/// past it, leaving no message; ignored, that write fails with EFBIG and zicha reports which file.
@main
enum Main {
    static func main() {
        signal(SIGXFSZ, SIG_IGN)
        Zicha.main()
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

            Exit status: 0 the night completed (findings are not errors); 64 bad usage; 65 an input file \
            cannot be read as a table; 1 any other failure.
            """,
        version: zichaVersion(),
        subcommands: [Nightly.self],
        defaultSubcommand: Nightly.self
    )
}
