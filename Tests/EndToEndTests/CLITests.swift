import Foundation
import Testing
import ZichaTestSupport
import ZichaKit

/// The command line as scripts and cron see it: help, and usage errors with exit 1 (the SPEC's status for any failure but an unreadable file).
@Suite("Command line")
struct CLITests {
    @Test("zicha --help explains the tool and the exit statuses")
    func help() throws {
        let run = try ZichaBinary.run(arguments: ["--help"])
        #expect(run.status == 0)
        for piece in ["nightly", "Exit status", "65", "bad usage included"] { #expect(run.stdout.contains(piece), "--help lacks \(piece)\n\(run.stdout)") }
    }

    @Test("zicha nightly --help lists every option and the exit statuses")
    func nightlyHelp() throws {
        let run = try ZichaBinary.run(arguments: ["nightly", "--help"])
        #expect(run.status == 0)
        for option in ["--roster", "--log", "--counselors", "--db", "--out", "--as-of", "--config", "--no-mail", "--quiet",
                       "Exit status", "65 an input file"] {
            #expect(run.stdout.contains(option), "nightly --help lacks \(option)\n\(run.stdout)")
        }
    }

    @Test("--no-mail writes every report but composes no message; a later run of the night without it mails")
    func noMailSkipsTheMailStageOnly() throws {
        let tmp = try TempFolder("nomail")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let night = out + "/" + SampleNights.asOf[0]
        let first = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: db, out: out) + ["--no-mail"],
                                        cwd: PackagePaths.root.path)
        try #require(first.status == 0, "\(first.stderr)")
        let fm = FileManager.default
        for file in ["findings.json", "followup.csv", "followup.xlsx", "summary.html", "rejects.csv"] {
            #expect(fm.fileExists(atPath: night + "/" + file), "--no-mail left out \(file)")
        }
        #expect(try fm.contentsOfDirectory(atPath: night + "/counselors").count >= 2)
        #expect(!fm.fileExists(atPath: night + "/outbox"), "--no-mail composed messages")
        #expect(!first.stdout.contains("mail:"), "the summary reports a mail stage that did not run: \(first.stdout)")

        // The same night again, files unchanged: the reports stay, and only the mail stage runs (a dry run here).
        let second = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: db, out: out), cwd: PackagePaths.root.path)
        try #require(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("in the outbox only"), "\(second.stdout)")
        let messages = try fm.contentsOfDirectory(atPath: night + "/outbox").filter { $0.hasSuffix(".eml") }
        #expect(!messages.isEmpty)
    }

    @Test("a stored night whose reports were deleted gets the same reports back, without reconciling again")
    func missingReportsAreWrittenAgain() throws {
        let tmp = try TempFolder("rewrite")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let night = out + "/" + SampleNights.asOf[0]
        let arguments = SampleNights.arguments(night: 1, db: db, out: out) + ["--no-mail"]
        try #require(try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path).status == 0)
        let fm = FileManager.default
        let before = try Self.contents(of: night)
        let stored = try SQLiteShell.run(db, "SELECT id, created_at FROM run")
        try fm.removeItem(atPath: night)

        let again = try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path)
        try #require(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("writing its missing reports"), "\(again.stderr)")
        #expect(try SQLiteShell.run(db, "SELECT id, created_at FROM run") == stored, "the night was reconciled again")
        #expect(try Self.contents(of: night) == before, "the reports differ from the first run's")
    }

    @Test("a night stored by a run stopped before publishing: the next run replaces the earlier run's reports")
    func olderReportsAreWrittenAgain() throws {
        let tmp = try TempFolder("older")
        let db = tmp.file("zicha.sqlite"), out = tmp.file("Reports")
        let night = out + "/" + SampleNights.asOf[0]
        let first = SampleNights.arguments(night: 1, db: db, out: out) + ["--no-mail"]
        try #require(try ZichaBinary.run(arguments: first, cwd: PackagePaths.root.path).status == 0)
        try FileManager.default.copyItem(atPath: night, toPath: tmp.file("first-reports"))
        // A late log for the same night: stored and published; then the first run's folder put back, as a run
        // killed between storing the night and publishing its reports leaves it.
        let late = try tmp.write("时间,身份证号,姓名,事件\n2026-11-28 22:00:00,420102200703150113,王晓明,自查完成\n", to: "late.csv")
        let second = first + ["--log", late]
        try #require(try ZichaBinary.run(arguments: second, cwd: PackagePaths.root.path).status == 0)
        let want = try Self.contents(of: night)
        #expect(want != (try Self.contents(of: tmp.file("first-reports"))))
        try FileManager.default.removeItem(atPath: night)
        try FileManager.default.moveItem(atPath: tmp.file("first-reports"), toPath: night)

        let again = try ZichaBinary.run(arguments: second, cwd: PackagePaths.root.path)
        try #require(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("its reports are older than its last run; writing them again"), "\(again.stderr)")
        #expect(try Self.contents(of: night) == want)
    }

    /// Every file of a folder (relative path → bytes).
    static func contents(of folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: folder)
        while let name = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            }
        }
        return files
    }

    @Test("a bad --as-of is a usage error (exit 1) and touches nothing",
          arguments: ["2026-13-45", "yesterday", "2026-11-2", "20261128", "2026-02-30", "2026.11.28", "2026/11/28", "2126-11-28", "2026-11-2 ", "2026-11-2\t"])
    func badAsOf(_ asOf: String) throws {
        let tmp = try TempFolder("cli")
        let run = try ZichaBinary.run(arguments: [
            "nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt",
            "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"), "--as-of", asOf,
        ])
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("--as-of"), "the message names the option:\n\(run.stderr)")
        #expect(tmp.contents().isEmpty, "a usage error created \(tmp.contents())")
    }

    @Test("a configuration with a misspelt setting, a bad deadline, a moved event label or no SMTP password is refused at start",
          arguments: [
            (#"{"mial": {"transport": "smtp", "from": "x@example.edu.cn"}}"#, #"unknown setting "mial""#),
            (#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "prot": 25, "from": "x@example.edu.cn"}}"#, #"unknown setting "mail.prot""#),
            (#"{"mail": {"transport": "smtp", "port": "25", "from": "x@example.edu.cn"}}"#, "mail.port should be a whole number"),
            (#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "tls": "bogus", "from": "x@example.edu.cn"}}"#,
             #"mail.tls: "bogus" is not one of "starttls", "implicit", "none""#),
            (#"{"mail": {"transport": "smpt", "from": "x@example.edu.cn"}}"#, #"mail.transport: "smpt" is not one of "none", "smtp", "sendmail""#),
            (#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "tls": "none", "totalTimeoutSeconds": 0, "from": "x@example.edu.cn"}}"#,
             "mail.totalTimeoutSeconds 0 must be at least 1 second"),
            (#"{"mail": {"transport": "sendmail", "sendmailCommand": "/usr/sbin/sendmail -i", "sendmailTimeoutSeconds": 0, "from": "x@example.edu.cn"}}"#,
             "mail.sendmailTimeoutSeconds 0 must be at least 1 second"),
            (#"{"deadline": "15/12/2026"}"#, #"deadline "15/12/2026" is not a day"#),
            (#"{"events": {"unchecked": ["已查"]}}"#, #"label "已查" to unchecked, but it already means checked"#),
            (#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "tls": "none", "username": "u", "from": "x@example.edu.cn"}}"#,
             "ZICHA_SMTP_PASSWORD"),
            ("{", "not valid JSON"),
          ])
    func badConfiguration(_ json: String, _ words: String) throws {
        let tmp = try TempFolder("cli-config")
        let config = try tmp.write(json, to: "zicha.json")
        let run = try ZichaBinary.run(arguments: [
            "nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt",
            "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"), "--as-of", "2026-11-28", "--config", config, "-q",
        ], environment: ["ZICHA_SMTP_PASSWORD": ""])
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains(words), "\(run.stderr)")
        #expect(tmp.contents() == ["zicha.json"], "nothing imported nor written: \(tmp.contents())")
    }

    @Test("mail to a server that cannot be reached: the reports are written, the run says so and exits 1, even with --quiet")
    func unreachableMailServer() throws {
        let tmp = try TempFolder("cli-mail")
        // Port 9 on this machine: nothing listens there (connection refused)
        let run = try Self.nightWithMail(to: 9, in: tmp)
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("127.0.0.1:9 could not be reached"), "\(run.stderr)")
        #expect(!run.stderr.contains("ExitCode"), "\(run.stderr)")
        #expect(run.stderr.contains("warning: a new database was created for this night"), "said although the mail failed: \(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.file("Reports/2026-11-28/findings.json")), "the night's reports are published")
        #expect(try !String(contentsOfFile: tmp.file("Reports/2026-11-28/outbox/messages.tsv"), encoding: .utf8).isEmpty)
    }

    @Test("mail to a server that takes the connection and never answers: stopped after the first message's three tries, as if not there")
    func silentMailServer() throws {
        let listener = try SilentListener()
        let tmp = try TempFolder("cli-mail")
        let run = try Self.nightWithMail(to: listener.port, in: tmp, extra: #", "connectTimeoutSeconds": 1, "totalTimeoutSeconds": 1"#)
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("mail stopped: 127.0.0.1:\(listener.port) could not be reached after 3 tries"), "\(run.stderr)")
        #expect(!run.stderr.contains("ExitCode"), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.file("Reports/2026-11-28/findings.json")), "the night's reports are published")
        let ledger = try SQLiteShell.run(tmp.file("zicha.sqlite"), "SELECT status, attempts FROM delivery")
        #expect(ledger.trimmingCharacters(in: .whitespacesAndNewlines) == "failed|3", "only the first message was tried: \(ledger)")
    }

    @Test("a counselor's message the server refuses for now: the others go, the run says so once and exits 1")
    func temporaryRefusal() throws {
        let server = try SMTPTestServer(["--reject-rcpt", "zhao.laoshi@example.com", "--rcpt-reply", "450 4.2.1 mailbox busy, try again later"],
                                        tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail")
        let run = try Self.nightWithMail(to: server.port, in: tmp)
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("mail to 赵老师 <zhao.laoshi@example.com> failed after 3 tries: "
            + "the server answered RCPT TO with 450 4.2.1 mailbox busy, try again later"), "\(run.stderr)")
        #expect(run.stderr.contains("the next run of this night tries again"), "\(run.stderr)")
        #expect(!run.stderr.contains("ExitCode"), "a Swift value in the output: \(run.stderr)")
        #expect(try server.received().count == 3, "the other counselors are mailed")
    }

    @Test("a counselor address the server refuses for good is reported like a malformed one: its words, the counselor, exit 0")
    func permanentRefusalOfAnAddress() throws {
        let server = try SMTPTestServer(["--reject-rcpt", "zhao.laoshi@example.com", "--rcpt-reply", "550 5.1.1 user unknown"], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail")
        let run = try Self.nightWithMail(to: server.port, in: tmp)
        #expect(run.status == 0, "no retry can help, so the night is not failed: exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("error: counselor 赵老师's address zhao.laoshi@example.com was refused by 127.0.0.1:\(server.port): "
            + "550 5.1.1 user unknown; their list was not mailed"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: correct 赵老师's address in the counselor list"), "\(run.stderr)")
        #expect(!run.stderr.contains("tries again"), "\(run.stderr)")
        #expect(try server.received().count == 3, "the other counselors are mailed")
    }

    @Test("a connection that ends after a message's data without the server's answer: may or may not have arrived, exit 1; --resend unknown sends it again")
    func aMessageOfUnknownFate() throws {
        let server = try SMTPTestServer(["--drop-after-data", "li.laoshi@example.com"], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail-unknown")
        let run = try Self.nightWithMail(to: server.port, in: tmp)
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("error: mail to 1 counselor may or may not have arrived (above)"), "\(run.stderr)")
        #expect(run.stderr.contains("run this night again with --resend unknown"), "\(run.stderr)")
        #expect(try server.received().count == 4, "the others mailed; the dropped one saved by the server")
        // Run again: not resent on its own, and said again (a warning), but no new unknown: exit 0
        let again = try Self.night1Again(in: tmp, extra: ["-q"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("may or may not have arrived"), "\(again.stderr)")
        #expect(try server.received().count == 4)
        let resent = try Self.night1Again(in: tmp, extra: ["-q", "--resend", "unknown"])
        #expect(try server.received().count == 5, "\(resent.stderr)")
    }

    @Test("a counselor's mail compares the list with the one they last received: a night run --no-mail between is not what they read")
    func listChangesSinceTheLastMail() throws {
        let server = try SMTPTestServer([], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-changes")
        try #require(try Self.nightWithMail(to: server.port, in: tmp).status == 0)
        let late = try Self.lateCheck(in: tmp)
        func night(_ asOf: String, _ extra: [String]) throws -> ProcessResult {
            try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt", "--log", late,
                                            "--counselors", "SampleData/night1/counselors.csv", "--db", tmp.file("zicha.sqlite"),
                                            "--out", tmp.file("Reports"), "--as-of", asOf, "--config", tmp.file("zicha.json"), "-q"] + extra)
        }
        // 李静 checks late on 11-28; 11-29 runs without mail; 11-30 is mailed
        try #require(try night("2026-11-29", ["--no-mail"]).status == 0)
        let third = try night("2026-11-30", [])
        try #require(third.status == 0, "\(third.stderr)")
        let received = try server.received()
        #expect(received.count == 8, "four counselors, two mailed nights")
        let li = try #require(received.last { $0.rcpt == ["li.laoshi@example.com"] })
        let text = PrivacyTests.decodedMail(try String(contentsOf: li.file, encoding: .utf8))
        #expect(text.contains("与 2026-11-28 的名单相比：不再列出 1 人：李静（已完成自查）。"), "\(text)")
    }

    @Test("a server that rate-limits the sender (451 to MAIL FROM): the first message tried three times, then one error, the rest wait, exit 1")
    func aSenderRefusedForNow() throws {
        let server = try SMTPTestServer(["--mail-reply", "451 4.7.1 rate limited, try again later"], tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail")
        let run = try Self.nightWithMail(to: server.port, in: tmp)
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        let mailErrors = run.stderr.split(separator: "\n").filter { $0.contains("error:") && $0.contains("mail") }
        #expect(mailErrors.count == 1, "one error for the night's mail, not one per counselor: \(run.stderr)")
        #expect(run.stderr.contains("error: mail stopped: 127.0.0.1:\(server.port) refused mail for now: the server answered MAIL FROM with "
            + "451 4.7.1 rate limited, try again later (3 tries of the message to"), "\(run.stderr)")
        #expect(server.connections() == 3, "the first message's three tries, no other counselor's")
        let ledger = try SQLiteShell.run(tmp.file("zicha.sqlite"), "SELECT status, attempts FROM delivery")
        #expect(ledger.trimmingCharacters(in: .whitespacesAndNewlines) == "failed|3", "\(ledger)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.file("Reports/2026-11-28/outbox")).filter { $0.hasSuffix(".eml") }.count == 4,
                "every message waits in the outbox")
    }

    @Test("a server that refuses to relay for every counselor alike, in words only (qmail's rcpthosts): the server's refusal, exit 1, no address blamed")
    func aRelayRefusalOfEveryCounselor() throws {
        let server = try SMTPTestServer(["--reject-rcpt", "*", "--rcpt-reply", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"],
                                        tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail")
        let run = try Self.nightWithMail(to: server.port, in: tmp)
        #expect(run.status == 1, "nothing was delivered: exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("error: mail stopped: 127.0.0.1:\(server.port) refused all 4 counselors with the same answer to RCPT TO"), "\(run.stderr)")
        #expect(run.stderr.contains("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), "\(run.stderr)")
        #expect(!run.stderr.contains("correct") && !run.stderr.contains("was refused by"), "no counselor's address is blamed: \(run.stderr)")
        let ledger = try SQLiteShell.run(tmp.file("zicha.sqlite"), "SELECT DISTINCT status FROM delivery")
        #expect(ledger.trimmingCharacters(in: .whitespacesAndNewlines) == "failed", "tried again on the next run: \(ledger)")
    }

    @Test("--resend of an address the night has no message to, or one delivered normally: an error naming it and the night, exit 1")
    func resendOfAnAddressWithoutAMessageOfUnknownFate() throws {
        let server = try SMTPTestServer(tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail-resend")
        try #require(try Self.nightWithMail(to: server.port, in: tmp).status == 0)
        let mailed = try server.received().count
        // A typo: no message of the night to it
        let typo = try Self.night1Again(in: tmp, extra: ["--resend", "li.loashi@example.com"])
        #expect(typo.status == 1, "exit \(typo.status)\n\(typo.stderr)")
        #expect(typo.stderr.contains("error: --resend \"li.loashi@example.com\": the night 2026-11-28 has no message to this address"), "\(typo.stderr)")
        #expect(!typo.stderr.contains("laoshi@example.com"), "no other counselor's address is listed: \(typo.stderr)")
        // A message the server took: what --resend is for, and nothing sent
        let sent = try Self.night1Again(in: tmp, extra: ["--resend", "li.laoshi@example.com"])
        #expect(sent.status == 1, "exit \(sent.status)\n\(sent.stderr)")
        #expect(sent.stderr.contains("error: --resend \"li.laoshi@example.com\": the message of the night 2026-11-28 to this address was delivered"),
                "\(sent.stderr)")
        #expect(sent.stderr.contains("--resend sends again only a message that a run of this night said"), "\(sent.stderr)")
        #expect(try server.received().count == mailed)
    }

    @Test("an earlier night run again after a later one was mailed is not mailed (older lists), and keeps its outbox")
    func anEarlierNightAfterALaterOneMailed() throws {
        let server = try SMTPTestServer(tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail-order")
        // Given night 1 and night 2 mailed
        let first = try Self.nightWithMail(to: server.port, in: tmp)
        try #require(first.status == 0, "\(first.stderr)")
        var second = SampleNights.arguments(night: 2, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports"))
        second[second.firstIndex(of: "SampleData/zicha.json")!] = tmp.file("zicha.json")
        try #require(try ZichaBinary.run(arguments: second + ["-q"]).status == 0)
        let mailed = try server.received().count
        let outbox = try FileManager.default.contentsOfDirectory(atPath: tmp.file("Reports/2026-11-28/outbox")).sorted()
        // When night 1 runs again with a late log, with mail, then without
        let late = try Self.lateCheck(in: tmp)
        let again = try Self.night1Again(in: tmp, logs: [late])
        // Then nobody gets night 1's older lists after night 2's, and its outbox still shows what was sent
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("warning: the night 2026-11-29 was mailed already: the lists of 2026-11-28 are older and are not mailed"),
                "\(again.stderr)")
        #expect(try server.received().count == mailed)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.file("Reports/2026-11-28/outbox")).sorted() == outbox)
        let findings = try FindingsFile(path: tmp.file("Reports/2026-11-28/findings.json"))
        #expect(findings.studentsByKsh["26420101000002"]?["state"] as? String == "checked", "the reports are written again")
    }

    @Test("a night days after today (an --as-of typo) gets its reports, no mail, and a warning even under --quiet")
    func aNightAheadIsNotMailed() throws {
        let server = try SMTPTestServer(tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail-ahead")
        let today = try #require(EventTime.dayNumber(Pipeline.today()))
        let ahead = EventTime.day(daysSince1970: today + 5)
        // Given night 1's files run as of five days from now, with mail configured
        _ = try tmp.write(#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "port": \#(server.port), "tls": "none", "from": "xueji@example.edu.cn"}}"#,
                          to: "zicha.json")
        var arguments = SampleNights.arguments(night: 1, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports"))
        arguments[arguments.firstIndex(of: "SampleData/zicha.json")!] = tmp.file("zicha.json")
        arguments[arguments.firstIndex(of: SampleNights.asOf[0])!] = ahead
        let run = try ZichaBinary.run(arguments: arguments + ["-q"])
        // Then the reports are written, nobody is mailed, and the run says why
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: the night \(ahead) is after today (\(Pipeline.today()) in Asia/Shanghai): its reports are written, "
                                    + "its lists are not mailed"), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.file("Reports/\(ahead)/findings.json")))
        #expect(!FileManager.default.fileExists(atPath: tmp.file("Reports/\(ahead)/outbox")))
        #expect(try server.received().isEmpty)
    }

    @Test("a night run again with changed files after its mail went out keeps each sent message in its outbox as it went")
    func theOutboxKeepsWhatWasSent() throws {
        let server = try SMTPTestServer(tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail-sent")
        let first = try Self.nightWithMail(to: server.port, in: tmp)
        try #require(first.status == 0, "\(first.stderr)")
        let outbox = tmp.file("Reports/2026-11-28/outbox")
        func messages() throws -> [String: Data] {
            Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".eml") }
                .map { ($0, try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + $0))) })
        }
        let sent = try messages()
        let mailed = try server.received().count
        // When the night runs again with a late log that changes 李静's state (so her counselor's list)
        let late = try Self.lateCheck(in: tmp)
        let again = try Self.night1Again(in: tmp, logs: [late], extra: ["-q"])
        // Then nobody is mailed twice, and the outbox still holds the messages that went, byte for byte
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.received().count == mailed)
        #expect(try messages() == sent)
        let findings = try FindingsFile(path: tmp.file("Reports/2026-11-28/findings.json"))
        #expect(findings.studentsByKsh["26420101000002"]?["state"] as? String == "checked", "the reports are written again")
    }

    @Test("a sent message stays in the outbox when a re-run of the night gives its counselor no list")
    func aSentMessageStaysWhenItsCounselorHasNoListAnyMore() throws {
        let server = try SMTPTestServer(tls: false)
        defer { server.stop() }
        let tmp = try TempFolder("cli-mail-gone")
        try #require(try Self.nightWithMail(to: server.port, in: tmp).status == 0)
        let outbox = tmp.file("Reports/2026-11-28/outbox")
        let li = try #require(try FileManager.default.contentsOfDirectory(atPath: outbox).first { $0.hasPrefix("李老师") })
        let sent = try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + li))
        // When the night runs again with a counselor list that no longer names 李老师
        let counselors = try tmp.write("班级,学院,辅导员,邮箱\n计科2602,计算机学院,王老师,wang.laoshi@example.com\n"
            + "电信2601,电子信息学院,赵老师,zhao.laoshi@example.com\n,经济管理学院,孙老师,sun.laoshi@example.com\n", to: "counselors.csv")
        let again = try Self.night1Again(in: tmp, counselors: counselors, extra: ["-q"])
        #expect(again.status == 0, "\(again.stderr)")
        // Then what 李老师 got is still there, and listed
        #expect(try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + li)) == sent)
        #expect(try String(contentsOfFile: outbox + "/messages.tsv", encoding: .utf8).contains(li))
    }

    @Test("messages composed before a --no-mail run changed the night's results are composed again, not mailed stale")
    func anOutboxKeptByANoMailRunIsNotMailedStale() throws {
        let tmp = try TempFolder("cli-mail-stale")
        // Given a night whose mail could not go (nothing listens on port 9): its outbox waits, composed
        let down = try Self.nightWithMail(to: 9, in: tmp)
        try #require(down.status == 1, "\(down.stderr)")
        let outbox = tmp.file("Reports/2026-11-28/outbox")
        let li = try #require(try FileManager.default.contentsOfDirectory(atPath: outbox).first { $0.hasPrefix("李老师") })
        let composed = try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + li))
        // When a --no-mail run adds a late log (李静 checked), then the server is back and the same night runs again
        let late = try Self.lateCheck(in: tmp)
        let server = try SMTPTestServer(tls: false)
        defer { server.stop() }
        _ = try tmp.write(#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "port": \#(server.port), "tls": "none", "from": "xueji@example.edu.cn"}}"#,
                          to: "zicha.json")
        try #require(try Self.night1Again(in: tmp, logs: [late], extra: ["-q", "--no-mail"]).status == 0)
        let again = try Self.night1Again(in: tmp, logs: [late], extra: ["-q"])
        // Then the messages that go are composed from the night as it is now
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.received().count == 4)
        #expect(try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + li)) != composed, "李老师's list changed with the late log")
    }

    /// Night 1 with mail to the plain SMTP server on 127.0.0.1:`port`, `-q`.
    static func nightWithMail(to port: Int, in tmp: TempFolder, extra: String = "") throws -> ProcessResult {
        _ = try tmp.write(#"{"mail": {"transport": "smtp", "host": "127.0.0.1", "port": \#(port), "tls": "none", "from": "xueji@example.edu.cn"\#(extra)}}"#,
                          to: "zicha.json")
        return try night1Again(in: tmp, extra: ["-q"])
    }

    /// Night 1 into `tmp`'s zicha.sqlite and Reports/ with its zicha.json: `logs` after the night's own log, `counselors`
    /// instead of the night's list, `extra` options.
    static func night1Again(in tmp: TempFolder, logs: [String] = [], counselors: String = "SampleData/night1/counselors.csv",
                            extra: [String] = []) throws -> ProcessResult {
        try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt"]
            + logs.flatMap { ["--log", $0] } + ["--counselors", counselors, "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"),
                                                "--as-of", "2026-11-28", "--config", tmp.file("zicha.json")] + extra)
    }

    /// A log in `tmp` in which 李静 (计科2601, 李老师's) completes her check late on night 1.
    static func lateCheck(in tmp: TempFolder) throws -> String {
        try tmp.write("时间,身份证号,姓名,事件,说明\n2026-11-28 21:00:00,420103200611220221,李静,自查完成,\n", to: "late.csv")
    }

    @Test("a night run again after a later one lists each set-aside row once")
    func rejectsOfANightRunAgain() throws {
        let tmp = try TempFolder("cli-rejects")
        for night in [1, 2, 1] {
            let run = try SampleNights.run(night: night, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports"))
            try #require(run.status == 0, "night \(night): \(run.stderr)")
        }
        let lines = try String(contentsOfFile: tmp.file("Reports/2026-11-28/rejects.csv"), encoding: .utf8)
            .components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count > 2, "the sample sets rows aside: \(lines)")
        #expect(Set(lines).count == lines.count, "a roster imported again that night is listed once: \(lines)")
    }


    @Test("a roster cut short (an export still being written) is refused, the night left as it was; --accept-departures takes it")
    func aPartialRosterIsRefused() throws {
        let tmp = try TempFolder("cli-partial-roster")
        let first = try SampleNights.run(night: 1, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports"))
        try #require(first.status == 0, "\(first.stderr)")
        // Given night 2 with a roster of its header and first 9 students (the sample's roster has 44)
        let lines = try Data(contentsOf: PackagePaths.root.appendingPathComponent("SampleData/night2/roster.csv"))
            .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let partial = try tmp.write(Data(lines.prefix(10).joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]), to: "roster.csv")
        var arguments = SampleNights.arguments(night: 2, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports"))
        arguments[arguments.firstIndex(of: "SampleData/night2/roster.csv")!] = partial
        let before = try SQLiteShell.run(tmp.file("zicha.sqlite"), "SELECT count(*) FROM student WHERE left_on IS NULL; SELECT count(*) FROM run")
        // Then it is refused as an unreadable input, even under --quiet, and nothing of the night is kept
        let refused = try ZichaBinary.run(arguments: arguments + ["--quiet"], cwd: PackagePaths.root.path)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("roster.csv: error: this roster would mark "), "\(refused.stderr)")
        #expect(refused.stderr.contains("--accept-departures"), "\(refused.stderr)")
        #expect(try SQLiteShell.run(tmp.file("zicha.sqlite"), "SELECT count(*) FROM student WHERE left_on IS NULL; SELECT count(*) FROM run") == before)
        #expect(!FileManager.default.fileExists(atPath: tmp.file("Reports/2026-11-29")))
        // And taken when the office says the students did leave
        let taken = try ZichaBinary.run(arguments: arguments + ["--accept-departures", "--no-mail"], cwd: PackagePaths.root.path)
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stderr.contains("students are no longer on the roster and are marked as left"), "\(taken.stderr)")
    }
    @Test("no --log is a usage error (exit 1)")
    func missingLog() throws {
        let tmp = try TempFolder("cli")
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--db", tmp.file("z.sqlite")])
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("--log"), "\(run.stderr)")
        #expect(tmp.contents().isEmpty)
    }

    @Test("--encoding GBK is read as GB18030; files with a byte order mark keep theirs")
    func gbkIsAnEncodingName() throws {
        // Given night 1: a GB18030 roster without a mark, a UTF-16LE log with one, an ASCII counselor list
        let tmp = try TempFolder("cli-gbk")
        for (folder, extra) in [("plain", [String]()), ("gbk", ["--encoding", "GBK"])] {
            let run = try ZichaBinary.run(arguments: SampleNights.arguments(night: 1, db: tmp.file(folder + ".sqlite"), out: tmp.file(folder))
                                          + extra + ["--no-mail"], cwd: PackagePaths.root.path)
            #expect(run.status == 0, "\(folder): \(run.stderr)")
        }
        // Then the night reads as without the option
        let plain = try String(contentsOfFile: tmp.file("plain/2026-11-28/findings.json"), encoding: .utf8)
        #expect(try String(contentsOfFile: tmp.file("gbk/2026-11-28/findings.json"), encoding: .utf8) == plain)
    }

    @Test("the night that creates the database says so, even under --quiet; later nights do not")
    func aNewDatabaseIsAnnounced() throws {
        let tmp = try TempFolder("cli-new-db")
        var said: [Bool] = []
        for night in [1, 2] {
            let run = try ZichaBinary.run(arguments: SampleNights.arguments(night: night, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports"))
                                          + ["--no-mail", "--quiet"], cwd: PackagePaths.root.path)
            #expect(run.status == 0, "\(run.stderr)")
            said.append(run.stderr.contains("warning: a new database was created for this night: "))
        }
        #expect(said == [true, false])
    }

    @Test("a new night whose every file came in before says so, even under --quiet (stale exports)")
    func staleExportsAreSaid() throws {
        let tmp = try TempFolder("cli-stale")
        var arguments = SampleNights.arguments(night: 1, db: tmp.file("zicha.sqlite"), out: tmp.file("Reports")) + ["--no-mail", "--quiet"]
        let first = try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path)
        try #require(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("came in on an earlier night"))
        arguments[arguments.firstIndex(of: SampleNights.asOf[0])!] = SampleNights.asOf[1]
        let stale = try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path)
        #expect(stale.status == 0, "\(stale.stderr)")
        #expect(stale.stderr.contains("warning: every input of the night 2026-11-29 came in on an earlier night"), "\(stale.stderr)")
        // A missed night run late, with the files a later night imported: nothing is stale.
        arguments[arguments.firstIndex(of: SampleNights.asOf[1])!] = "2026-11-19"
        let late = try ZichaBinary.run(arguments: arguments, cwd: PackagePaths.root.path)
        #expect(late.status == 0, "\(late.stderr)")
        #expect(late.stderr.isEmpty, "a missed night run late is quiet\n\(late.stderr)")
    }

    @Test("a one-character --db and --out, relative to the working folder, work")
    func oneCharacterPaths() throws {
        let tmp = try TempFolder("cli-one-char")
        let root = PackagePaths.root.path
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", root + "/SampleData/night1/roster.csv", "--log", root + "/SampleData/night1/log.txt",
                                                  "--db", "d", "--out", "R", "--as-of", "2026-11-28", "--no-mail", "-q"], cwd: tmp.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp.file("R/2026-11-28/findings.json")))
    }

    @Test("no --roster and an unknown option are usage errors (exit 1)",
          arguments: [["nightly", "--log", "SampleData/night1/log.txt"], ["nightly", "--frobnicate"],
                      ["nightly", "--roster", "x.csv", "--log", "y.csv", "--encoding", "latin-9"]])
    func otherUsageErrors(_ arguments: [String]) throws {
        let run = try ZichaBinary.run(arguments: arguments)
        #expect(run.status == 1, "exit \(run.status)\n\(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }
}
