import Foundation

/// The mail stage: one message per counselor per night, written to the outbox first, then delivered
/// at most once with the configured transport, every attempt recorded in the delivery ledger.
public final class CounselorMailer {
    private let settings: MailSettings?
    private let environment: [String: String]
    private let database: AppDatabase
    private let catalog: RemedyCatalog
    private let asOf: String
    private let deadline: String?
    private let outbox: URL

    /// Recipients (lower-case addresses) whose `unknown` or `pending` message the office chose to send again.
    public var resend: Set<String> = []
    /// Waits between tries and for the rate limit; tests replace it to run without sleeping.
    public var sleep: @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    /// Pauses before the second and third try of a transient failure, in seconds.
    public var retryDelays: [Double] = [1, 2]
    /// What the night's results came from (the report folder's `.inputs` mark): an outbox composed from other results
    /// (kept by a `--no-mail` run of the night after its files changed) is composed again, not delivered stale.
    public var composedFrom = ""

    private var prepared = false
    private var sender: MailAddress?
    private var composer: MessageComposer?
    private var transport: MailTransport?
    private var outcome = MailOutcome()
    private var queued: [(to: MailAddress, messageID: String, fileName: String)] = []
    private var usedNames: Set<String> = []
    /// Set when the server took a message and said nothing more: the next message is not tried (see `DeliveryResult.unanswered`).
    private var silentServer: (label: String, seconds: Int)?
    /// The file of each message an earlier run of this night sent, by recipient: composed again, the night's outbox
    /// keeps it as it went, so that it stays the record of what each counselor got.
    private var sentFiles: [String: (file: String, messageID: String, to: MailAddress)] = [:]
    /// Recipients the server refused (a 5xx to RCPT TO) not yet reported: held while no message of the run was taken, so
    /// that a server refusing every counselor with the same answer (it does not relay for this sender, whatever its words)
    /// is reported once as the server's refusal, not as that many wrong addresses.
    private var heldRefusals: [(message: ComposedMessage, answer: String, policy: Bool)] = []
    private var holdingRefusals = true
    /// Messages this run tried to deliver.
    private var attempted = 0
    /// The published outbox's copy of the night's ledger (`DeliveryJournal`), written beside each change of the ledger.
    private var journal: DeliveryJournal?
    /// Counselors whose list changed after an earlier run of this night mailed them (the files were corrected and the
    /// night run again): their mail is not sent twice, so they hold the old list until the next night's.
    private var changedSinceMailed: [(to: MailAddress, students: Int)] = []
    /// The keys (`CounselorListChanges.key`) and the names of the counselors with a list tonight.
    private var listKeys: Set<String> = [], listNames: Set<String> = []
    /// Each counselor's list against the list they last received, by `CounselorListChanges.key`: the night each was last
    /// mailed (the delivery ledger; with mail to the outbox only, the night before for everyone), and the changes since
    /// each such night. A counselor never mailed before gets no comparison (found by an audit: nights run `--no-mail`
    /// were compared with, and a closing message was lost when the list emptied on such a night).
    private var comparedNight: [String: String] = [:]
    private var outboxNight: String?
    private var changesSince: [String: [String: CounselorListChanges]] = [:]

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

    /// Checks each `--resend` address before the night runs. It must name a message of this night whose fate a run said
    /// is unknown (the ledger's `unknown` or `pending`): that is what `--resend` is for. A message not delivered yet (failed,
    /// or waiting in the outbox) goes on this run anyway: a note says so. Any other address — a typo, a message the server
    /// took — stops the run with an error naming only that address and the night: else nothing would be resent without a word.
    public static func checkResend(_ addresses: Set<String>, asOf: String, database: AppDatabase, outbox: URL,
                                   diagnostics: DiagnosticSink) throws {
        if !addresses.isEmpty, let later = try database.laterNightMailed(after: asOf) {
            // That night is not mailed at all (its lists are older than what the counselors have): nothing would go.
            throw ZichaError(.usage, "--resend: the night \(later) was mailed already, so the night \(asOf) is not mailed again, and nothing "
                             + "would be resent", hint: "forward the message from the night's outbox folder instead")
        }
        let waiting: Set<String> = FileManager.default.contents(atPath: outbox.appendingPathComponent(manifestName).path)
            .map { Set(manifestEntries($0).entries.compactMap { $0?.to.ledgerKey }) } ?? []
        for raw in addresses.sorted() {
            let key = resendKey(raw)
            if key == Self.resendAllUnknown {
                // Every message of the night whose fate is unknown: after a server or proxy that dropped them all.
                if try database.unknownDeliveries(asOf: asOf).isEmpty {
                    throw ZichaError(.usage, "--resend unknown: the night \(asOf) has no message whose fate is unknown",
                                     hint: "it sends again the messages a run of this night said \"may or may not have arrived\"")
                }
                continue
            }
            let shown = MailAddress.shown(key)
            switch try database.delivery(asOf: asOf, recipient: key)?.status {
            case .unknown?, .pending?:
                continue
            case .failed?:
                diagnostics.report(Diagnostic(.note, "--resend \(shown): the message of the night \(asOf) to this address was not delivered; "
                    + "this run tries it again anyway, as every run of the night does"))
            case nil where waiting.contains(key):
                diagnostics.report(Diagnostic(.note, "--resend \(shown): the message of the night \(asOf) to this address has not been sent yet; "
                    + "this run sends it anyway"))
            case .sent?:
                throw ZichaError(.usage, "--resend \(shown): the message of the night \(asOf) to this address was delivered (the mail server "
                    + "took it), and is not sent again",
                    hint: "--resend sends again only a message that a run of this night said \"may or may not have arrived\" (the "
                        + "connection ended before the server's answer); a message the server took is never sent twice — if the counselor "
                        + "lost it, forward them the copy in the night's outbox folder")
            case nil:
                throw ZichaError(.usage, "--resend \(shown): the night \(asOf) has no message to this address",
                    hint: "give the address as the warning of an earlier run of this night wrote it (\"mail to … may or may not have "
                        + "arrived … --resend ADDRESS\"), with that night's --as-of")
            }
        }
    }

    /// `--resend unknown`: every message of the night whose fate is unknown (no address is a word without @).
    public static let resendAllUnknown = "unknown"

    /// A `--resend` address as the ledger keys it.
    public static func resendKey(_ raw: String) -> String { raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    /// The files of the published outbox whose message the ledger says was sent (same Message-ID), by recipient.
    private func sentBefore() throws -> [String: (file: String, messageID: String, to: MailAddress)] {
        let sent = try database.deliveries(asOf: asOf).filter { $0.status == .sent }
        guard !sent.isEmpty, let data = FileManager.default.contents(atPath: outbox.appendingPathComponent(Self.manifestName).path)
        else { return [:] }
        var byMessageID: [String: (file: String, to: MailAddress)] = [:]
        for case let entry? in Self.manifestEntries(data).entries where byMessageID[entry.messageID] == nil {
            byMessageID[entry.messageID] = (entry.fileName, entry.to)
        }
        var files: [String: (file: String, messageID: String, to: MailAddress)] = [:]
        for record in sent {
            if let found = byMessageID[record.messageID] { files[record.recipient] = (found.file, record.messageID, found.to) }
        }
        return files
    }

    /// Composes one counselor's message and writes it to `folder` (the outbox, possibly before the night's reports
    /// are moved into place). Lists arrive one at a time, so messages never all sit in memory.
    public func compose(_ list: CounselorList, into folder: URL, diagnostics: DiagnosticSink) throws {
        guard !list.rows.isEmpty else { return }
        noteList(list)
        for (to, one) in RecipientCheck.recipients(for: [list], outcome: &outcome, diagnostics: diagnostics) {
            if queued.contains(where: { $0.to.ledgerKey == to.ledgerKey }) {
                diagnostics.report(Diagnostic(.warning, "two counselor lists share the address \(to.address); only the first is mailed",
                                              hint: "give each counselor one address in the roster or the counselor list"))
                continue
            }
            try compose(one, to: to, into: folder)
        }
    }

    private func compose(_ list: CounselorList, to: MailAddress, into folder: URL) throws {
        precondition(prepared, "CounselorMailer.prepare() first")
        let box = Outbox(folder: folder)
        if queued.isEmpty { try box.create() }
        let message = try composer!.compose(list, to: to, changes: changes(for: CounselorListChanges.key(list.email)))
        if let sent = sentFiles[to.ledgerKey], try keep(sent, in: folder) {
            // The Message-ID is a hash of all the reader sees: another one is another list (found by an audit: a night run
            // again with corrected files left counselors with the wrong students, and nobody was told).
            if message.messageID != sent.messageID { changedSinceMailed.append((to, list.rows.count)) }
            return
        }
        queued.append((to, message.messageID, try box.write(message, used: &usedNames).lastPathComponent))
    }

    /// After the night's lists: one closing message to each counselor whose last mail listed students and who has none
    /// tonight (all checked, moved to another counselor, or off the roster), saying so — after a season of daily mail,
    /// silence reads as a fault (found by an audit). Sent once: after it, the list they last received is empty.
    public func composeClosings(into folder: URL) throws {
        let keys = outboxNight.map { Array((changesSince[$0] ?? [:]).keys) } ?? Array(comparedNight.keys)
        for key in keys.sorted() where !listKeys.contains(key) {
            // Not to an address whose counselor, by name, has a list tonight under another (an address corrected: found
            // by an audit, the old address was sent the names of students who had checked since).
            guard let changes = changes(for: key), changes.removedCount > 0,
                  changes.counselor.isEmpty || !listNames.contains(changes.counselor) else { continue }
            // An address the night before had students under it; one refused then was reported then.
            guard let to = try? MailAddress(address: changes.email, name: changes.counselor),
                  !queued.contains(where: { $0.to.ledgerKey == to.ledgerKey }) else { continue }
            try compose(CounselorList(counselor: changes.counselor, email: changes.email, colleges: [], rows: []), to: to, into: folder)
        }
    }

    private func noteList(_ list: CounselorList) {
        listKeys.insert(CounselorListChanges.key(list.email))
        if !list.counselor.isEmpty { listNames.insert(list.counselor) }
    }

    /// How the list of the counselor at `key` changed since the list they last received; nil when there is none to
    /// compare with.
    private func changes(for key: String) -> CounselorListChanges? {
        guard let night = outboxNight ?? comparedNight[key], let byKey = changesSince[night] else { return nil }
        return byKey[key] ?? CounselorListChanges(since: night)
    }

    /// The outbox's table of contents: one line per message (file, Message-ID, address, name), tab separated.
    public static let manifestName = "messages.tsv"

    /// Writes the table of contents of what was composed into `folder`, so that an unchanged re-run of the
    /// night can deliver from the outbox without composing again.
    public func writeManifest(into folder: URL) throws {
        try Outbox(folder: folder).create()
        // A message sent on an earlier run of the night whose counselor has no list now (all checked, or left out of the
        // counselor list) stays in the outbox too: it is what they got.
        let composed = Set(queued.map(\.to.ledgerKey))
        for (key, sent) in sentFiles.sorted(by: { $0.key < $1.key }) where !composed.contains(key) {
            changedSinceMailed.append((sent.to, 0))  // mailed a list, and now has none
        }
        for (key, sent) in sentFiles.sorted(by: { $0.key < $1.key }) where !composed.contains(key) && folder != outbox {
            _ = try keep(sent, in: folder)
        }
        let lines = [compositionLine] + queued.map { [$0.fileName, $0.messageID, $0.to.address, $0.to.name].joined(separator: "\t") + "\n" }
        let path = folder.appendingPathComponent(Self.manifestName).path
        try Outbox.writeWhole(Data(lines.joined().utf8), to: URL(fileURLWithPath: path), what: "the outbox's table of contents")
        try DeliveryJournal(outbox: folder).write(try database.deliveries(asOf: asOf))
    }

    /// Takes the messages of an earlier run of this night from `folder`'s table of contents instead of composing.
    /// Returns false when there is none (an outbox from before the table existed).
    public func loadManifest(from folder: URL) throws -> Bool {
        precondition(prepared, "CounselorMailer.prepare() first")
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.manifestName).path) else { return false }
        // Messages composed with another sender, reply address or deadline text are composed again (a dry run's
        // placeholder sender must not go out once mail is configured).
        let manifest = Self.manifestEntries(data)
        guard manifest.first == compositionLine else { return false }
        var entries: [(to: MailAddress, messageID: String, fileName: String)] = []
        for entry in manifest.entries {
            guard let entry else { return false }
            entries.append(entry)
        }
        queued = entries
        return true
    }

    /// A table of contents: its first line (with its line break), and each message's entry (nil for a line that is not one).
    private static func manifestEntries(_ data: Data) -> (first: String?, entries: [(to: MailAddress, messageID: String, fileName: String)?]) {
        var lines = DeliveryJournal.lines(data).filter { !$0.isEmpty }
        guard !lines.isEmpty else { return (nil, []) }
        let first = lines.removeFirst() + "\n"
        return (first, lines.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4, let to = try? MailAddress(address: f[2], name: f[3]) else { return nil }
            return (to, f[1], f[0])
        })
    }

    /// Queues a message an earlier run sent, as it went: its file copied from the published outbox into `folder`
    /// (unless that is the outbox). False when its file is gone or its name taken.
    private func keep(_ sent: (file: String, messageID: String, to: MailAddress), in folder: URL) throws -> Bool {
        let stem = String(sent.file.dropLast(4)).lowercased()
        guard !usedNames.contains(stem), let bytes = FileManager.default.contents(atPath: outbox.appendingPathComponent(sent.file).path)
        else { return false }
        if folder != outbox { try Outbox.writeWhole(bytes, to: folder.appendingPathComponent(sent.file), what: "a message to the outbox") }
        usedNames.insert(stem)
        queued.append((sent.to, sent.messageID, sent.file))
        return true
    }

    /// The table of contents' first line: what the messages were composed with besides the night's results.
    private var compositionLine: String {
        let fields = [sender?.address ?? "", sender?.name ?? "", settings?.replyTo ?? "", deadline ?? "", settings?.deadlineText ?? "",
                      composedFrom]
        return "#composed\t" + fields.map { $0.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ") }
            .joined(separator: "\t") + "\n"
    }

    /// Delivers what was composed, reading each message back from `folder` (the published outbox).
    public func deliver(from folder: URL, diagnostics: DiagnosticSink) throws -> MailOutcome {
        try Outbox(folder: folder).create()
        guard let transport else {
            outcome.outboxOnly = queued.count
            return outcome
        }
        defer { transport.finish() }
        let journal = DeliveryJournal(outbox: folder)
        if !FileManager.default.fileExists(atPath: journal.url.path) { try journal.write(try database.deliveries(asOf: asOf)) }  // an older build's outbox
        self.journal = journal
        reportChangedSinceMailed(diagnostics)
        let interval = settings.flatMap { $0.ratePerMinute }.map { $0 > 0 ? 60.0 / Double($0) : 0 } ?? 0
        var lastStart: Date?
        // Counselors mailed longest ago go first (never mailed before anyone): a server that takes only so many messages a
        // day or an hour would otherwise take the same first counselors every night and never the rest (found by an audit).
        let lastMailed = try database.lastMailed(before: asOf)
        let order = queued.enumerated().sorted { a, b in
            let x = lastMailed[a.element.to.ledgerKey] ?? "", y = lastMailed[b.element.to.ledgerKey] ?? ""
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        do {
            for item in order {
                let file = folder.appendingPathComponent(item.fileName)
                guard let bytes = FileManager.default.contents(atPath: file.path) else {
                    throw ZichaError(.output, "cannot read a message back from the outbox", at: SourceLocation(file: file.path))
                }
                let message = ComposedMessage(from: sender!, to: item.to, messageID: item.messageID, bytes: Array(bytes))
                guard try shouldSend(message, outcome: &outcome, diagnostics: diagnostics) else { continue }
                if let silent = silentServer {
                    // Stopped here rather than at the silent message: when it was the last, the night ends as for any
                    // message of unknown fate.
                    throw ZichaError(.mail, "mail stopped: \(transport.serverName) gave no answer to the end of the message to \(silent.label) "
                                     + "within \(silent.seconds) s, and would keep each counselor's message waiting as long",
                                     hint: "ask the mail server's administrator why it holds messages (a content filter, a full queue); the reports "
                                         + "are written, and the messages not yet sent stay in the outbox and go on the next run of this night")
                }
                if let lastStart, interval > 0 {
                    let wait = interval - Date().timeIntervalSince(lastStart)
                    if wait > 0 { sleep(wait) }
                }
                lastStart = Date()
                try deliver(message, with: transport, outcome: &outcome, diagnostics: diagnostics)
            }
        } catch {
            releaseRefusals(transport, outcome: &outcome, diagnostics: diagnostics)
            throw error
        }
        try settleRefusals(transport, outcome: &outcome, diagnostics: diagnostics)
        return outcome
    }

    /// One warning, under `--quiet` too, naming the counselors mailed earlier tonight whose list is now another.
    private func reportChangedSinceMailed(_ diagnostics: DiagnosticSink) {
        guard !changedSinceMailed.isEmpty else { return }
        let shown = changedSinceMailed.prefix(5).map { "\(Self.label($0.to)) (now \(counted($0.students, "student")))" }
        let more = changedSinceMailed.count > 5 ? " and \(changedSinceMailed.count - 5) more" : ""
        diagnostics.report(Diagnostic(.warning, "\(counted(changedSinceMailed.count, "counselor")) got this night's mail before its files changed, "
                                      + "and now \(changedSinceMailed.count == 1 ? "has" : "have") another list: \(shown.joined(separator: ", "))\(more)",
                                      hint: "no one is mailed twice for a night: their next night's mail carries the new list, compared with "
                                          + "this night's as stored now; if it cannot wait, send them their list from the night's counselors/ folder",
                                      evenWhenQuiet: true))
    }

    /// At the end of the run's deliveries: when every message tried was refused at RCPT TO with the same answer (the
    /// address aside) and none was taken, tonight or on an earlier run, the server refuses this sender's mail, not so many
    /// counselors' addresses: one error, the mail failed (the messages wait in the outbox). Otherwise each refusal is
    /// reported on its own.
    private func settleRefusals(_ transport: MailTransport, outcome: inout MailOutcome, diagnostics: DiagnosticSink) throws {
        let held = heldRefusals
        let alike = Set(held.map { Self.withoutAddress($0.answer, of: $0.message) }).count == 1
        guard held.count >= 2, held.count == attempted, alike, outcome.sent == 0, outcome.alreadySent == 0, outcome.unknown.isEmpty else {
            releaseRefusals(transport, outcome: &outcome, diagnostics: diagnostics)
            return
        }
        heldRefusals = []
        let first = held[0]
        throw ZichaError(.mail, "mail stopped: \(transport.serverName) refused all \(held.count) counselors with the same answer to RCPT TO "
                         + "(for \(Self.label(first.message)): \(first.answer)): the server refuses this sender's mail — it does not relay "
                         + "for it, or wants a login — rather than \(held.count) wrong addresses; nothing was delivered",
                         hint: "check mail.host (the school's own submission server), mail.port, mail.username and its password variable, "
                             + "and mail.from; the reports are written, and the messages stay in the outbox and go on the next run of this night")
    }

    /// Reports the refusals held so far, each on its own, and holds no more.
    private func releaseRefusals(_ transport: MailTransport, outcome: inout MailOutcome, diagnostics: DiagnosticSink) {
        holdingRefusals = false
        let held = heldRefusals
        heldRefusals = []
        for refusal in held { reportRefusal(refusal.message, refusal.answer, policy: refusal.policy, transport, outcome: &outcome, diagnostics: diagnostics) }
    }

    /// A server's answer with the recipient's address taken out, to compare the answers to different counselors.
    private static func withoutAddress(_ answer: String, of message: ComposedMessage) -> String {
        answer.replacingOccurrences(of: message.to.address, with: "", options: .caseInsensitive)
    }

    /// One recipient the server refused: its address (like an address the check refuses: exit 0), or for the server's
    /// rules (relaying denied: a failure of the night, pointing at the mail settings).
    private func reportRefusal(_ message: ComposedMessage, _ answer: String, policy: Bool, _ transport: MailTransport,
                               outcome: inout MailOutcome, diagnostics: DiagnosticSink) {
        if policy {
            let why = "the server answered RCPT TO with \(answer)"
            outcome.failed.append("\(Self.label(message)): \(why)")
            diagnostics.report(Diagnostic(.error, "mail to \(Self.label(message)) failed: \(transport.serverName) refuses to relay it (its rules, "
                                          + "not the address): \(why)",
                                          hint: "the server does not take mail for this address from this sender, or not without a login: check "
                                              + "mail.host (the school's own submission server), mail.username and its password variable, and "
                                              + "mail.from; the next run of this night tries again"))
            return
        }
        // Like an address the check refuses (RecipientCheck): an error naming the counselor, no failure of the night
        // (exit 0), since no retry can help. The ledger keeps it failed: a later run of the night tries it once more, in
        // case the mailbox was made meanwhile, and says so again if not.
        let who = message.to.name.isEmpty ? "(no name)" : message.to.name
        outcome.refused.append("\(who): \(answer)")
        diagnostics.report(Diagnostic(.error, "counselor \(who)'s address \(message.to.address) was refused by \(transport.serverName): \(answer); their list was not mailed",
                                      hint: "correct \(who)'s address in the counselor list (or the 辅导员邮箱 cell of the roster); the server will not take this one, so trying again cannot help"))
    }

    /// Consults the ledger: false for a message already sent, or one whose fate is unknown.
    private func shouldSend(_ message: ComposedMessage, outcome: inout MailOutcome, diagnostics: DiagnosticSink) throws -> Bool {
        let key = message.to.ledgerKey
        guard let record = try database.delivery(asOf: asOf, recipient: key) else { return true }
        switch record.status {
        case .sent:
            outcome.alreadySent += 1
            return false
        case .failed:
            return true
        case .pending, .unknown:
            if resend.contains(key) || resend.contains(Self.resendAllUnknown) { return true }
            var detail = record.detail
            if record.status == .pending {
                detail = "an earlier run stopped while sending it"
                try mark(message, .unknown, detail: detail)
            }
            reportUnknown(message, detail, outcome: &outcome, diagnostics: diagnostics)
            return false
        }
    }

    private func deliver(_ message: ComposedMessage, with transport: MailTransport, outcome: inout MailOutcome,
                         diagnostics: DiagnosticSink) throws {
        let key = message.to.ledgerKey
        let tries = retryDelays.count + 1
        attempted += 1
        for attempt in 1...tries {
            try database.markDeliveryPending(asOf: asOf, recipient: key, counselor: message.to.name, messageID: message.messageID)
            journal?.append(recipient: key, status: .pending, messageID: message.messageID, counselor: message.to.name)
            let result = transport.deliver(message)
            let tried = attempt > 1 ? "\(attempt) tries" : "1 try"
            switch result {
            case .sent:
                try mark(message, .sent)
                outcome.sent += 1
                releaseRefusals(transport, outcome: &outcome, diagnostics: diagnostics)  // the server takes mail: they are the addresses'
                return
            case .transient(let why) where attempt < tries, .unreachable(let why) where attempt < tries,
                 .unavailable(let why) where attempt < tries:
                try mark(message, .failed, detail: why)
                sleep(retryDelays[attempt - 1])
            case .unreachable(let why):
                try mark(message, .failed, detail: why)
                throw ZichaError(.mail, "mail stopped: \(transport.serverName) could not be reached after \(tried): \(why)",
                                 hint: transport.unreachableHint + "; the reports are written, and the messages not yet sent stay in the outbox and go on the next run of this night")
            case .unavailable(let why):
                // Like a server not there: every counselor would get the same, so the others wait for the next run.
                try mark(message, .failed, detail: why)
                throw ZichaError(.mail, "mail stopped: \(transport.serverName) \(why) (\(tried) of the message to \(Self.label(message)))",
                                 hint: "no other message would go now either, so none is tried; the reports are written, and the messages not yet "
                                     + "sent stay in the outbox and go on the next run of this night")
            case .transient(let why), .permanent(let why):
                let forGood: Bool
                if case .permanent = result { forGood = true } else { forGood = false }
                try mark(message, .failed, detail: why)
                outcome.failed.append("\(Self.label(message)): \(why)")
                diagnostics.report(Diagnostic(.error, "mail to \(Self.label(message)) failed\(attempt > 1 ? " after \(tried)" : ""): \(why)", hint: forGood
                    ? "\(transport.serverName) refused it for good: fix what its answer names (the sender, the server's rules, the message), then the next run of this night tries again"
                    : "the next run of this night tries again"))
                return
            case .refusedRecipient(let answer), .refusedByPolicy(let answer):
                try mark(message, .failed, detail: answer)
                var policy = false
                if case .refusedByPolicy = result { policy = true }
                if holdingRefusals {
                    heldRefusals.append((message, answer, policy))
                } else {
                    reportRefusal(message, answer, policy: policy, transport, outcome: &outcome, diagnostics: diagnostics)
                }
                return
            case .unknown(let why):
                try mark(message, .unknown, detail: why)
                outcome.unknownThisRun += 1
                reportUnknown(message, why, outcome: &outcome, diagnostics: diagnostics)
                releaseRefusals(transport, outcome: &outcome, diagnostics: diagnostics)
                return
            case .unanswered(let seconds):
                let why = "\(transport.serverName) gave no answer to the end of the message within \(seconds) s"
                try mark(message, .unknown, detail: why)
                outcome.unknownThisRun += 1
                reportUnknown(message, why, outcome: &outcome, diagnostics: diagnostics)
                releaseRefusals(transport, outcome: &outcome, diagnostics: diagnostics)
                silentServer = (Self.label(message), seconds)
                return
            case .fatal(let why):
                try mark(message, .failed, detail: why)
                throw ZichaError(.mail, "mail stopped at \(transport.serverName): \(why)", hint: transport.settingsHint)
            }
        }
    }

    /// Records how a send ended, in the ledger and in the outbox's journal.
    private func mark(_ message: ComposedMessage, _ status: DeliveryStatus, detail: String = "") throws {
        let key = message.to.ledgerKey
        try database.markDelivery(asOf: asOf, recipient: key, status: status, detail: detail)
        journal?.append(recipient: key, status: status, messageID: message.messageID, counselor: message.to.name)
    }

    private func reportUnknown(_ message: ComposedMessage, _ why: String, outcome: inout MailOutcome, diagnostics: DiagnosticSink) {
        outcome.unknown.append("\(Self.label(message)): \(why)")
        diagnostics.report(Diagnostic(.warning, "mail to \(Self.label(message)) may or may not have arrived: \(why)",
                                      hint: "not resent automatically; ask the counselor, and to send it again run this night again with --resend \(message.to.address) (or --resend unknown for every such message of the night)",
                                      evenWhenQuiet: true))  // under cron too: only the office can find out
    }

    /// `张老师 <zhang@example.edu.cn>`, from checked values only.
    static func label(_ message: ComposedMessage) -> String { label(message.to) }

    static func label(_ to: MailAddress) -> String { to.name.isEmpty ? "<\(to.address)>" : "\(to.name) <\(to.address)>" }
}
