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
    /// The file the settings were read from (`load`), named by errors found in them later.
    public var sourcePath: String?

    private enum CodingKeys: String, CodingKey { case deadline, remedies, events, mail }

    /// The same settings, wherever they were read from.
    public static func == (a: Configuration, b: Configuration) -> Bool {
        a.deadline == b.deadline && a.remedies == b.remedies && a.events == b.events && a.mail == b.mail
    }

    public init(deadline: String? = nil, remedies: String? = nil, events: [String: [String]]? = nil, mail: MailSettings? = nil) {
        self.deadline = deadline
        self.remedies = remedies
        self.events = events
        self.mail = mail
    }

    /// The keys a configuration file may hold (a misspelt one is an error: `"mial"` would silently mean no mail).
    static let knownKeys: Set<String> = ["deadline", "remedies", "events", "mail"]

    /// Reads and checks a configuration file: JSON, no unknown key, values of the right types, the deadline a day. A
    /// relative `remedies` path is taken beside the configuration file when a file is there (else from the working folder).
    public static func load(path: String) throws -> Configuration {
        let at = SourceLocation(file: path)
        let hint = "see README.md, section Configuration, for an example"
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "permission denied, or not a file" : "no such file"
            throw ZichaError(.config, "cannot read the configuration file: \(why)", at: at,
                             hint: "give --config the path of zicha's JSON configuration (relative paths start from the working folder)")
        }
        // Notepad on Chinese Windows saves ANSI (GBK): JSON must be UTF-8 (or UTF-16 with its mark, which Foundation reads).
        // (NUL bytes: UTF-16 or UTF-32 without a mark, which Foundation reads too.)
        if !data.starts(with: [0xFF, 0xFE]), !data.starts(with: [0xFE, 0xFF]), !data.contains(0), String(data: data, encoding: .utf8) == nil {
            throw ZichaError(.config, "the configuration file is not UTF-8 text (saved as GBK/ANSI?)", at: at,
                             hint: "save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            let why = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            // Foundation says where by offset ("around character 60"): the line is what an editor shows. The offset counts
            // UTF-8 bytes after any byte order mark (UTF-16 is read as its UTF-8).
            var line: Int?
            if let r = why.range(of: "character "), let offset = Int(why[r.upperBound...].prefix { $0.isNumber }) {
                let utf8: Data
                if data.starts(with: [0xEF, 0xBB, 0xBF]) { utf8 = data.dropFirst(3) }
                else if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
                    utf8 = Data((String(data: data, encoding: .utf16) ?? "").utf8)
                } else { utf8 = data }
                // Without a mark, NUL bytes mean UTF-16 or UTF-32, which Foundation also reads: no line then, rather than a wrong one.
                if offset <= utf8.count, !utf8.contains(0) {
                    let before = utf8.prefix(offset)
                    let crlf = zip(before, before.dropFirst()).filter { $0 == 0x0D && $1 == 0x0A }.count
                    line = before.filter { $0 == 0x0A || $0 == 0x0D }.count - crlf + 1  // LF, CRLF or CR alone
                }
            }
            throw ZichaError(.config, "the configuration file is not valid JSON: \(why)", at: SourceLocation(file: path, line: line), hint: hint)
        }
        guard let top = object as? [String: Any] else {
            throw ZichaError(.config, "the configuration file must hold one JSON object ({ … })", at: at, hint: hint)
        }
        try refuseUnknownKeys(top, known: knownKeys, in: "", at: at)
        if let mail = top["mail"] as? [String: Any] {
            try refuseUnknownKeys(mail, known: MailSettings.knownKeys, in: "mail.", at: at)
            try checkWholeNumbers(mail, at: at, hint: hint)
        }
        var config: Configuration
        do {
            config = try JSONDecoder().decode(Configuration.self, from: data)
        } catch let error as DecodingError {
            throw ZichaError(.config, "the configuration file is not valid: \(describe(error))", at: at, hint: hint)
        }
        if let d = config.deadline, EventTime.dayNumber(d) == nil {
            throw ZichaError(.config, "deadline \"\(d)\" is not a day written YYYY-MM-DD", at: at, hint: hint)
        }
        if let r = config.remedies, !r.hasPrefix("/") {
            let beside = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(r).path
            if FileManager.default.fileExists(atPath: beside) { config.remedies = beside }
        }
        // The CA bundle likewise; and one that cannot be read stops the run here, not after the night's import.
        if let ca = config.mail?.caFile, !ca.isEmpty {
            if !ca.hasPrefix("/") {
                let beside = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(ca).path
                if FileManager.default.fileExists(atPath: beside) { config.mail?.caFile = beside }
            }
            if !FileManager.default.isReadableFile(atPath: config.mail?.caFile ?? ca) {
                throw ZichaError(.config, "mail.caFile \"\(ca)\" cannot be read (no such file, or not readable by this user)", at: at,
                                 hint: "give the CA bundle's path, absolute or relative to the configuration file")
            }
        }
        config.sourcePath = path
        return config
    }

    /// Runs `body`, which checks settings of this configuration further (the event labels, the mail transport); a
    /// settings error it throws names the configuration file, as the errors found while reading it do.
    public func located<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch var error as ZichaError where error.kind == .config && error.diagnostic.location == nil {
            error.diagnostic.location = sourcePath.map { SourceLocation(file: $0) }
            throw error
        }
    }

    /// The mail section's numbers are whole and in range: JSON's 25.5 or -5 would otherwise be a decoding error
    /// naming no setting, or a rate limit that means nothing. (A time limit of 0 is refused with its own words by
    /// `MailTransportFactory`.)
    private static func checkWholeNumbers(_ mail: [String: Any], at: SourceLocation, hint: String) throws {
        let ranges: [(key: String, range: ClosedRange<Double>)] = [("port", 1...65535), ("ratePerMinute", 0...1_000_000),
                                                                  ("connectTimeoutSeconds", 0...86400), ("totalTimeoutSeconds", 0...86400),
                                                                  ("sendmailTimeoutSeconds", 0...86400)]
        for (key, range) in ranges {
            guard let value = mail[key], !(value is NSNull) else { continue }
            guard let number = value as? NSNumber else { continue }  // a text: the decoder names the type
            let d = number.doubleValue
            if d.rounded() != d || !range.contains(d) {
                throw ZichaError(.config, "mail.\(key) is \(number), but should be a whole number from \(Int(range.lowerBound)) to \(Int(range.upperBound))",
                                 at: at, hint: hint)
            }
        }
    }

    private static func refuseUnknownKeys(_ object: [String: Any], known: Set<String>, in prefix: String, at: SourceLocation) throws {
        // Keys starting with _, $, # or // are comments (JSON has none of its own): `"_comment": "…"`.
        let isComment = { (key: String) in ["_", "$", "#", "//"].contains { key.hasPrefix($0) } }
        guard let unknown = object.keys.filter({ !known.contains($0) && !isComment($0) }).sorted().first else { return }
        throw ZichaError(.config, "the configuration file has an unknown setting \"\(prefix)\(unknown)\"", at: at,
                         hint: "known settings\(prefix.isEmpty ? "" : " of \(prefix.dropLast())"): \(known.sorted().joined(separator: ", "))")
    }

    /// A JSON value's kind in plain words (a Swift type's name says nothing to an administrator).
    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a text"
        case is Int.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        default: return "\(type)".hasPrefix("Array") ? "a list [ … ]" : "an object { … }"
        }
    }

    /// A decoding error in plain words: the setting's path and what is wrong with it.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String { keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue) is missing"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) should be \(typeName(type))"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

}

/// How counselor mail goes out.
public struct MailSettings: Sendable, Codable, Equatable {
    public enum Transport: String, Sendable, Codable, CaseIterable {
        case none, smtp, sendmail
        public init(from decoder: Decoder) throws { self = try MailSettings.choice(decoder) }
    }
    public enum TLSMode: String, Sendable, Codable, CaseIterable {
        case starttls, implicit, none
        public init(from decoder: Decoder) throws { self = try MailSettings.choice(decoder) }
    }

    /// One of an enumeration's words; a word that is none of them is refused naming them all.
    private static func choice<T: RawRepresentable & CaseIterable>(_ decoder: Decoder) throws -> T where T.RawValue == String {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = T(rawValue: word) else {
            let words = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(word)\" is not one of \(words)")
        }
        return value
    }

    /// `none` (outbox only, as without a `mail` section), `smtp` or `sendmail`.
    public var transport: Transport
    /// The SMTP server's name or address.
    public var host: String?
    /// Default 587 (`starttls`), 465 (`implicit`), 25 (`none`).
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
    /// A Reply-To address.
    public var replyTo: String?
    /// Messages per minute at most (0: no limit).
    public var ratePerMinute: Int?
    /// Seconds to connect and get through greeting, STARTTLS and login (default 15).
    public var connectTimeoutSeconds: Int?
    /// Seconds for one message's whole exchange (default 60).
    public var totalTimeoutSeconds: Int?
    /// A sendmail-compatible command, e.g. `/usr/sbin/sendmail -i -t` or `msmtp -t`.
    public var sendmailCommand: String?
    /// Seconds the sendmail command may take for one message (default 120): then it is stopped with the processes it started.
    public var sendmailTimeoutSeconds: Int?
    /// Extra lines for the top of each message, e.g. the deadline in words.
    public var deadlineText: String?

    /// The keys of the `mail` section (see `Configuration.knownKeys`).
    static let knownKeys: Set<String> = ["transport", "host", "port", "tls", "username", "passwordEnv", "caFile", "from", "fromName",
                                         "replyTo", "ratePerMinute", "connectTimeoutSeconds", "totalTimeoutSeconds",
                                         "sendmailCommand", "sendmailTimeoutSeconds", "deadlineText"]

    public init(transport: Transport, from: String) {
        self.transport = transport
        self.from = from
    }
}
