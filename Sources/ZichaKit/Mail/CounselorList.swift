/// One counselor's list for the night.
public struct CounselorList: Sendable {
    /// The counselor's name as the roster gives it (untrusted: encoded, never written raw).
    public var counselor: String
    /// The counselor's address as the roster gives it (untrusted: checked before use).
    public var email: String
    /// The colleges the students belong to, for the subject line.
    public var colleges: [String]
    /// The students to chase, in the order they are listed.
    public var rows: [FollowupRow]

    /// A list as the pipeline groups it.
    public init(counselor: String, email: String, colleges: [String], rows: [FollowupRow]) {
        self.counselor = counselor
        self.email = email
        self.colleges = colleges
        self.rows = rows
    }
}

/// What a mail run did, for the summary and the exit status.
public struct MailOutcome: Sendable, Equatable {
    /// Messages the server (or sendmail) accepted in this run.
    public var sent: Int = 0
    /// Recipients the ledger shows as sent earlier for this night: skipped.
    public var alreadySent: Int = 0
    /// Messages only written to the outbox (transport `none`).
    public var outboxOnly: Int = 0
    /// `Name <addr>: reason` for each message that could not be delivered.
    public var failed: [String] = []
    /// `Name <addr>: reason` for each message whose fate is unknown: not resent; the office decides.
    public var unknown: [String] = []
    /// Of `unknown`, the messages this run tried whose fate it could not tell (not those an earlier run left so).
    public var unknownThisRun = 0
    /// `Name: reason` for each counselor whose address was refused: by the check (no message was made) or by the
    /// server for good (a 5xx to RCPT TO). Not a failure of the night: only a corrected address helps.
    public var refused: [String] = []

    /// An empty outcome.
    public init() {}
}

/// One composed message, ready for the outbox and the transport.
public struct ComposedMessage: Sendable, Equatable {
    /// The envelope sender.
    public var from: MailAddress
    /// The one recipient.
    public var to: MailAddress
    /// The Message-ID without angle brackets.
    public var messageID: String
    /// The whole message: headers and body, ASCII, CRLF line ends.
    public var bytes: [UInt8]
}
