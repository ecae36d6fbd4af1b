import CCurlShim
import Foundation

/// Sends over SMTP with libcurl's easy interface: STARTTLS required by default (`smtp://` with
/// CURLUSESSL_ALL), implicit TLS (`smtps://`), or plain for local test servers only.
///
/// One connection carries up to `messagesPerConnection` messages: the easy handle is kept between deliveries, and
/// libcurl sends the next MAIL FROM on the connection it keeps (checking first that the server has not closed it). A
/// school's 1,000 counselors were 1,000 connections, each with its TLS handshake, EHLO and login — slow against a
/// server slow to greet, and what servers that limit connections per minute count. Any result but `sent` closes the
/// connection, so a retry or the next message starts on a fresh one; `finish()` ends the last with QUIT.
final class SMTPTransport: MailTransport {
    let host: String
    let port: Int
    let tls: MailSettings.TLSMode
    let username: String?
    /// From the environment; never logged, never in an error.
    let password: String?
    let caFile: String?
    let connectTimeout: Int
    let totalTimeout: Int
    /// The EHLO name: the sender's domain.
    let heloDomain: String
    /// Messages sent on one connection before it is closed and another opened: servers may cap a session (Exchange's
    /// receive connectors take 20 by default), and a long-lived session gains little after the first few.
    static let messagesPerConnection = 20

    /// The handle whose connection the next message may reuse, and how many messages that connection has carried.
    private var handle: UnsafeMutableRawPointer?
    private var messagesOnHandle = 0

    init(host: String, port: Int, tls: MailSettings.TLSMode, username: String?, password: String?, caFile: String?,
         connectTimeout: Int, totalTimeout: Int, heloDomain: String) {
        self.host = host; self.port = port; self.tls = tls; self.username = username; self.password = password
        self.caFile = caFile; self.connectTimeout = connectTimeout; self.totalTimeout = totalTimeout; self.heloDomain = heloDomain
    }

    deinit { finish() }

    var serverName: String { "\(host):\(port)" }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Ends the kept connection, if any, with QUIT.
    func finish() {
        guard let curl = handle else { return }
        handle = nil
        messagesOnHandle = 0
        curl_easy_cleanup(curl)
    }

    func deliver(_ message: ComposedMessage) -> DeliveryResult {
        _ = Self.globalInit
        if messagesOnHandle >= Self.messagesPerConnection { finish() }
        if handle == nil { handle = curl_easy_init() }
        guard let curl = handle else { return .transient("libcurl could not start") }
        let result = deliver(message, on: curl)
        if result == .sent { messagesOnHandle += 1 } else { finish() }
        return result
    }

    private func deliver(_ message: ComposedMessage, on curl: UnsafeMutableRawPointer) -> DeliveryResult {
        let recipients = curl_slist_append(nil, "<\(message.to.address)>")
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(bytes: message.bytes)
        let uploadPointer = Unmanaged.passRetained(upload)
        defer { uploadPointer.release() }
        let replies = Replies(wantsLogin: !(username ?? "").isEmpty)
        let repliesPointer = Unmanaged.passRetained(replies)
        defer { repliesPointer.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // The handle outlives this message: nothing it keeps may point at this call's objects once it returns (the QUIT
        // that `finish()` sends is read through the line reader, and the recipient list is freed on return).
        defer {
            _ = zicha_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, nil)
            _ = zicha_curl_setopt_pointer(curl, CURLOPT_MAIL_RCPT, nil)
            _ = zicha_curl_set_reader(curl, uploadRead, nil)
            _ = zicha_curl_set_line_reader(curl, replyLine, nil)
        }

        let scheme = tls == .implicit ? "smtps" : "smtp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) { if code == CURLE_OK { code = zicha_curl_setopt_long(curl, option, value) } }
        func set(_ option: CURLoption, _ value: String) { if code == CURLE_OK { code = zicha_curl_setopt_string(curl, option, value) } }
        set(CURLOPT_URL, "\(scheme)://\(hostPart):\(port)/\(heloDomain)")
        set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        set(CURLOPT_USE_SSL, Int(tls == .none ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue))
        set(CURLOPT_MAIL_FROM, "<\(message.from.address)>")
        set(CURLOPT_UPLOAD, 1)
        set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
        set(CURLOPT_TIMEOUT, totalTimeout)
        // Each reply's wait too: the overall limit does not bound the wait for the answer to QUIT that curl sends
        // after a timeout (a server silent after a message's end held each message 30 s to 2 min beyond the limit).
        set(CURLOPT_SERVER_RESPONSE_TIMEOUT, totalTimeout)
        set(CURLOPT_VERBOSE, 0)  // verbose output would show the AUTH exchange
        if let caFile { set(CURLOPT_CAINFO, caFile) }
        if let username { set(CURLOPT_USERNAME, username) }
        if let password { set(CURLOPT_PASSWORD, password) }
        if code == CURLE_OK { code = zicha_curl_setopt_pointer(curl, CURLOPT_MAIL_RCPT, recipients) }
        if code == CURLE_OK { code = zicha_curl_setopt_off(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.bytes.count)) }
        if code == CURLE_OK { code = zicha_curl_set_reader(curl, uploadRead, uploadPointer.toOpaque()) }
        if code == CURLE_OK { code = zicha_curl_set_line_reader(curl, replyLine, repliesPointer.toOpaque()) }
        if code == CURLE_OK { code = errorBuffer.withUnsafeMutableBufferPointer { zicha_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, $0.baseAddress) } }
        guard code == CURLE_OK else { return .fatal("libcurl refused an option (\(String(cString: curl_easy_strerror(code))))") }

        let result = curl_easy_perform(curl)
        _ = zicha_curl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, nil)
        var reply = 0
        _ = zicha_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &reply)
        let said = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let why = MailAddress.cleanName(said.isEmpty ? String(cString: curl_easy_strerror(result)) : said)
        if replies.noLoginOffered {
            // Stopped after MAIL FROM, before any recipient: nothing went.
            return .fatal("the server offers no login (AUTH) on port \(port), although mail.username is set: nothing is sent without the login (a server offers it on its submission port, 587 with STARTTLS or 465)")
        }
        return Self.classify(result, reply: reply, serverSaid: replies.refusal, dataDone: upload.finished, detail: why, timeLimit: totalTimeout)
    }

    /// The settings a server that never answered points at: a port of the other TLS mode (465 is implicit TLS, 587 and 25
    /// STARTTLS: the wrong one waits out the time limit in silence), then the server itself and its time to greet.
    var unreachableHint: String {
        var hints: [String] = []
        if port == 465, tls != .implicit { hints.append("port 465 is usually implicit TLS: set mail.tls to \"implicit\"") }
        if port == 587 || port == 25, tls == .implicit { hints.append("port \(port) usually takes STARTTLS: set mail.tls to \"starttls\"") }
        hints.append("check mail.host and mail.port and that the server is up; a server slow to greet needs a larger "
            + "mail.connectTimeoutSeconds (now \(connectTimeout) s)")
        return hints.joined(separator: "; ")
    }

    /// What to check when the mail stops on a refusal of the connection, the sender or the login.
    var settingsHint: String {
        "check mail.host, mail.from, mail.username, the password variable, mail.tls and mail.caFile; the messages not yet sent "
            + "stay in the outbox and go on the next run of this night"
    }

    /// The step of the exchange a refusal answered, from the start of libcurl's error text (`RCPT failed: 550`).
    enum Step: String {
        case greeting = "the greeting", hello = "EHLO", startTLS = "STARTTLS", login = "AUTH", sender = "MAIL FROM",
             recipient = "RCPT TO", data = "DATA", message = "the message"

        init?(detail: String, dataDone: Bool) {
            let prefixes: [(String, Step)] = [("Got unexpected smtp-server response", .greeting), ("Remote access denied", .hello),
                                              ("STARTTLS denied", .startTLS), ("Authentication failed", .login),
                                              ("MAIL failed", .sender), ("RCPT failed", .recipient), ("DATA failed", .data)]
            if let found = prefixes.first(where: { detail.hasPrefix($0.0) }) { self = found.1 } else if dataDone { self = .message } else { return nil }
        }

        /// Before any recipient: a refusal here is about the server or the sender, and would be the same for every counselor.
        var beforeRecipients: Bool { [.greeting, .hello, .startTLS, .login, .sender].contains(self) }
    }

    /// Words of a refusal of a recipient that is about the server's rules (relaying, a login it wants), not the address,
    /// when the reply has no enhanced code: qmail's `553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)`,
    /// `550 Relaying denied`, exim's `550 relay not permitted`, `530 Authentication required`.
    static let policyWords = ["#5.7.", "relay", "rcpthosts", "not permitted", "authentication required", "auth required",
                              "authentication is required", "must authenticate"]

    /// Whether a 5xx reply to RCPT TO refuses for the server's rules (relaying denied, a login needed, other security or
    /// policy) rather than the address: by its enhanced code when it has one (5.7.x), otherwise by `policyWords` — unless
    /// the words say the user is unknown (`User unknown in relay recipient table` is about the address).
    static func isPolicyRefusal(_ answer: String) -> Bool {
        if let enhanced = answer.split(separator: " ").dropFirst().first, isEnhancedCode(enhanced) { return enhanced.hasPrefix("5.7.") }
        if answer.hasPrefix("530") { return true }  // authentication required
        let lower = answer.lowercased()
        if ["user unknown", "unknown user", "no such user", "no such mailbox"].contains(where: { lower.contains($0) }) { return false }
        return policyWords.contains { lower.contains($0) }
    }

    /// `5.7.1`: a class digit and two numbers (RFC 3463).
    private static func isEnhancedCode(_ token: Substring) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && ["2", "4", "5"].contains(parts[0])
            && parts.dropFirst().allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// Maps libcurl's result and the last SMTP reply (its code, and its text as the server wrote it) to what the
    /// mailer does next.
    static func classify(_ result: CURLcode, reply: Int, serverSaid: String, dataDone: Bool, detail: String, timeLimit: Int) -> DeliveryResult {
        let answer = serverSaid.hasPrefix("\(reply)") ? serverSaid : "\(reply)"
        let step = Step(detail: detail, dataDone: dataDone)
        // A temporary refusal before any recipient, or a 421 (the server closing the connection) at any step, is about the
        // server or the sender: every counselor would get it.
        if (400..<500).contains(reply), reply == 421 || step?.beforeRecipients == true {
            return .unavailable("refused mail for now: the server answered\(step.map { " \($0.rawValue)" } ?? "") with \(answer)")
        }
        switch result {
        case CURLE_OK:
            return .sent
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            return .fatal("the server refused the login (\(reply > 0 ? answer : detail))")
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED:
            return .fatal("TLS failed: \(detail)")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .fatal(detail)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .unreachable(detail)
        case CURLE_OPERATION_TIMEDOUT where !dataDone:
            // No connection, or no answer, within the time limits (a server that takes connections and hangs): as good
            // as not there, and each message would wait out the limits three times.
            return .unreachable(detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .unanswered(seconds: timeLimit)
        default:
            break
        }
        guard (400..<600).contains(reply) else {
            if dataDone { return .unknown("the connection ended after the message was sent, with no final reply: \(detail)") }
            return .transient(detail)
        }
        let why = step.map { $0 == .message ? "the server answered the message with \(answer)" : "the server answered \($0.rawValue) with \(answer)" }
            ?? "the server answered \(answer) (\(detail))"
        if reply < 500 { return .transient(why) }
        // A permanent refusal before any recipient (the greeting, EHLO, the sender: `550` or `530 authentication required`
        // to MAIL FROM) would refuse every counselor alike: the mail stops at once.
        if step?.beforeRecipients == true { return .fatal("the server refused \(step == .sender ? "the sender" : "the connection"): \(why)") }
        // A 5xx to RCPT TO refuses the address itself, unless it is about the server's rules (relaying denied, a login
        // needed), which is the sending setup's fault and would refuse every counselor alike.
        if step == .recipient { return isPolicyRefusal(answer) ? .refusedByPolicy(answer) : .refusedRecipient(answer) }
        return .permanent(why)
    }
}

/// The server's replies as curl reads them, line by line: the last refusal (4xx or 5xx), its lines joined. Not simply
/// the last reply: curl ends the connection with QUIT, whose `221 Bye` comes after the refusal.
private final class Replies {
    /// E.g. `550 5.1.1 <x@example.edu.cn>: Recipient address rejected`; at most 300 characters.
    private(set) var refusal = ""
    private var pending: [String] = []
    /// A login is configured: a server that offers none must not be sent to without one.
    let wantsLogin: Bool
    /// Set when the server accepted MAIL FROM although its last EHLO offered no AUTH (curl skips the login then): the
    /// transfer is stopped there, before any recipient or data.
    private(set) var noLoginOffered = false
    /// Where the exchange is: the next final reply after a 220 (greeting, STARTTLS) answers EHLO, the one after that
    /// AUTH (334 / 235) or, with no AUTH offered, MAIL FROM.
    private var awaitingEHLO = false, afterEHLO = false, authOffered = false

    init(wantsLogin: Bool) { self.wantsLogin = wantsLogin }

    /// `550-…` continues a reply, `550 …` ends it. False to stop the transfer.
    func add(_ line: String) -> Bool {
        let text = MailAddress.cleanName(line)
        guard text.count >= 3, text.prefix(3).allSatisfy({ ("0"..."9").contains($0) }) else { return true }
        let rest = String(text.dropFirst(4))
        if text.dropFirst(3).first == "-" {
            if pending.count < 10 { pending.append(rest) }
            return true
        }
        let code = text.prefix(3)
        if let first = text.first, first == "4" || first == "5" {
            refusal = String(([String(code)] + pending + [rest]).filter { !$0.isEmpty }.joined(separator: " ").prefix(300))
        }
        defer { pending = [] }
        if code == "220" { awaitingEHLO = true; afterEHLO = false; return true }
        if awaitingEHLO, code == "250" {
            // EHLO's capabilities: `250-AUTH PLAIN LOGIN` (or the older `250-AUTH=LOGIN`), one line among several.
            authOffered = (pending + [rest]).contains { $0.uppercased().hasPrefix("AUTH ") || $0.uppercased().hasPrefix("AUTH=") }
            awaitingEHLO = false; afterEHLO = true
            return true
        }
        if afterEHLO {
            afterEHLO = false
            if wantsLogin, !authOffered, code == "250" { noLoginOffered = true; return false }
        }
        return true
    }
}

/// CURLOPT_HEADERFUNCTION: for SMTP, curl hands every line of every server reply here.
private func replyLine(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    let n = size * count
    guard let buffer else { return 0 }
    guard let userdata else { return n }  // between messages (the QUIT of a kept connection): nobody is listening
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: n), as: UTF8.self)
    return Unmanaged<Replies>.fromOpaque(userdata).takeUnretainedValue().add(line) ? n : 0
}

/// The message being uploaded, read by curl in pieces.
private final class Upload {
    let bytes: [UInt8]
    var offset = 0
    /// Curl has taken the last byte: the whole message went to the connection.
    var finished = false

    init(bytes: [UInt8]) { self.bytes = bytes }
}

/// CURLOPT_READFUNCTION: copies the next piece of the message; 0 at the end.
private func uploadRead(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let upload = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, upload.bytes.count - upload.offset)
    if n <= 0 { upload.finished = true; return 0 }
    upload.bytes.withUnsafeBufferPointer { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: n)
    }
    upload.offset += n
    // With CURLOPT_INFILESIZE_LARGE set, curl stops asking once it has the whole size: mark it here.
    if upload.offset == upload.bytes.count { upload.finished = true }
    return n
}
