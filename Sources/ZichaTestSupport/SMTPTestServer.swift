import Foundation
import ZichaKit

/// A real SMTP server (scripts/smtp_test_server.py, aiosmtpd) on 127.0.0.1: with STARTTLS on a certificate made
/// for the test and AUTH, or plain (`tls: false`, no AUTH: the `"tls": "none"` a configuration allows on this
/// machine), and the failure modes the tests ask for.
public final class SMTPTestServer {
    /// The server's own temporary folder: certificate, port file, received messages.
    public let folder: URL
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// The test certificate (nil for a plain server).
    public let certificate: URL?
    private let process: Process
    /// The AUTH login of a server with TLS.
    public static let user = "zicha"
    /// Its password (`settings` has the mailer read it from ZICHA_TEST_SMTP_PASSWORD).
    public static let password = "s3cret-Pa55word"

    /// Starts the server with the script's `options` (failure modes); returns once it listens.
    public init(_ options: [String] = [], tls: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var security: [String] = []
        if tls {
            let certificate = folder.appendingPathComponent("cert.pem")
            let key = folder.appendingPathComponent("key.pem")
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.path, "-out", certificate.path,
            ]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { throw ZichaError(.output, "openssl could not make a test certificate") }
            self.certificate = certificate
            security = ["--cert", certificate.path, "--key", key.path, "--user", Self.user, "--password", Self.password]
        } else {
            certificate = nil
        }
        let portFile = folder.appendingPathComponent("port")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [PackagePaths.file("scripts/smtp_test_server.py").path, "--dir", folder.appendingPathComponent("received").path,
                             "--port-file", portFile.path, "--lifetime", "180"] + security + options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice  // aiosmtpd logs every failed TLS handshake the tests provoke
        try process.run()
        // Wait (bounded) for the server to write its port, which it does once it is listening.
        var found: Int?
        for _ in 0..<300 where found == nil {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) { found = p; break }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw ZichaError(.output, "the test SMTP server did not start")
        }
        port = found
    }

    /// Ends the server and removes its folder.
    public func stop() {
        // SIGKILL: a child of Foundation.Process may start with SIGTERM blocked.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Every message received so far, oldest first, with its envelope recipients.
    public func received() throws -> [(rcpt: [String], tls: Bool, auth: Bool, file: URL)] {
        let dir = folder.appendingPathComponent("received")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let envelope = dir.appendingPathComponent(name.replacingOccurrences(of: ".eml", with: ".json"))
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: envelope)) as? [String: Any] ?? [:]
            return (json["rcpt_tos"] as? [String] ?? [], json["tls"] as? Bool ?? false, json["auth"] as? Bool ?? false,
                    dir.appendingPathComponent(name))
        }
    }

    /// How many connections the server took so far (each delivery attempt is one).
    public func connections() -> Int {
        let text = (try? String(contentsOf: folder.appendingPathComponent("received/connections"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    /// Settings for this server as started with TLS: its certificate trusted unless `caFile` is false.
    public func settings(tls: MailSettings.TLSMode = .starttls, caFile: Bool = true) -> MailSettings {
        var s = MailSettings(transport: .smtp, from: "xueji@example.edu.cn")
        s.fromName = "学籍科"
        s.host = "127.0.0.1"
        s.port = port
        s.tls = tls
        s.username = Self.user
        s.passwordEnv = "ZICHA_TEST_SMTP_PASSWORD"
        s.caFile = caFile ? certificate?.path : nil
        s.connectTimeoutSeconds = 5
        s.totalTimeoutSeconds = 20
        return s
    }
}
