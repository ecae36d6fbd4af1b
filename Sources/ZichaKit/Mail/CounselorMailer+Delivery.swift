import Foundation

/// Delivering: the outbox's messages in turn, each at most once, as the delivery ledger (and the outbox's journal of it) says.
extension CounselorMailer {
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

    /// Delivers one message, every try in the ledger: what may pass (a transient failure, a server unreachable or
    /// unavailable) is tried again after each of `retryDelays`.
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
}
