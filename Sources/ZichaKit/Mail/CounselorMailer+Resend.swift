import Foundation

/// `--resend`: the addresses whose message of unknown fate the office chose to send again, checked before the night runs.
extension CounselorMailer {
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
}
