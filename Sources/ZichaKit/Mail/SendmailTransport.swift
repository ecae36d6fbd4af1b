import Foundation

/// Hands each message to a sendmail-compatible command (postfix's sendmail, msmtp) on its stdin.
///
/// The command is split on spaces and run without a shell. Unless it reads recipients from the
/// headers (`-t`), the checked recipient is appended after `--`.
struct SendmailTransport: MailTransport {
    var command: [String]

    /// Parses `/usr/sbin/sendmail -i -t`; throws for an empty command.
    init(commandLine: String) throws {
        command = commandLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = command.first, first.hasPrefix("/") else {
            throw ZichaError(.config, "mail.sendmailCommand must be an absolute path with its options",
                             hint: "for example \"/usr/sbin/sendmail -i -t\" or \"/usr/bin/msmtp -t\"")
        }
    }

    var serverName: String { command[0] }

    func deliver(_ message: ComposedMessage) -> DeliveryResult {
        var arguments = Array(command.dropFirst())
        if !arguments.contains("-t") { arguments += ["--", message.to.address] }
        // A command that exits before reading its input must not kill zicha with SIGPIPE.
        _ = signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = arguments
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch {
            return .fatal("cannot run \(command[0]): \(error.localizedDescription)")
        }
        // Local submission uses the system's line ends (LF); sendmail restores CRLF on the wire.
        let text = String(decoding: message.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let writer = input.fileHandleForWriting
        var wrote = true
        do { try writer.write(contentsOf: Data(text.utf8)); try writer.close() } catch { wrote = false; try? writer.close() }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let said = String(decoding: stderr.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = said.isEmpty ? "" : ": \(MailAddress.cleanName(said))"
        if process.terminationReason == .uncaughtSignal {
            return wrote ? .unknown("\(command[0]) was killed after taking the message") : .transient("\(command[0]) was killed")
        }
        switch process.terminationStatus {
        case 0: return wrote ? .sent : .unknown("\(command[0]) exited 0 but did not read the whole message")
        case 75: return .transient("\(command[0]) exit 75 (temporary failure)\(detail)")  // EX_TEMPFAIL
        case 78: return .fatal("\(command[0]) exit 78 (configuration error)\(detail)")   // EX_CONFIG
        case let code: return .permanent("\(command[0]) exit \(code)\(detail)")
        }
    }
}
