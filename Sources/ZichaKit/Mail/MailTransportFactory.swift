import Foundation
/// Turns `MailSettings` and the environment into a transport, checking everything before a message goes.
enum MailTransportFactory {
    /// The environment variable read for the SMTP password when `passwordEnv` is not set.
    static let defaultPasswordEnv = "ZICHA_SMTP_PASSWORD"

    /// The sender: the configured one, or a placeholder for outbox-only runs without settings.
    static func sender(_ settings: MailSettings?) throws -> MailAddress {
        guard let settings else { return try MailAddress(address: "noreply@zicha.invalid", name: "学籍自查") }
        do {
            return try MailAddress(address: settings.from, name: settings.fromName ?? "")
        } catch let problem as MailAddress.Problem {
            throw ZichaError(.config, "mail.from is not a usable address: \(problem.reason)",
                             hint: settings.from.contains("<") ? "give the address alone in mail.from and the name in mail.fromName" : nil)
        }
    }

    /// The Reply-To mailbox when configured.
    static func replyTo(_ settings: MailSettings?) throws -> MailAddress? {
        guard let raw = settings?.replyTo, !raw.isEmpty else { return nil }
        do { return try MailAddress(address: raw) } catch let problem as MailAddress.Problem {
            throw ZichaError(.config, "mail.replyTo is not a usable address: \(problem.reason)")
        }
    }

    /// Checks the settings as `CounselorMailer.prepare` will use them — sender, reply address, transport, the password
    /// variable — so that a run stops at its start, not after a night's import and reconcile.
    static func check(_ settings: MailSettings?, environment: [String: String]) throws {
        _ = try transport(settings, environment: environment, sender: try sender(settings))
        _ = try replyTo(settings)
    }

    /// The transport, or nil for `none` (outbox only).
    static func transport(_ settings: MailSettings?, environment: [String: String], sender: MailAddress) throws -> MailTransport? {
        guard let settings else { return nil }
        switch settings.transport {
        case .none:
            return nil
        case .sendmail:
            guard let command = settings.sendmailCommand, !command.isEmpty else {
                throw ZichaError(.config, "mail.transport is sendmail but mail.sendmailCommand is not set",
                                 hint: "for example \"/usr/sbin/sendmail -i -t\"")
            }
            let limit = settings.sendmailTimeoutSeconds ?? SendmailTransport.defaultTimeLimit
            // 0 or less would stop every message at once; there is no "no limit" (a hung command would hold the night).
            guard limit >= 1 else { throw ZichaError(.config, "mail.sendmailTimeoutSeconds \(limit) must be at least 1 second") }
            var transport = try SendmailTransport(commandLine: command, timeLimit: Double(limit))
            transport.withheld = Set([defaultPasswordEnv, settings.passwordEnv].compactMap { $0 })
            return transport
        case .smtp:
            return try smtp(settings, environment: environment, sender: sender)
        }
    }

    private static func smtp(_ settings: MailSettings, environment: [String: String], sender: MailAddress) throws -> SMTPTransport {
        let tls = settings.tls ?? .starttls
        guard let host = settings.host, !host.isEmpty,
              MailAddress.isHostName(host) || isLoopback(host) || host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else {
            let withPort = settings.host.map { $0.contains(":") && !$0.contains("::") && !$0.hasPrefix("[") } ?? false
            throw ZichaError(.config, "mail.host must be the SMTP server's name, e.g. smtp.example.edu.cn",
                             hint: withPort ? "give the port on its own as mail.port" : nil)
        }
        let port = settings.port ?? (tls == .implicit ? 465 : tls == .none ? 25 : 587)
        guard (1...65535).contains(port) else { throw ZichaError(.config, "mail.port \(port) is not a port number") }
        // 0 would mean no limit to libcurl (a hung server holding the night), a negative number an error at the first message.
        for (name, seconds) in [("connectTimeoutSeconds", settings.connectTimeoutSeconds), ("totalTimeoutSeconds", settings.totalTimeoutSeconds)] {
            if let seconds, seconds < 1 { throw ZichaError(.config, "mail.\(name) \(seconds) must be at least 1 second") }
        }
        if tls == .none, !isLoopback(host) {
            throw ZichaError(.config, "mail.tls \"none\" is only allowed for a server on this machine, not \(host)",
                             hint: "use \"starttls\" (port 587) or \"implicit\" (port 465)")
        }
        var password: String?
        if let username = settings.username, !username.isEmpty {
            let variable = settings.passwordEnv ?? defaultPasswordEnv
            guard let value = environment[variable], !value.isEmpty else {
                throw ZichaError(.config, "mail.username is set but the environment variable \(variable) holding the password is empty",
                                 hint: "export \(variable) before running zicha; the password never goes in the configuration file")
            }
            password = value
        }
        return SMTPTransport(host: host, port: port, tls: tls, username: settings.username, password: password,
                             caFile: settings.caFile, connectTimeout: settings.connectTimeoutSeconds ?? 15,
                             totalTimeout: settings.totalTimeoutSeconds ?? 60, heloDomain: sender.domain)
    }

    /// `localhost`, `::1` or an address of 127.0.0.0/8 written as such: a host name that merely starts with "127." may
    /// name any machine (found by an audit: `127.mail.example.edu.cn` got the password in clear).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 && UInt32(bigEndian: address.s_addr) >> 24 == 127
    }
}
