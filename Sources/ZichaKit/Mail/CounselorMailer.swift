import Foundation

/// The mail stage: one message per counselor per night, written to the outbox first, then delivered
/// at most once with the configured transport, every attempt recorded in the delivery ledger.
///
/// This file holds the mailer's state and its run in order; the work is in extensions by responsibility:
/// composing each counselor's message (`CounselorMailer+Compose.swift`), the outbox's table of contents
/// (`+Manifest`), delivering with the ledger (`+Delivery`), telling the office how deliveries ended (`+Results`)
/// and checking `--resend` (`+Resend`). The state below is internal only for those extensions.
public final class CounselorMailer {
    /// A message in the outbox's table of contents: its recipient, its Message-ID and its file in the outbox.
    typealias QueuedMessage = (to: MailAddress, messageID: String, fileName: String)
    /// A message an earlier run of this night sent: its file in the published outbox, its Message-ID and recipient.
    typealias SentMessage = (file: String, messageID: String, to: MailAddress)

    let settings: MailSettings?
    private let environment: [String: String]
    let database: AppDatabase
    private let catalog: RemedyCatalog
    let asOf: String
    let deadline: String?
    let outbox: URL

    /// Recipients (lower-case addresses) whose `unknown` or `pending` message the office chose to send again.
    public var resend: Set<String> = []
    /// Waits between tries and for the rate limit; tests replace it to run without sleeping.
    public var sleep: @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    /// Pauses before the second and third try of a transient failure, in seconds.
    public var retryDelays: [Double] = [1, 2]
    /// What the night's results came from (the report folder's `.inputs` mark): an outbox composed from other results
    /// (kept by a `--no-mail` run of the night after its files changed) is composed again, not delivered stale.
    public var composedFrom = ""

    /// Set by `prepare()`, which makes the sender, the composer and the transport.
    var prepared = false
    var sender: MailAddress?
    var composer: MessageComposer?
    /// Nil with mail to the outbox only.
    var transport: MailTransport?
    /// What the run did so far.
    var outcome = MailOutcome()
    /// The outbox's messages, in the order composed: its table of contents.
    var queued: [QueuedMessage] = []
    /// The outbox's file names taken, lower case and without `.eml`.
    var usedNames: Set<String> = []
    /// Set when the server took a message and said nothing more: the next message is not tried (see `DeliveryResult.unanswered`).
    var silentServer: (label: String, seconds: Int)?
    /// The file of each message an earlier run of this night sent, by recipient: composed again, the night's outbox
    /// keeps it as it went, so that it stays the record of what each counselor got.
    var sentFiles: [String: SentMessage] = [:]
    /// Recipients the server refused (a 5xx to RCPT TO) not yet reported: held while no message of the run was taken, so
    /// that a server refusing every counselor with the same answer (it does not relay for this sender, whatever its words)
    /// is reported once as the server's refusal, not as that many wrong addresses.
    var heldRefusals: [(message: ComposedMessage, answer: String, policy: Bool)] = []
    /// Whether refusals are still held: until a message of the run is taken or may have arrived.
    var holdingRefusals = true
    /// Messages this run tried to deliver.
    var attempted = 0
    /// The published outbox's copy of the night's ledger (`DeliveryJournal`), written beside each change of the ledger.
    var journal: DeliveryJournal?
    /// Counselors whose list changed after an earlier run of this night mailed them (the files were corrected and the
    /// night run again): their mail is not sent twice, so they hold the old list until the next night's.
    var changedSinceMailed: [(to: MailAddress, students: Int)] = []
    /// The keys (`CounselorListChanges.key`) and the names of the counselors with a list tonight.
    var listKeys: Set<String> = [], listNames: Set<String> = []
    /// Each counselor's list against the list they last received, by `CounselorListChanges.key`: the night each was last
    /// mailed (the delivery ledger; with mail to the outbox only, the night before for everyone), and the changes since
    /// each such night. A counselor never mailed before gets no comparison (found by an audit: nights run `--no-mail`
    /// were compared with, and a closing message was lost when the list emptied on such a night).
    var comparedNight: [String: String] = [:]
    var outboxNight: String?
    var changesSince: [String: [String: CounselorListChanges]] = [:]

    /// A mailer for one night; nothing is written or sent until `run` (or the pipeline's `prepare`, `compose`, `deliver`).
    public init(settings: MailSettings?, environment: [String: String], database: AppDatabase,
                catalog: RemedyCatalog, asOf: String, deadline: String?, outbox: URL) {
        self.settings = settings
        self.environment = environment
        self.database = database
        self.catalog = catalog
        self.asOf = asOf
        self.deadline = deadline
        self.outbox = outbox
    }

    /// Writes every message to `outbox` as .eml first, then delivers with the configured transport.
    public func run(lists: [CounselorList], diagnostics: DiagnosticSink) throws -> MailOutcome {
        try prepare()
        for list in lists where !list.rows.isEmpty { noteList(list) }
        for (to, list) in RecipientCheck.recipients(for: lists, outcome: &outcome, diagnostics: diagnostics) {
            try compose(list, to: to, into: outbox)
        }
        try composeClosings(into: outbox)
        try writeManifest(into: outbox)
        return try deliver(from: outbox, diagnostics: diagnostics)
    }

    /// Checks the settings (sender, transport, password variable) before anything is written.
    public func prepare() throws {
        guard EventTime.dayNumber(asOf) != nil else { throw ZichaError(.usage, "the as-of day \"\(asOf)\" is not YYYY-MM-DD") }
        let sender = try MailTransportFactory.sender(settings)
        self.sender = sender
        composer = MessageComposer(from: sender, replyTo: try MailTransportFactory.replyTo(settings), catalog: catalog,
                                   asOf: asOf, deadline: deadline, deadlineText: settings?.deadlineText)
        transport = try MailTransportFactory.transport(settings, environment: environment, sender: sender)
        sentFiles = try sentBefore()
        if transport == nil {
            outboxNight = try database.nightBefore(asOf)
            if let night = outboxNight { changesSince[night] = try database.counselorListChanges(asOf: asOf, since: night) }
        } else {
            comparedNight = try database.lastMailed(before: asOf)
            for night in Set(comparedNight.values).sorted() { changesSince[night] = try database.counselorListChanges(asOf: asOf, since: night) }
        }
        prepared = true
    }
}
