import Foundation
import Testing
import ZichaTestSupport
@testable import ZichaKit

/// Records the pauses a mailer asks for instead of sleeping.
final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    var pauses: [Double] { lock.withLock { values } }
    func record(_ seconds: Double) { lock.withLock { values.append(seconds) } }
}

@Suite(.serialized) struct MailDeliveryTests {
    static let environment = ["ZICHA_TEST_SMTP_PASSWORD": SMTPTestServer.password]

    func mailer(_ settings: MailSettings?, _ database: AppDatabase, outbox: URL, sleeps: SleepLog = SleepLog()) throws -> CounselorMailer {
        let mailer = CounselorMailer(settings: settings, environment: Self.environment, database: database,
                                     catalog: try MailFixture.catalog, asOf: MailFixture.asOf, deadline: "2026-12-15", outbox: outbox)
        mailer.sleep = { sleeps.record($0) }
        return mailer
    }

    @Test func deliversOneMessagePerCounselorOnceOverSTARTTLS() throws {
        // Given a server requiring STARTTLS and AUTH, and a night with two counselors and an injected Bcc
        let server = try SMTPTestServer()
        defer { server.stop() }
        let database = try AppDatabase()
        var lists = MailFixture.lists
        lists.append(CounselorList(counselor: "赵六", email: "x@example.com\r\nBcc: evil@example.com", colleges: ["数学学院"],
                                   rows: [MailFixture.row("24110301000001", "钱七", college: "数学学院")]))
        let outbox = server.folder.appendingPathComponent("outbox")
        var settings = server.settings()
        settings.ratePerMinute = 60
        let sleeps = SleepLog()

        // When the mailer runs
        let outcome = try mailer(settings, database, outbox: outbox, sleeps: sleeps).run(lists: lists, diagnostics: DiagnosticCollector())

        // Then each counselor got exactly one message, over TLS, after AUTH, decoding exactly
        #expect(outcome.sent == 2)
        #expect(outcome.refused.count == 1)
        #expect(outcome.failed.isEmpty && outcome.unknown.isEmpty)
        let received = try server.received()
        #expect(received.map(\.rcpt) == [["zhangwei@example.edu.cn"], ["lina@example.edu.cn"]])
        #expect(received.allSatisfy { $0.tls && $0.auth })
        let parsed = try MailFixture.parse(received.map(\.file))
        #expect(parsed.map { $0["subject"] as? String } == ["【学籍自查】2026-11-29 待跟进学生 3 人（计算机学院）",
                                                           "【学籍自查】2026-11-29 待跟进学生 1 人（外国语学院）"])
        #expect(parsed.map { $0["to"] as? [[String]] } == [[["张伟", "zhangwei@example.edu.cn"]], [["李娜", "lina@example.edu.cn"]]])
        #expect(parsed.allSatisfy { $0["from_name"] as? String == "学籍科" })
        #expect(parsed.map { $0["attachment_filename"] as? String } == ["学籍自查待跟进_2026-11-29_张伟.csv", "学籍自查待跟进_2026-11-29_李娜.csv"])
        #expect(parsed.allSatisfy { !($0["header_names"] as? [String] ?? ["bcc"]).contains { $0.lowercased() == "bcc" } })
        #expect(parsed.allSatisfy { !(($0["raw_header"] as? String) ?? "evil").contains("evil") })
        let composer = MessageComposer(from: try MailAddress(address: "xueji@example.edu.cn", name: "学籍科"), replyTo: nil,
                                       catalog: try MailFixture.catalog, asOf: MailFixture.asOf, deadline: nil, deadlineText: nil)
        #expect(parsed.map { $0["csv"] as? String } == MailFixture.lists.map { MessageComposer.csv(composer.cells(for: $0)) })
        // The outbox holds the very bytes the server received.
        let sentBytes = try Data(contentsOf: received[0].file)
        let outboxBytes = try Data(contentsOf: outbox.appendingPathComponent("张伟_zhangwei@example.edu.cn.eml"))
        #expect(sentBytes == outboxBytes)
        #expect(try database.deliveries(asOf: MailFixture.asOf).map(\.status) == [.sent, .sent])
        #expect(sleeps.pauses.count <= 1 && sleeps.pauses.allSatisfy { $0 > 0 && $0 <= 1 })  // 60 a minute: one second apart

        // When the night runs again, nothing is sent twice
        let again = try mailer(server.settings(), database, outbox: outbox).run(lists: lists, diagnostics: DiagnosticCollector())
        #expect(again.sent == 0)
        #expect(again.alreadySent == 2)
        #expect(try server.received().count == 2)
    }

    @Test func aNightRunAgainWithAnotherListWarnsOfTheCounselorsHoldingTheOldOne() throws {
        // Given a night mailed to both counselors
        let server = try SMTPTestServer()
        defer { server.stop() }
        let database = try AppDatabase()
        let outbox = server.folder.appendingPathComponent("outbox")
        _ = try mailer(server.settings(), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())

        // When it runs again unchanged, nothing is said; when the files were corrected (张伟 has one student less, 李娜 none)
        let unchanged = DiagnosticCollector()
        _ = try mailer(server.settings(), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: unchanged)
        #expect(unchanged.warnings.isEmpty, "\(unchanged.warnings)")
        var lists = [MailFixture.lists[0]]
        lists[0].rows.removeLast()
        let diagnostics = DiagnosticCollector()
        let again = try mailer(server.settings(), database, outbox: outbox).run(lists: lists, diagnostics: diagnostics)

        // Then no one is mailed twice, and one warning, shown under --quiet too, names both with their lists now
        #expect(again.sent == 0)
        #expect(try server.received().count == 2)
        let warning = try #require(diagnostics.warnings.first)
        #expect(diagnostics.warnings.count == 1)
        #expect(warning.message == "2 counselors got this night's mail before its files changed, and now have another list: "
                    + "张伟 <zhangwei@example.edu.cn> (now 2 students), 李娜 <lina@example.edu.cn> (now 0 students)")
        #expect(warning.evenWhenQuiet && warning.hint?.contains("counselors/ folder") == true)
    }

    @Test func aTemporaryFailureIsRetriedAndDeliversOnce() throws {
        let server = try SMTPTestServer(["--fail-data-once"])
        defer { server.stop() }
        let database = try AppDatabase()
        let sleeps = SleepLog()
        let outcome = try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"), sleeps: sleeps)
            .run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(outcome.sent == 2)
        #expect(outcome.failed.isEmpty)
        #expect(try server.received().map(\.rcpt) == [["zhangwei@example.edu.cn"], ["lina@example.edu.cn"]])
        #expect(sleeps.pauses == [1])
        let first = try #require(try database.delivery(asOf: MailFixture.asOf, recipient: "zhangwei@example.edu.cn"))
        #expect(first.status == .sent && first.attempts == 2)
    }

    @Test func aDropAfterTheDataIsUnknownAndNeverResentBlindly() throws {
        let server = try SMTPTestServer(["--drop-after-data", "lina@example.edu.cn"])
        defer { server.stop() }
        let database = try AppDatabase()
        let outbox = server.folder.appendingPathComponent("outbox")
        let diagnostics = DiagnosticCollector()
        let outcome = try mailer(server.settings(), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: diagnostics)
        #expect(outcome.sent == 1)
        #expect(outcome.unknown.count == 1)
        #expect(outcome.unknown.first?.contains("lina@example.edu.cn") == true)
        #expect(diagnostics.warnings.count == 1)
        #expect(try database.delivery(asOf: MailFixture.asOf, recipient: "lina@example.edu.cn")?.status == .unknown)
        #expect(try server.received().count == 2)  // the server did get it: exactly why it must not go again

        let again = try mailer(server.settings(), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(again.sent == 0 && again.alreadySent == 1 && again.unknown.count == 1)
        #expect(try server.received().count == 2)
    }

    /// `count` counselors of one student each, `fdy01@example.edu.cn` …
    private static func counselors(_ count: Int) -> [CounselorList] {
        (1...count).map { i in
            let n = String(format: "%02d", i)
            return CounselorList(counselor: "辅导员\(n)", email: "fdy\(n)@example.edu.cn", colleges: ["计算机学院"],
                                 rows: [MailFixture.row("241101010000\(n)", "学生\(n)")])
        }
    }

    @Test func messagesShareAConnectionUpToTwentyThenAnotherOpens() throws {
        // Given a server requiring STARTTLS and AUTH, and 23 counselors
        let server = try SMTPTestServer()
        defer { server.stop() }
        let outcome = try mailer(server.settings(), try AppDatabase(), outbox: server.folder.appendingPathComponent("outbox"))
            .run(lists: Self.counselors(23), diagnostics: DiagnosticCollector())
        // Then every message went, over TLS after the login, on two connections (20 messages, then 3)
        #expect(outcome.sent == 23 && outcome.failed.isEmpty && outcome.unknown.isEmpty)
        let received = try server.received()
        #expect(received.count == 23 && received.allSatisfy { $0.tls && $0.auth })
        #expect(Set(received.flatMap(\.rcpt)).count == 23)
        #expect(server.connections() == 2)
    }

    @Test func aMessageWithoutAFinalReplyEndsItsConnectionAndTheNextOpensAnother() throws {
        // Given a server that closes the connection after taking the second counselor's message, without answering it
        let server = try SMTPTestServer(["--drop-after-data", "fdy02@example.edu.cn"])
        defer { server.stop() }
        let database = try AppDatabase()
        let outcome = try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"))
            .run(lists: Self.counselors(3), diagnostics: DiagnosticCollector())
        // Then the first two shared a connection, the third went on a new one, and only the second's fate is unknown
        #expect(outcome.sent == 2 && outcome.unknown.count == 1 && outcome.unknown.first?.contains("fdy02@example.edu.cn") == true)
        #expect(try server.received().map(\.rcpt) == [["fdy01@example.edu.cn"], ["fdy02@example.edu.cn"], ["fdy03@example.edu.cn"]])
        #expect(server.connections() == 2)
        #expect(try database.deliveries(asOf: MailFixture.asOf).map(\.status) == [.sent, .unknown, .sent])
    }

    /// A server that takes `rcpt`'s message and never answers its end, and settings giving it 2 seconds.
    private func silentServer(after rcpt: String) throws -> (SMTPTestServer, MailSettings) {
        let server = try SMTPTestServer(["--hang-after-data", rcpt])
        var settings = server.settings()
        settings.totalTimeoutSeconds = 2
        return (server, settings)
    }

    @Test func aServerSilentAfterTheDataStopsTheMailAfterOneMessage() throws {
        // Given a server that takes the first counselor's message and never answers its end, and a short time limit
        let (server, settings) = try silentServer(after: "zhangwei@example.edu.cn")
        defer { server.stop() }
        let database = try AppDatabase()
        let diagnostics = DiagnosticCollector()
        // When two counselors are to be mailed
        let error = try #require(throws: ZichaError.self) {
            try mailer(settings, database, outbox: server.folder.appendingPathComponent("outbox"))
                .run(lists: MailFixture.lists, diagnostics: diagnostics)
        }
        // Then the first is unknown (the server has it: never resent blindly) and said so, the mail stops rather than
        // wait out the limit for every counselor, and the second is not tried: it goes on the next run
        #expect(error.kind == .mail)
        #expect(error.description.contains("gave no answer to the end of the message to 张伟 <zhangwei@example.edu.cn> within 2 s"), "\(error)")
        #expect(diagnostics.warnings.map(\.message).contains { $0.hasPrefix("mail to 张伟 <zhangwei@example.edu.cn> may or may not have arrived") })
        #expect(try database.delivery(asOf: MailFixture.asOf, recipient: "zhangwei@example.edu.cn")?.status == .unknown)
        #expect(try database.delivery(asOf: MailFixture.asOf, recipient: "lina@example.edu.cn") == nil)
        #expect(try server.received().count == 1)
    }

    @Test func aServerSilentAfterTheLastMessageEndsTheMailAsAnUnknownFate() throws {
        // Given a server silent at the end of the second (last) counselor's message
        let (server, settings) = try silentServer(after: "lina@example.edu.cn")
        defer { server.stop() }
        let database = try AppDatabase()
        let diagnostics = DiagnosticCollector()
        // When both are mailed, then nothing is left to stop: the first is sent, the last unknown, no failure
        let outcome = try mailer(settings, database, outbox: server.folder.appendingPathComponent("outbox"))
            .run(lists: MailFixture.lists, diagnostics: diagnostics)
        #expect(outcome.sent == 1 && outcome.unknown.count == 1 && outcome.failed.isEmpty)
        #expect(try database.delivery(asOf: MailFixture.asOf, recipient: "lina@example.edu.cn")?.status == .unknown)
    }

    @Test func aPendingRowFromAKilledRunIsReportedUnknownUntilTheOfficeDecides() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let database = try AppDatabase()
        try database.markDeliveryPending(asOf: MailFixture.asOf, recipient: "lina@example.edu.cn", counselor: "李娜", messageID: "x@example.edu.cn")
        let outbox = server.folder.appendingPathComponent("outbox")
        let outcome = try mailer(server.settings(), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(outcome.sent == 1 && outcome.unknown.count == 1)
        #expect(try database.delivery(asOf: MailFixture.asOf, recipient: "lina@example.edu.cn")?.status == .unknown)
        #expect(try server.received().map(\.rcpt) == [["zhangwei@example.edu.cn"]])

        // The office decides to send it again.
        let resend = try mailer(server.settings(), database, outbox: outbox)
        resend.resend = ["lina@example.edu.cn"]
        let second = try resend.run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(second.sent == 1 && second.alreadySent == 1)
        #expect(try server.received().map(\.rcpt) == [["zhangwei@example.edu.cn"], ["lina@example.edu.cn"]])
    }

    @Test func aBadPasswordStopsTheRunNamingTheServerButNotThePassword() throws {
        let server = try SMTPTestServer(["--auth-fail"])
        defer { server.stop() }
        let database = try AppDatabase()
        let error = try #require(throws: ZichaError.self) {
            try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"))
                .run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        }
        #expect(error.kind == .mail)
        #expect(error.description.contains("127.0.0.1:\(server.port)"))
        #expect(error.description.contains("login"))
        #expect(!error.description.contains(SMTPTestServer.password))
        #expect(try server.received().isEmpty)
        #expect(try database.deliveries(asOf: MailFixture.asOf).map(\.status) == [.failed])
    }

    @Test func anUntrustedCertificateStopsTheRun() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let error = try #require(throws: ZichaError.self) {
            try mailer(server.settings(caFile: false), try AppDatabase(), outbox: server.folder.appendingPathComponent("outbox"))
                .run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        }
        #expect(error.description.contains("TLS"))
        #expect(try server.received().isEmpty)
    }

    @Test func anAddressTheServerRefusesForGoodIsReportedLikeABadAddressWhileOthersStillGo() throws {
        let server = try SMTPTestServer(["--reject-rcpt", "zhangwei@example.edu.cn"])
        defer { server.stop() }
        let database = try AppDatabase()
        let sleeps = SleepLog()
        let diagnostics = DiagnosticCollector()
        let outcome = try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"), sleeps: sleeps)
            .run(lists: MailFixture.lists, diagnostics: diagnostics)
        #expect(outcome.sent == 1)
        #expect(outcome.failed.isEmpty, "not a failure of the night: \(outcome.failed)")
        #expect(outcome.refused == ["张伟: 550 5.1.1 <zhangwei@example.edu.cn>: Recipient address rejected: no such user"])
        let error = try #require(diagnostics.errors.first)
        #expect(diagnostics.errors.count == 1)
        #expect(error.message == "counselor 张伟's address zhangwei@example.edu.cn was refused by 127.0.0.1:\(server.port): "
            + "550 5.1.1 <zhangwei@example.edu.cn>: Recipient address rejected: no such user; their list was not mailed")
        #expect(error.hint?.contains("correct 张伟's address in the counselor list") == true, "\(error)")
        #expect(sleeps.pauses.isEmpty)  // permanent: no retry
        #expect(try server.received().map(\.rcpt) == [["lina@example.edu.cn"]])
        #expect(try database.delivery(asOf: MailFixture.asOf, recipient: "zhangwei@example.edu.cn")?.status == .failed)
    }

    /// Mails both counselors through a server answering RCPT TO of zhangwei@example.edu.cn with `reply`.
    private func mailBoth(refusingZhangWeiWith reply: String) throws -> (MailOutcome, DiagnosticCollector, SleepLog) {
        let server = try SMTPTestServer(["--reject-rcpt", "zhangwei@example.edu.cn", "--rcpt-reply", reply])
        defer { server.stop() }
        let sleeps = SleepLog()
        let diagnostics = DiagnosticCollector()
        let outcome = try mailer(server.settings(), try AppDatabase(), outbox: server.folder.appendingPathComponent("outbox"), sleeps: sleeps)
            .run(lists: MailFixture.lists, diagnostics: diagnostics)
        return (outcome, diagnostics, sleeps)
    }

    @Test(arguments: ["554 5.7.1 Relay access denied",
                      "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",  // qmail: the code only in the text
                      "550 Relaying denied",
                      "550 relay not permitted"])
    func aRefusalForPolicyIsAFailureOfTheMessageNotOfTheAddress(reply: String) throws {
        // Given a server that refuses to relay to one counselor: the sending setup's fault, not the address's
        let (outcome, diagnostics, sleeps) = try mailBoth(refusingZhangWeiWith: reply)
        // Then it fails (exit 1), shows the server's words, says it is about relaying and the settings, and is not tried
        // again in this run
        #expect(outcome.sent == 1 && outcome.refused.isEmpty, "not a wrong address: \(outcome.refused)")
        #expect(outcome.failed == ["张伟 <zhangwei@example.edu.cn>: the server answered RCPT TO with \(reply)"])
        let error = try #require(diagnostics.errors.first)
        #expect(diagnostics.errors.count == 1)
        #expect(error.message.contains("refuses to relay it (its rules, not the address)"), "\(error)")
        #expect(error.hint?.contains("check mail.host") == true && error.hint?.contains("mail.username") == true, "\(error)")
        #expect(error.hint?.contains("correct") == false, "\(error)")
        #expect(sleeps.pauses.isEmpty)
    }

    @Test func aTemporaryRefusalOfTheAddressIsRetriedThenFails() throws {
        let (outcome, diagnostics, sleeps) = try mailBoth(refusingZhangWeiWith: "450 4.2.1 Mailbox busy, try again later")
        #expect(outcome.sent == 1 && outcome.refused.isEmpty)
        #expect(outcome.failed == ["张伟 <zhangwei@example.edu.cn>: the server answered RCPT TO with 450 4.2.1 Mailbox busy, try again later"])
        #expect(diagnostics.errors.first?.hint == "the next run of this night tries again")
        #expect(sleeps.pauses == [1, 2])
    }

    /// Mails both counselors through a server started with `options` (TLS and AUTH) and expects the mail stopped at the
    /// first counselor's message after `tries` tries, with one error — the one that stops it — whose message holds
    /// `words`; the second counselor not tried (waiting in the outbox for the next run).
    @discardableResult
    private func expectMailStopped(_ options: [String], saying words: String, tries: Int) throws -> ZichaError {
        let server = try SMTPTestServer(options)
        defer { server.stop() }
        let database = try AppDatabase()
        let sleeps = SleepLog()
        let diagnostics = DiagnosticCollector()
        let error = try #require(throws: ZichaError.self) {
            try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"), sleeps: sleeps)
                .run(lists: MailFixture.lists, diagnostics: diagnostics)
        }
        #expect(error.kind == .mail)
        #expect(error.diagnostic.message.contains(words), "\(error)")
        #expect(diagnostics.errors.isEmpty, "one error, the one that stops the mail: \(diagnostics.errors)")
        #expect(sleeps.pauses == Array([1.0, 2.0].prefix(tries - 1)))
        #expect(server.connections() == tries, "only the first counselor's message was tried")
        let deliveries = try database.deliveries(asOf: MailFixture.asOf)
        #expect(deliveries.map(\.recipient) == ["zhangwei@example.edu.cn"])
        #expect(deliveries.map(\.status) == [.failed] && deliveries.map(\.attempts) == [tries])
        return error
    }

    @Test func aServerGreetingWith421StopsTheMailAfterOneMessagesThreeTries() throws {
        // Given a server that answers every connection with 421 (too busy) and hangs up, when two counselors are mailed
        let error = try expectMailStopped(["--greet-421"], saying: "refused mail for now: the server answered the greeting with "
                                              + "421 4.3.2 Service not available, closing transmission channel (3 tries of the message to 张伟", tries: 3)
        #expect(error.diagnostic.hint?.contains("the messages not yet sent stay in the outbox and go on the next run") == true, "\(error)")
    }

    @Test(arguments: ["451 4.7.1 rate limited, try again later", "421 4.7.0 too many messages from you, closing"])
    func aTemporaryRefusalOfTheSenderStopsTheMailAfterOneMessagesThreeTries(reply: String) throws {
        // A rate limit answered to MAIL FROM is about the sender: every counselor would get it
        try expectMailStopped(["--mail-reply", reply], saying: "refused mail for now: the server answered MAIL FROM with \(reply)", tries: 3)
    }

    @Test func a421ToARecipientStopsTheMailToo() throws {
        try expectMailStopped(["--reject-rcpt", "*", "--rcpt-reply", "421 4.3.2 shutting down"],
                              saying: "refused mail for now: the server answered RCPT TO with 421 4.3.2 shutting down", tries: 3)
    }

    @Test(arguments: ["550 5.7.1 Sender address rejected: not owned by user xueji", "530 5.7.0 Authentication required",
                      "553 5.1.8 sender domain does not exist"])
    func aPermanentRefusalOfTheSenderStopsTheMailAtTheFirstMessage(reply: String) throws {
        let error = try expectMailStopped(["--mail-reply", reply],
                                          saying: "the server refused the sender: the server answered MAIL FROM with \(reply)", tries: 1)
        #expect(error.diagnostic.hint?.contains("mail.from") == true, "\(error)")
    }

    @Test func aServerRefusingEveryRecipientAlikeIsTheServersRefusalNotSoManyWrongAddresses() throws {
        // Given a server refusing every recipient with the same words (its address aside), no enhanced code to tell why
        let server = try SMTPTestServer(["--reject-rcpt", "*", "--rcpt-reply", "550 Recipient address rejected: no such domain here"])
        defer { server.stop() }
        let database = try AppDatabase()
        let diagnostics = DiagnosticCollector()
        // When both counselors are mailed
        let error = try #require(throws: ZichaError.self) {
            try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"))
                .run(lists: MailFixture.lists, diagnostics: diagnostics)
        }
        // Then one error blames the server's rules (exit 1), none blames the counselors' addresses, and both wait for the next run
        #expect(error.kind == .mail)
        #expect(error.diagnostic.message.contains("refused all 2 counselors with the same answer to RCPT TO"), "\(error)")
        #expect(error.diagnostic.message.contains("550 Recipient address rejected: no such domain here"), "\(error)")
        #expect(error.diagnostic.hint?.contains("check mail.host") == true, "\(error)")
        #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors)")
        #expect(try database.deliveries(asOf: MailFixture.asOf).map(\.status) == [.failed, .failed])
    }

    @Test func aServerRefusingEveryRecipientNamingEachAddressIsStillOneRefusal() throws {
        // The default reply names the address (`550 5.1.1 <x>: Recipient address rejected: no such user`): alike but for it
        let server = try SMTPTestServer(["--reject-rcpt", "*"])
        defer { server.stop() }
        let diagnostics = DiagnosticCollector()
        let error = try #require(throws: ZichaError.self) {
            try mailer(server.settings(), try AppDatabase(), outbox: server.folder.appendingPathComponent("outbox"))
                .run(lists: MailFixture.lists, diagnostics: diagnostics)
        }
        #expect(error.diagnostic.message.contains("refused all 2 counselors"), "\(error)")
        #expect(diagnostics.errors.isEmpty)
    }

    @Test func aServerThatIsNotThereIsRetriedThenStopsTheRun() throws {
        let server = try SMTPTestServer()
        let settings = server.settings()
        server.stop()  // nothing listens on that port any more
        // When two counselors are to be mailed, then the first is tried three times, the run stops naming the server,
        // and the second waits for the next run
        try expectMailStoppedAfterThreeTries(settings, port: server.port)
    }

    /// Mails two counselors with `settings` and expects the first tried three times, then the run stopped naming the
    /// server on `port`, the second never tried.
    private func expectMailStoppedAfterThreeTries(_ settings: MailSettings, port: Int) throws {
        let sleeps = SleepLog()
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try AppDatabase()
        let error = try #require(throws: ZichaError.self) {
            try mailer(settings, database, outbox: folder, sleeps: sleeps).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        }
        #expect(error.kind == .mail)
        #expect(error.description.contains("127.0.0.1:\(port) could not be reached after 3 tries"), "\(error)")
        #expect(sleeps.pauses == [1, 2])
        let deliveries = try database.deliveries(asOf: MailFixture.asOf)
        #expect(deliveries.map(\.status) == [.failed] && deliveries.map(\.attempts) == [3])
    }

    @Test func aServerThatNeverAnswersIsTriedThreeTimesThenStopsTheRunAsIfNotThere() throws {
        // Given a server that takes the connection and says nothing, and short time limits
        let listener = try SilentListener()
        var settings = MailSettings(transport: .smtp, from: "xueji@example.edu.cn")
        settings.host = "127.0.0.1"
        settings.port = listener.port
        settings.tls = MailSettings.TLSMode.none
        settings.connectTimeoutSeconds = 1
        settings.totalTimeoutSeconds = 1
        // When two counselors are to be mailed, then the run stops as for a server that is not there
        try expectMailStoppedAfterThreeTries(settings, port: listener.port)
    }

    @Test func messagesComposedWithAnotherSenderAreComposedAgain() throws {
        // Given a dry run's outbox (the placeholder sender)
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outbox = folder.appendingPathComponent("outbox")
        let database = try AppDatabase()
        _ = try mailer(nil, database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        // Then the same settings take its messages as they are, and mail settings with a sender do not
        let same = try mailer(nil, database, outbox: outbox)
        try same.prepare()
        #expect(try same.loadManifest(from: outbox))
        var configured = MailSettings(transport: .none, from: "xueji@example.edu.cn")
        configured.fromName = "学籍科"
        let other = try mailer(configured, database, outbox: outbox)
        try other.prepare()
        #expect(try !other.loadManifest(from: outbox), "composed again, from xueji@example.edu.cn")
    }

    @Test func sendmailGetsTheMessageOnItsStandardInput() throws {
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("sendmail")
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\ncat > \"$(dirname \"$0\")/message\"\n"
            .write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        var settings = MailSettings(transport: .sendmail, from: "xueji@example.edu.cn")
        settings.sendmailCommand = "\(script.path) -i"
        let database = try AppDatabase()
        let outcome = try mailer(settings, database, outbox: folder.appendingPathComponent("outbox"))
            .run(lists: [MailFixture.lists[1]], diagnostics: DiagnosticCollector())
        #expect(outcome.sent == 1)
        #expect(try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8) == "-i\n--\nlina@example.edu.cn\n")
        let parsed = try MailFixture.parse([folder.appendingPathComponent("message")])
        #expect(parsed.first?["subject"] as? String == "【学籍自查】2026-11-29 待跟进学生 1 人（外国语学院）")
    }

    @Test func sendmailDoesNotGetTheSMTPPassword() throws {
        // Given the password exported (the README's `set -a; . ./secrets.env`) and a sendmail that records its environment
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        setenv("ZICHA_SMTP_PASSWORD", "S3cr3t-for-smtp", 1)
        defer { unsetenv("ZICHA_SMTP_PASSWORD") }
        let settings = try sendmail("env > \"$(dirname \"$0\")/env\"\ncat > /dev/null\n", in: folder)
        let outcome = try mailer(settings, try AppDatabase(), outbox: folder.appendingPathComponent("outbox"))
            .run(lists: [MailFixture.lists[1]], diagnostics: DiagnosticCollector())
        // Then the command ran with the rest of the environment, without the password
        #expect(outcome.sent == 1)
        let environment = try String(contentsOf: folder.appendingPathComponent("env"), encoding: .utf8)
        #expect(environment.contains("PATH=") && !environment.contains("S3cr3t-for-smtp"), "\(environment)")
    }

    @Test func onlyAnAddressOfThisMachineCountsAsLoopback() {
        #expect(MailTransportFactory.isLoopback("localhost") && MailTransportFactory.isLoopback("::1"))
        #expect(MailTransportFactory.isLoopback("127.0.0.1") && MailTransportFactory.isLoopback("127.1.2.3"))
        #expect(!MailTransportFactory.isLoopback("127.mail.example.edu.cn"), "a host name may name any machine")
        #expect(!MailTransportFactory.isLoopback("128.0.0.1") && !MailTransportFactory.isLoopback("127.0.0.1.example.com"))
    }

    /// A sendmail stand-in: `body` after the shebang, in a temporary folder; settings running it with `-i`.
    private func sendmail(_ body: String, in folder: URL) throws -> MailSettings {
        let script = folder.appendingPathComponent("sendmail")
        try ("#!/bin/sh\n" + body).write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        var settings = MailSettings(transport: .sendmail, from: "xueji@example.edu.cn")
        settings.sendmailCommand = "\(script.path) -i"
        return settings
    }

    /// Whether process `pid` is gone (or a zombie), waiting up to 10 s for it.
    private func gone(_ pid: Int32) -> Bool {
        for _ in 0..<200 {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    @Test(.timeLimit(.minutes(1)))
    func aSendmailThatHangsIsStoppedWithWhatItStartedAndStopsTheMail() throws {
        // Given a sendmail that reads the message, then waits on a child that holds its stderr, and a limit of 1 second
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = try sendmail("cat > /dev/null\nsleep 300 &\necho $! >> \"$(dirname \"$0\")/children\"\nwait\n", in: folder)
        settings.sendmailTimeoutSeconds = 1
        let database = try AppDatabase()
        let sleeps = SleepLog()
        let diagnostics = DiagnosticCollector()
        let started = Date()
        // When two counselors are mailed
        let error = try #require(throws: ZichaError.self) {
            try mailer(settings, database, outbox: folder.appendingPathComponent("outbox"), sleeps: sleeps)
                .run(lists: MailFixture.lists, diagnostics: diagnostics)
        }
        // Then each try is stopped at the limit, with the child it started; after three tries the mail stops, the second
        // counselor waiting in the outbox for the next run
        #expect(Date().timeIntervalSince(started) < 45, "a limit of 1 s per try")
        #expect(error.kind == .mail)
        #expect(error.diagnostic.message.contains("did not finish within 1 s (mail.sendmailTimeoutSeconds) and was stopped with the processes it started (3 tries of the message to 张伟"), "\(error)")
        #expect(diagnostics.errors.isEmpty)
        #expect(sleeps.pauses == [1, 2])
        let deliveries = try database.deliveries(asOf: MailFixture.asOf)
        #expect(deliveries.map(\.recipient) == ["zhangwei@example.edu.cn"] && deliveries.map(\.attempts) == [3])
        let children = try String(contentsOf: folder.appendingPathComponent("children"), encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(children.count == 3)
        for child in children { #expect(gone(child), "the sleep it started (\(child)) was killed with it") }
    }

    @Test(.timeLimit(.minutes(1)))
    func aSendmailWhoseChildKeepsItsStderrOpenDoesNotHoldTheRun() throws {
        // Given a sendmail that takes the message and exits 0, leaving a child behind that holds its stderr
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = try sendmail("cat > /dev/null\nsleep 300 &\necho $! > \"$(dirname \"$0\")/child\"\nexit 0\n", in: folder)
        let started = Date()
        let outcome = try mailer(settings, try AppDatabase(), outbox: folder.appendingPathComponent("outbox"))
            .run(lists: [MailFixture.lists[1]], diagnostics: DiagnosticCollector())
        // Then the message counts as sent once the command exits: the child's pipe is not waited on
        #expect(outcome.sent == 1)
        #expect(Date().timeIntervalSince(started) < 30)
        if let child = Int32(try String(contentsOf: folder.appendingPathComponent("child"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(child, SIGKILL)
        }
    }

    @Test func aSendmailConfigurationErrorPointsAtTheSendmailCommandNotSMTPSettings() throws {
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = try sendmail("cat > /dev/null\necho 'msmtp: account default not found: no configuration file available' >&2\nexit 78\n",
                                    in: folder)
        let error = try #require(throws: ZichaError.self) {
            try mailer(settings, try AppDatabase(), outbox: folder.appendingPathComponent("outbox"))
                .run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        }
        #expect(error.diagnostic.message.contains("exit 78 (configuration error): msmtp: account default not found"), "\(error)")
        let hint = try #require(error.diagnostic.hint)
        #expect(hint.contains("mail.sendmailCommand"), "\(hint)")
        #expect(!hint.contains("mail.host") && !hint.contains("mail.tls") && !hint.contains("mail.caFile"), "\(hint)")
    }

    @Test func resendTakesOnlyAMessageOfTheNightWhoseFateIsUnknown() throws {
        let database = try AppDatabase()
        let asOf = MailFixture.asOf
        try database.markDeliveryPending(asOf: asOf, recipient: "lina@example.edu.cn", counselor: "李娜", messageID: "a@example.edu.cn")
        try database.markDelivery(asOf: asOf, recipient: "lina@example.edu.cn", status: .sent)
        try database.markDeliveryPending(asOf: asOf, recipient: "zhangwei@example.edu.cn", counselor: "张伟", messageID: "b@example.edu.cn")
        try database.markDelivery(asOf: asOf, recipient: "zhangwei@example.edu.cn", status: .unknown, detail: "dropped")
        let outbox = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-outbox-\(UUID().uuidString)")
        func check(_ address: String) throws { try CounselorMailer.checkResend([address], asOf: asOf, database: database, outbox: outbox,
                                                                                  diagnostics: DiagnosticCollector()) }
        // A message of unknown fate: taken (any case)
        try check("ZhangWei@example.edu.cn")
        // A typo, or not an address: an error naming it and the night, and nobody else
        for typo in ["zhangwie@example.edu.cn", "not an address"] {
            let error = try #require(throws: ZichaError.self) { try check(typo) }
            #expect(error.diagnostic.message == "--resend \"\(typo)\": the night \(asOf) has no message to this address", "\(error)")
            #expect(!error.description.contains("lina") && !error.description.contains("zhangwei@"), "\(error)")
        }
        // A message the server took: not sent again, and why
        let sent = try #require(throws: ZichaError.self) { try check("lina@example.edu.cn") }
        #expect(sent.diagnostic.message.contains("the message of the night \(asOf) to this address was delivered"), "\(sent)")
        #expect(sent.diagnostic.hint?.contains("sends again only a message that a run of this night said \"may or may not have arrived\"") == true)
        // Every message of unknown fate at once; on a night without one, an error
        try check("unknown")
        let none = try #require(throws: ZichaError.self) {
            try CounselorMailer.checkResend(["unknown"], asOf: "2026-11-30", database: database, outbox: outbox, diagnostics: DiagnosticCollector())
        }
        #expect(none.diagnostic.message == "--resend unknown: the night 2026-11-30 has no message whose fate is unknown", "\(none)")
        // A night before one already mailed is not mailed at all: a --resend of it is refused, not silently ignored
        let older = try #require(throws: ZichaError.self) {
            try CounselorMailer.checkResend(["zhangwei@example.edu.cn"], asOf: "2026-11-28", database: database, outbox: outbox, diagnostics: DiagnosticCollector())
        }
        #expect(older.diagnostic.message.hasPrefix("--resend: the night \(asOf) was mailed already, so the night 2026-11-28 is not mailed again"), "\(older)")
    }

    @Test func resendUnknownSendsEveryMessageOfUnknownFateAndNoOther() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let database = try AppDatabase()
        for (address, name) in [("lina@example.edu.cn", "李娜"), ("zhangwei@example.edu.cn", "张伟")] {
            try database.markDeliveryPending(asOf: MailFixture.asOf, recipient: address, counselor: name, messageID: "x@example.edu.cn")
            try database.markDelivery(asOf: MailFixture.asOf, recipient: address, status: .unknown, detail: "the connection dropped")
        }
        let outbox = server.folder.appendingPathComponent("outbox")
        let skipped = try mailer(server.settings(), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(skipped.sent == 0 && skipped.unknown.count == 2)
        let again = try mailer(server.settings(), database, outbox: outbox)
        again.resend = [CounselorMailer.resendAllUnknown]
        let second = try again.run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(second.sent == 2)
        #expect(try Set(server.received().map(\.rcpt)) == [["zhangwei@example.edu.cn"], ["lina@example.edu.cn"]])
        // and once sent, a third run sends nothing
        let third = try mailer(server.settings(), database, outbox: outbox)
        third.resend = [CounselorMailer.resendAllUnknown]
        #expect(try third.run(lists: MailFixture.lists, diagnostics: DiagnosticCollector()).alreadySent == 2)
        #expect(try server.received().count == 2)
    }

    @Test func aLoginIsNeverSkippedWhenTheServerOffersNone() throws {
        // A plain server offering no AUTH (the MX on port 25, not the submission port) and a configured login: curl would
        // skip the login and send; the transfer stops after MAIL FROM instead, before any recipient
        let server = try SMTPTestServer(["--no-auth"], tls: false)
        defer { server.stop() }
        let database = try AppDatabase()
        let outbox = server.folder.appendingPathComponent("outbox")
        let error = try #require(throws: ZichaError.self) {
            try mailer(server.settings(tls: .none, caFile: false), database, outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        }
        #expect(error.diagnostic.message.contains("offers no login (AUTH) on port \(server.port), although mail.username is set"), "\(error)")
        #expect(try server.received().isEmpty)
        // Without a login configured, the same server takes the mail
        var plain = server.settings(tls: .none, caFile: false)
        plain.username = nil
        let outcome = try mailer(plain, try AppDatabase(), outbox: outbox).run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(outcome.sent == 2)
    }

    @Test func counselorsMailedLongestAgoGoFirst() throws {
        // 张伟 was mailed last night, 李娜 not (a daily quota ran out): tonight 李娜 first, though 张伟's list comes first
        let server = try SMTPTestServer()
        defer { server.stop() }
        let database = try AppDatabase()
        try database.markDeliveryPending(asOf: "2026-11-28", recipient: "zhangwei@example.edu.cn", counselor: "张伟", messageID: "y@example.edu.cn")
        try database.markDelivery(asOf: "2026-11-28", recipient: "zhangwei@example.edu.cn", status: .sent)
        let outcome = try mailer(server.settings(), database, outbox: server.folder.appendingPathComponent("outbox"))
            .run(lists: MailFixture.lists, diagnostics: DiagnosticCollector())
        #expect(outcome.sent == 2)
        #expect(try server.received().map(\.rcpt) == [["lina@example.edu.cn"], ["zhangwei@example.edu.cn"]])
    }
}
