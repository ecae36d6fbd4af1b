import ArgumentParser
import Foundation
import ZichaKit
#if canImport(Glibc)
import Glibc
#endif

/// The process entry: ignores SIGXFSZ and SIGPIPE, then runs the command line.
///
/// With a file size limit (`ulimit -f`) the kernel would kill zicha with SIGXFSZ at the first write
/// past it, leaving no message; ignored, that write fails with EFBIG and zicha reports which file.
/// A standard error piped to a reader that went away (`zicha nightly … 2>&1 | head`) would kill it with
/// SIGPIPE at the next message, between a night's import and its reports; ignored, the message is lost
/// (`StandardError`) and the night goes on.
///
/// A standard stream cron or a script closed (`2>&-`) is opened on /dev/null first: otherwise the next file opened —
/// the run lock — took its number, and every message of the night was written into `zicha.sqlite.lock` (found by an
/// audit).
///
/// A usage error (an unknown option, a missing file option, a bad `--as-of`) exits 1, not
/// swift-argument-parser's 64: the SPEC promises scripts three statuses — 0, 65 for an unreadable input
/// file, 1 for any other failure — and a night that did not run because of its command line is such a failure.
@main
enum Main {
    static func main() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 {
            _ = open("/dev/null", O_RDWR)  // takes the lowest free number: this one
        }
        signal(SIGXFSZ, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        do {
            try Zicha.checkCommandLine(Array(CommandLine.arguments.dropFirst()))
            var command = try Zicha.parseAsRoot()
            try command.run()
        } catch {
            guard Zicha.exitCode(for: error) == .validationFailure else { Zicha.exit(withError: error) }
            StandardError.write(Zicha.fullMessage(for: error) + "\n")
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
        version: "\(zichaVersion()) (database schema \(AppDatabase.schemaLevel))",
        subcommands: [Nightly.self, Prune.self],
        defaultSubcommand: Nightly.self
    )

    /// What swift-argument-parser lets through or words for another mistake: a mistyped command (`zicha purne`) is
    /// taken as nightly's and reported as a missing --roster, and an option given twice keeps its last value
    /// (`--roster a.csv --roster b.csv` would read b alone, without a word).
    static func checkCommandLine(_ arguments: [String]) throws {
        guard let first = arguments.first else { return }
        let commands = ["nightly", "prune"]
        func unknownCommand(_ word: String) -> ValidationError {
            ValidationError("unknown command “\(word)”: the commands are nightly (the default) and prune; see zicha --help")
        }
        let isCommand = commands.contains(first) || first == "help"
        if !first.hasPrefix("-"), !isCommand {
            if first.contains(".") || first.contains("/") {
                throw ValidationError("“\(first)” is not a command or an option: name each file with its option, e.g. zicha nightly --roster roster.csv --log log.csv")
            }
            throw unknownCommand(first)
        }
        if first == "help", arguments.count > 1, !commands.contains(arguments[1]) { throw unknownCommand(arguments[1]) }
        // A file named without its option (`zicha nightly roster.csv log.csv`) would only be said as "missing --roster".
        let takesValue: Set<String> = ["--roster", "--log", "--counselors", "--db", "--out", "--as-of", "--config", "--encoding",
                                       "--delimiter", "--sheet", "--resend", "--keep-nights"]
        var expectsValue = false
        for argument in arguments.dropFirst(isCommand ? 1 : 0) {
            if expectsValue { expectsValue = false; continue }
            if argument == "--" { break }
            if argument.hasPrefix("-") { expectsValue = takesValue.contains(argument); continue }
            if first == "help" { continue }
            if first == "prune" { throw ValidationError("“\(argument)” is not an option of prune; see zicha help prune") }
            throw ValidationError("“\(argument)” is not an option: name each file with its option, e.g. --roster roster.csv --log log.csv")
        }
        // Options that take a value and do not repeat.
        let single = takesValue.subtracting(["--log", "--resend"])
        var seen: [String: Int] = [:]
        for argument in arguments where argument.hasPrefix("--") {
            let name = String(argument.prefix { $0 != "=" })
            guard single.contains(name) else { continue }
            seen[name, default: 0] += 1
            if seen[name] == 2 {
                throw ValidationError(name == "--keep-nights" ? "--keep-nights is given more than once; give one number"
                                                              : "\(name) is given more than once; a night takes one (only --log repeats)")
            }
        }
    }
}
