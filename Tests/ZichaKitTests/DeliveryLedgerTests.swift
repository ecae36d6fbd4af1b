import Foundation
import Testing
import ZichaTestSupport
@testable import ZichaKit

/// The delivery ledger's rules that keep a counselor from being mailed twice and their comparison honest: what the
/// outbox journal says wins over a ledger that knows less, and only a message the server took counts as mailed.
/// (Found by hand-made mutants that the end-to-end tests let through.)
@Suite struct DeliveryLedgerTests {
    static let night = "2026-11-30"
    static let address = "li.laoshi@example.com"

    /// A ledger whose row for the night says `status`, and a journal in `<root>/<night>/outbox` that says `sent`.
    private func restoredLedger(saying status: DeliveryStatus, _ tmp: TempFolder) throws -> (AppDatabase, String) {
        let database = try AppDatabase()
        try database.markDeliveryPending(asOf: Self.night, recipient: Self.address, counselor: "李老师", messageID: "<a@zicha>")
        if status != .pending { try database.markDelivery(asOf: Self.night, recipient: Self.address, status: status) }
        let root = tmp.file("Reports")
        let outbox = URL(fileURLWithPath: root + "/" + Self.night + "/outbox")
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        let journal = DeliveryJournal(outbox: outbox)
        #expect(journal.append(recipient: Self.address, status: .pending, messageID: "<a@zicha>", counselor: "李老师"))
        #expect(journal.append(recipient: Self.address, status: .sent, messageID: "<a@zicha>", counselor: "李老师"))
        return (database, root)
    }

    @Test(arguments: [DeliveryStatus.unknown, .pending, .failed])
    func aJournalSayingSentWinsOverALedgerThatKnowsLess(_ status: DeliveryStatus) throws {
        let tmp = try TempFolder("ledger-\(status.rawValue)")
        let (database, root) = try restoredLedger(saying: status, tmp)
        try DeliveryJournal.adopt(from: root, asOf: Self.night, into: database)
        #expect(try database.delivery(asOf: Self.night, recipient: Self.address)?.status == .sent)
        // And so --resend, which sends a message of unknown fate again, refuses: it was delivered.
        #expect(throws: ZichaError.self) {
            try CounselorMailer.checkResend([Self.address], asOf: Self.night, database: database,
                                            outbox: URL(fileURLWithPath: root + "/" + Self.night + "/outbox"), diagnostics: DiagnosticCollector())
        }
    }

    @Test func aJournalWrittenAgainKeepsTheLedgersTimes() throws {
        // Given a message the ledger says was sent at a time long past
        let tmp = try TempFolder("ledger-times")
        let database = try AppDatabase()
        try database.markDeliveryPending(asOf: Self.night, recipient: Self.address, counselor: "李老师", messageID: "<a@zicha>")
        try database.markDelivery(asOf: Self.night, recipient: Self.address, status: .sent)
        try database.writer.write { try $0.execute(sql: "UPDATE delivery SET updated_at = '2026-11-30T01:02:03Z'") }
        // When the night's journal is written again (a night run again, published anew)
        let outbox = URL(fileURLWithPath: tmp.file("outbox"))
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        try DeliveryJournal(outbox: outbox).write(try database.deliveries(asOf: Self.night))
        // Then its line keeps the time the message went (found by an audit: it was stamped with the run that wrote it)
        let text = try String(contentsOf: outbox.appendingPathComponent(DeliveryJournal.fileName), encoding: .utf8)
        #expect(text.hasSuffix("\(Self.address)\tsent\t<a@zicha>\t李老师\t2026-11-30T01:02:03Z\n"), "\(text)")
    }

    @Test func aJournalSayingFailedDoesNotUndoASend() throws {
        let tmp = try TempFolder("ledger-sent")
        let database = try AppDatabase()
        try database.markDeliveryPending(asOf: Self.night, recipient: Self.address, counselor: "李老师", messageID: "<a@zicha>")
        try database.markDelivery(asOf: Self.night, recipient: Self.address, status: .sent)
        let outbox = URL(fileURLWithPath: tmp.file("Reports") + "/" + Self.night + "/outbox")
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        DeliveryJournal(outbox: outbox).append(recipient: Self.address, status: .failed, messageID: "<a@zicha>", counselor: "李老师")
        try DeliveryJournal.adopt(from: tmp.file("Reports"), asOf: Self.night, into: database)
        #expect(try database.delivery(asOf: Self.night, recipient: Self.address)?.status == .sent)
    }

    @Test func aNightWhoseSendFailedIsNotTheOneTheNextListIsComparedWith() throws {
        let database = try AppDatabase()
        for (night, status) in [("2026-11-28", DeliveryStatus.sent), ("2026-11-29", .failed), ("2026-11-30", .unknown)] {
            try database.markDeliveryPending(asOf: night, recipient: Self.address, counselor: "李老师", messageID: "<\(night)@zicha>")
            try database.markDelivery(asOf: night, recipient: Self.address, status: status)
        }
        #expect(try database.lastMailed(before: "2026-12-01") == [Self.address: "2026-11-28"])
        #expect(try database.lastMailed(before: "2026-11-28") == [:], "nothing mailed before the first night")
    }
}
