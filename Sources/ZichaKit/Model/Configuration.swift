import Foundation

/// Settings read from `zicha.json` (path given with `--config`). Secrets never live here:
/// the SMTP password is read from the environment variable named by `mail.passwordEnv`.
public struct Configuration: Sendable, Codable, Equatable {
    /// The self-check deadline, `YYYY-MM-DD`, shown with days left.
    public var deadline: String?
    /// A school's own remedy catalog; the bundled one otherwise.
    public var remedies: String?
    /// Extra event labels, e.g. `{"checked": ["核对完成"]}`, added to the SPEC's aliases.
    public var events: [String: [String]]?
    /// Mail delivery; absent means "outbox only".
    public var mail: MailSettings?

    public init(deadline: String? = nil, remedies: String? = nil, events: [String: [String]]? = nil, mail: MailSettings? = nil) {
        self.deadline = deadline
        self.remedies = remedies
        self.events = events
        self.mail = mail
    }

    /// Reads and checks a configuration file.
    public static func load(path: String) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ZichaError(.config, "cannot read the configuration file", at: SourceLocation(file: path))
        }
        do {
            return try JSONDecoder().decode(Configuration.self, from: data)
        } catch {
            throw ZichaError(.config, "the configuration file is not valid: \(error)", at: SourceLocation(file: path),
                             hint: "see README.md, section Configuration, for an example")
        }
    }
}

/// How counselor mail goes out.
public struct MailSettings: Sendable, Codable, Equatable {
    public enum Transport: String, Sendable, Codable { case none, smtp, sendmail }
    public enum TLSMode: String, Sendable, Codable { case starttls, implicit, none }

    /// `none` (outbox only, the default), `smtp` or `sendmail`.
    public var transport: Transport
    public var host: String?
    public var port: Int?
    /// `starttls` (required, default), `implicit` (SMTPS) or `none` (local test servers only).
    public var tls: TLSMode?
    public var username: String?
    /// The environment variable holding the SMTP password (default `ZICHA_SMTP_PASSWORD`).
    public var passwordEnv: String?
    /// A CA bundle to trust, for a school's own certificate authority.
    public var caFile: String?
    /// The sender address, e.g. `xueji@example.edu.cn`.
    public var from: String
    /// The sender's display name, e.g. `学籍科`.
    public var fromName: String?
    public var replyTo: String?
    /// Messages per minute at most (0: no limit).
    public var ratePerMinute: Int?
    public var connectTimeoutSeconds: Int?
    public var totalTimeoutSeconds: Int?
    /// A sendmail-compatible command, e.g. `/usr/sbin/sendmail -i -t` or `msmtp -t`.
    public var sendmailCommand: String?
    /// Extra lines for the top of each message, e.g. the deadline in words.
    public var deadlineText: String?

    public init(transport: Transport, from: String) {
        self.transport = transport
        self.from = from
    }
}
