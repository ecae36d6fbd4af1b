import Foundation

/// How deliveries ended, told to the office: refusals (held while they may all be the server's), messages of unknown
/// fate, and counselors whose list changed after they were mailed.
extension CounselorMailer {
    /// One warning, under `--quiet` too, naming the counselors mailed earlier tonight whose list is now another.
    func reportChangedSinceMailed(_ diagnostics: DiagnosticSink) {
        guard !changedSinceMailed.isEmpty else { return }
        let shown = changedSinceMailed.prefix(5).map { "\(Self.label($0.to)) (now \(counted($0.students, "student")))" }
        let more = changedSinceMailed.count > 5 ? " and \(changedSinceMailed.count - 5) more" : ""
        diagnostics.report(Diagnostic(.warning, "\(counted(changedSinceMailed.count, "counselor")) got this night's mail before its files changed, "
                                      + "and now \(changedSinceMailed.count == 1 ? "has" : "have") another list: \(shown.joined(separator: ", "))\(more)",
                                      hint: "no one is mailed twice for a night: their next night's mail carries the new list, compared with "
                                          + "this night's as stored now; if it cannot wait, send them their list from the night's counselors/ folder"
                                          + (changedSinceMailed.contains { $0.students == 0 }
                                              // Found by an audit: the hint promised a next mail that never comes to them.
                                              ? "; a counselor who now has no students gets no further mail (no closing message either): "
                                                  + "tell them their list is empty" : ""),
                                      evenWhenQuiet: true))
    }

    /// At the end of the run's deliveries: when every message tried was refused at RCPT TO with the same answer (the
    /// address aside) and none was taken, tonight or on an earlier run, the server refuses this sender's mail, not so many
    /// counselors' addresses: one error, the mail failed (the messages wait in the outbox). Otherwise each refusal is
    /// reported on its own.
    func settleRefusals(_ transport: MailTransport, outcome: inout MailOutcome, diagnostics: DiagnosticSink) throws {
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
    func releaseRefusals(_ transport: MailTransport, outcome: inout MailOutcome, diagnostics: DiagnosticSink) {
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
    func reportRefusal(_ message: ComposedMessage, _ answer: String, policy: Bool, _ transport: MailTransport,
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

    /// Counts and reports, under `--quiet` too, a message whose fate is unknown.
    func reportUnknown(_ message: ComposedMessage, _ why: String, outcome: inout MailOutcome, diagnostics: DiagnosticSink) {
        outcome.unknown.append("\(Self.label(message)): \(why)")
        diagnostics.report(Diagnostic(.warning, "mail to \(Self.label(message)) may or may not have arrived: \(why)",
                                      hint: "not resent automatically; ask the counselor, and to send it again run this night again with --resend \(message.to.address) (or --resend unknown for every such message of the night)",
                                      evenWhenQuiet: true))  // under cron too: only the office can find out
    }

    /// `张老师 <zhang@example.edu.cn>`, from checked values only.
    static func label(_ message: ComposedMessage) -> String { label(message.to) }

    static func label(_ to: MailAddress) -> String { to.name.isEmpty ? "<\(to.address)>" : "\(to.name) <\(to.address)>" }
}
