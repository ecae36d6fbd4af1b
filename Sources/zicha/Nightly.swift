import ArgumentParser
import Foundation
import ZichaKit

struct Nightly: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import tonight's files, reconcile, write Reports/<date>/ and mail counselors.",
        discussion: """
            Two runs with one --db and two --as-of days are two nights: zicha keeps each night's results and \
            reports what is new, persisting or resolved. Re-importing a file changes nothing. Re-running a night \
            rewrites its reports when an input changed, otherwise keeps them and only retries mail; nobody is \
            mailed twice. A log may repeat earlier ones (the whole log exported each night): each event is kept \
            once. One run at a time per database and reports folder: another waits 5 seconds, then stops (exit 1).

            Mail goes out only when the configuration file has a "mail" section; otherwise each message is \
            written to Reports/<date>/outbox/ for review (a dry run). The SMTP password is read from the \
            environment (ZICHA_SMTP_PASSWORD unless the configuration names another variable).

            Exit status: 0 the night completed (findings are not errors); 65 an input file cannot be read as a \
            table (nothing of the night is imported); 1 any other failure, a bad command line included, and mail \
            that could not be delivered (the reports are written; the next run of the night tries again). A server \
            that cannot be reached or refuses mail for now (a 421, a 4xx before any recipient) stops the mail after \
            three tries of one message; a refused sender or login stops it at once. A counselor address refused for \
            good, malformed or by the mail server (a 5xx reply to RCPT TO), is an error naming the counselor but not a \
            failure: no retry can help, only a corrected counselor list. A refusal for the server's rules (relaying \
            denied), or every counselor refused with the same reply, is a failure of the mail settings, not of the \
            addresses.
            """)

    @Option(name: .long, help: ArgumentHelp("The roster (在籍名单): CSV, TSV or XLSX.", valueName: "file"))
    var roster: String

    @Option(name: .long, help: ArgumentHelp("A self-check log or status export (自查记录); repeat for several.", valueName: "file"))
    var log: [String]

    @Option(name: .long, help: ArgumentHelp("The counselor list (辅导员名单) by class or college.", valueName: "file"))
    var counselors: String?

    @Option(name: .long, help: ArgumentHelp("The SQLite database keeping every night.", valueName: "path"))
    var db: String = "zicha.sqlite"

    @Option(name: .long, help: ArgumentHelp("Where night folders are written.", valueName: "dir"))
    var out: String = "Reports"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The night, YYYY-MM-DD (default: today in Asia/Shanghai).", valueName: "date"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file (JSON): deadline, mail, remedy catalog, extra event labels.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The text encoding of CSV/TSV inputs without a byte order mark (detected otherwise): utf-8, utf-16le, utf-16be, gb18030 (gbk, gb2312 and cp936 are read as gb18030, which contains them), or auto (the default: detected).", valueName: "name"))
    var encoding: String?

    @Option(name: .long, help: ArgumentHelp("Force the delimiter of CSV/TSV inputs: ',', 'tab', ';' or '|'.", valueName: "char"))
    var delimiter: String?

    @Option(name: .long, help: ArgumentHelp("Workbooks: the sheet to read (default: every visible sheet whose header matches, as one table). A workbook without a sheet of that name, when another of the night has one, reads its own.", valueName: "name"))
    var sheet: String?

    @Flag(name: .long, help: "Also write counselor lists with full ID numbers and phones, for the office.")
    var unmasked = false

    @Flag(name: .customLong("no-mail"), help: "Skip the mail stage: write the reports only, compose and send no message.")
    var noMail = false

    @Option(name: .long, help: ArgumentHelp("Send this night's message to this address again although an earlier run cannot tell whether it arrived (the run said so); repeat for several, or give 'unknown' for every such message of the night. Any other address (one the night has no message to, or whose message was delivered) stops the run, exit 1.", valueName: "address"))
    var resend: [String] = []

    @Flag(name: .long, help: ArgumentHelp("Reconcile every student. By default, when only logs and rosters came in since the latest night, only the IDs their new or changed rows name are reconciled again and the other results carried over (the same results, sooner)."))
    var full = false

    @Flag(name: .long, help: ArgumentHelp("Take a roster that would mark more than half of the students on the roster as left (20 or more), or one that names its students by another number than the previous roster (考生号 ↔ 学号): without it such a roster is refused as a likely partial export, another cohort's or a changed key column, exit 65."))
    var acceptDepartures = false

    @Flag(name: .shortAndLong, help: "Print only errors (a failed night, mail refused or failed) and the warnings that need the office whatever the night (a new database, a night after today, exports not refreshed, a log without rows, many students leaving or losing their counselor, reports a killed run left, mail of unknown fate): for cron.")
    var quiet = false

    func validate() throws {
        if let e = encoding, Self.textEncoding(e) == nil {
            throw ValidationError("--encoding must be one of utf-8, utf-16le, utf-16be, gb18030 (or gbk, gb2312, cp936), or auto")
        }
        if let d = delimiter, Self.delimiterByte(d) == nil { throw ValidationError("--delimiter must be ',', 'tab', ';' or '|'") }
    }

    /// The encoding an `--encoding` name stands for: GB18030 contains GBK and GB2312 (and cp936, Windows' GBK).
    static func textEncoding(_ name: String) -> TextEncoding? {
        switch name.lowercased() {
        case "gbk", "gb2312", "cp936": return .gb18030
        case "utf8": return .utf8
        case let other: return TextEncoding(rawValue: other)
        }
    }

    static func delimiterByte(_ s: String) -> UInt8? {
        switch s.lowercased() {
        case ",": return 0x2C
        case "tab", "\\t", "\t": return 0x09
        case ";": return 0x3B
        case "|": return 0x7C
        default: return nil
        }
    }

    func run() throws {
        let console = Console(quiet: quiet)
        do {
            var options = NightlyOptions(inputs: NightInputs(roster: roster, counselors: counselors, logs: log))
            options.databasePath = db
            options.outputDirectory = out
            options.asOf = asOf
            options.unmasked = unmasked
            options.skipMail = noMail
            options.fullReconcile = full
            options.resend = Set(resend)
            options.acceptDepartures = acceptDepartures
            options.table = TableOptions(encoding: encoding.flatMap(Self.textEncoding) ?? .auto,
                                         delimiter: delimiter.flatMap(Self.delimiterByte), sheet: sheet)
            if let config { options.configuration = try Configuration.load(path: config) }
            let result = try Pipeline.nightly(options, diagnostics: console, progress: console.progress)
            console.finishDiagnostics(reportDirectory: result.reportDirectory)
            console.summary(result)
            if let mail = result.mail {
                if !mail.failed.isEmpty {
                    console.fail(Diagnostic(.error, "mail to \(counted(mail.failed.count, "counselor")) could not be delivered (above); "
                        + "the reports are written, and the next run of this night tries again"))
                }
                // A message this run sent whose end the server never answered: the office must find out whether it came,
                // and a monitor watching the exit status must hear of it (a proxy dropping every message ended the night 0).
                if mail.unknownThisRun > 0 {
                    console.fail(Diagnostic(.error, "mail to \(counted(mail.unknownThisRun, "counselor")) may or may not have arrived (above): "
                        + "the connection ended before the server's answer",
                        hint: "if the server's log (or the counselors) show they did not arrive, run this night again with --resend unknown"))
                }
                if !mail.failed.isEmpty || mail.unknownThisRun > 0 { throw ExitCode(1) }
            }
        } catch let exit as ExitCode {
            throw exit  // the reason is printed already
        } catch let error as ZichaError {
            console.finishDiagnostics(reportDirectory: nil)
            console.fail(error.diagnostic)
            throw ExitCode(error.exitCode)
        } catch {
            // Anything else (a database or file-system failure): one plain message, exit 1. Database errors
            // carry the failing SQL but never the statement's values (GRDB's default), so no personal data.
            console.finishDiagnostics(reportDirectory: nil)
            console.fail(Diagnostic(.error, "the night could not be completed: \(error)"))
            throw ExitCode(1)
        }
    }
}
