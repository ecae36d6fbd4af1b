/// What one delivery attempt came to.
enum DeliveryResult: Sendable, Equatable {
    /// The server accepted the message.
    case sent
    /// Not delivered, worth another try (4xx, the connection dropped before the data was done).
    case transient(String)
    /// Not delivered, and trying again will not help (a 5xx reply, sendmail's other exit statuses).
    case permanent(String)
    /// Not delivered: the server refused the recipient's address for good (a 5xx reply to RCPT TO, as the server wrote
    /// it). Reported like an address the check refuses: the counselor list needs correcting, not the night.
    case refusedRecipient(String)
    /// Not delivered: the server refused the recipient for its own rules, not the address (a 5xx reply to RCPT TO with
    /// a 5.7.x code, or words such as "relaying denied" or "rcpthosts"; the reply as the server wrote it): it does not
    /// relay for this sender or without a login. A failure of the night, pointing at the mail settings.
    case refusedByPolicy(String)
    /// Not delivered, and no other message will go either (bad password, TLS failure, a refused sender): stop the run.
    case fatal(String)
    /// Not delivered, and no other message would go now either: the server refused mail for now (a 421 at any point,
    /// a 4xx to the greeting, EHLO, STARTTLS, AUTH or MAIL FROM: it is busy, or limits this sender), or the sendmail
    /// command did not finish within its limit. Tried again, then the run stops like for an unreachable server, the
    /// other messages waiting in the outbox: trying each counselor in turn would hammer a server that said "later".
    case unavailable(String)
    /// Not delivered: the server could not be reached (refused, no such host) or did not answer within the time
    /// limits before the message was out. Tried again, then the run stops: no other message would go either, and
    /// each would wait out its own tries.
    case unreachable(String)
    /// The data went out but no final reply came: maybe delivered. Never resent blindly.
    case unknown(String)
    /// The data went out and the server said nothing more within the time limit (`seconds`): maybe delivered, as
    /// `unknown`, and the mail stops before the next message — a server silent at the end of one message would keep
    /// the run waiting out the limit for every counselor, with the run's lock held.
    case unanswered(seconds: Int)
}

/// Sends one message to its one recipient.
protocol MailTransport {
    /// Where messages go, for messages (`smtp.example.edu.cn:587`); never holds a password.
    var serverName: String { get }
    /// What to check when a `fatal` result stops the mail: the settings of this transport.
    var settingsHint: String { get }
    /// What to check when the server could not be reached (an `unreachable` result stopped the mail).
    var unreachableHint: String { get }
    /// One attempt; the caller retries transient results.
    func deliver(_ message: ComposedMessage) -> DeliveryResult
    /// After the run's last message: ends what the transport keeps open (an SMTP connection).
    func finish()
}

extension MailTransport {
    func finish() {}
    var unreachableHint: String { "check mail.host and mail.port and that the server is up" }
}
