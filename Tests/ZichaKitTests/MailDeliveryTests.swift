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
        #expect(parsed.map { $0["csv"] as? String } == MailFixture.lists.map { composer.csv(for: $0) })
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

    @Test func aRefusalForPolicyIsAFailureOfTheMessageNotOfTheAddress() throws {
        // Given a server that refuses to relay to one counselor: the sending setup's fault, not the address's
        let (outcome, diagnostics, sleeps) = try mailBoth(refusingZhangWeiWith: "554 5.7.1 Relay access denied")
        // Then it fails (exit 1), shows the server's words, and is not tried again in this run
        #expect(outcome.sent == 1 && outcome.refused.isEmpty)
        #expect(outcome.failed == ["张伟 <zhangwei@example.edu.cn>: the server answered RCPT TO with 554 5.7.1 Relay access denied"])
        #expect(diagnostics.errors.first?.hint?.contains("refused it for good") == true, "\(diagnostics.errors)")
        #expect(sleeps.pauses.isEmpty)
    }

    @Test func aTemporaryRefusalOfTheAddressIsRetriedThenFails() throws {
        let (outcome, diagnostics, sleeps) = try mailBoth(refusingZhangWeiWith: "450 4.2.1 Mailbox busy, try again later")
        #expect(outcome.sent == 1 && outcome.refused.isEmpty)
        #expect(outcome.failed == ["张伟 <zhangwei@example.edu.cn>: the server answered RCPT TO with 450 4.2.1 Mailbox busy, try again later"])
        #expect(diagnostics.errors.first?.hint == "the next run of this night tries again")
        #expect(sleeps.pauses == [1, 2])
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
}
