import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hands each message to a sendmail-compatible command (postfix's sendmail, msmtp) on its stdin.
///
/// The command is split on spaces and run without a shell. Unless it reads recipients from the
/// headers (`-t`), the checked recipient is appended after `--`.
///
/// It runs in a process group of its own, with a time limit per message: a command that hangs (a queue it cannot
/// write, a relay it waits on) is stopped with every process it started, instead of holding the night — and its
/// database lock, so the next night's run — forever.
struct SendmailTransport: MailTransport {
    var command: [String]
    /// Seconds one message may take, from starting the command to its exit (`mail.sendmailTimeoutSeconds`).
    var timeLimit: Double
    /// Environment variables the command does not get: the SMTP password's (found by an audit: the README's
    /// `set -a; . ./secrets.env` exports it whatever the transport, and the command inherited it).
    var withheld: Set<String> = []

    /// The time limit when `mail.sendmailTimeoutSeconds` is not set: a local submission takes well under a second,
    /// msmtp relaying to a slow server some seconds.
    static let defaultTimeLimit = 120

    /// Parses `/usr/sbin/sendmail -i -t`; throws for an empty command.
    init(commandLine: String, timeLimit: Double = Double(defaultTimeLimit)) throws {
        command = commandLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        self.timeLimit = timeLimit
        guard let first = command.first, first.hasPrefix("/") else {
            throw ZichaError(.config, "mail.sendmailCommand must be an absolute path with its options",
                             hint: "for example \"/usr/sbin/sendmail -i -t\" or \"/usr/bin/msmtp -t\"")
        }
    }

    var serverName: String { command[0] }

    var settingsHint: String {
        "check mail.sendmailCommand and the configuration of the program it runs (msmtp's msmtprc, postfix's main.cf); "
            + "the messages not yet sent stay in the outbox and go on the next run of this night"
    }

    func deliver(_ message: ComposedMessage) -> DeliveryResult {
        var arguments = Array(command.dropFirst())
        if !arguments.contains("-t") { arguments += ["--", message.to.address] }
        // Local submission uses the system's line ends (LF); sendmail restores CRLF on the wire.
        let text = String(decoding: message.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let run: CommandRun
        do {
            run = try CommandRun(command[0], arguments, input: Array(text.utf8), timeLimit: timeLimit, withheld: withheld)
        } catch let error as CommandRun.SpawnError {
            return .fatal("cannot run \(command[0]): \(String(cString: strerror(error.code)))")
        } catch {
            return .fatal("cannot run \(command[0]): \(error)")
        }
        let said = String(decoding: run.errors.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = said.isEmpty ? "" : ": \(MailAddress.cleanName(said))"
        if run.timedOut {
            // Most likely not queued (postfix keeps only a finished queue file, msmtp sends after reading the message),
            // and the next message would hang as long: tried again, then the mail stops.
            return .unavailable("did not finish within \(Int(timeLimit)) s (mail.sendmailTimeoutSeconds) and was stopped with the "
                + "processes it started\(detail)")
        }
        if let signal = run.signal {
            return run.wroteAll ? .unknown("\(command[0]) was killed (signal \(signal)) after taking the message")
                : .transient("\(command[0]) was killed (signal \(signal))")
        }
        switch run.status {
        case 0: return run.wroteAll ? .sent : .unknown("\(command[0]) exited 0 but did not read the whole message")
        case 75: return .transient("\(command[0]) exit 75 (temporary failure)\(detail)")  // EX_TEMPFAIL
        case 78: return .fatal("\(command[0]) exit 78 (configuration error)\(detail)")   // EX_CONFIG
        case let code: return .permanent("\(command[0]) exit \(code)\(detail)")
        }
    }
}

/// One run of a command: `input` written to its stdin, its stderr read, its stdout discarded, all within a time limit.
///
/// Spawned in a process group of its own (with the signal mask and SIGPIPE's default restored, and no descriptor of
/// zicha's but the three: a grandchild left behind must not hold the run's lock). At the limit the whole group is
/// killed. Once the command itself has exited, its stderr is read for at most a second more: a grandchild that keeps
/// the pipe open does not keep zicha waiting.
struct CommandRun {
    struct SpawnError: Error { var code: Int32 }

    /// The exit status, when the command exited.
    var status: Int32 = -1
    /// The signal that ended it, when one did.
    var signal: Int32?
    /// The whole input went into the pipe (and the pipe was closed).
    var wroteAll = false
    /// The first 4 KiB of its stderr.
    var errors: [UInt8] = []
    /// It did not exit within the limit: its process group was killed.
    var timedOut = false

    /// How long stderr is still read after the command exited.
    static let afterExit = 1.0

    init(_ path: String, _ arguments: [String], input: [UInt8], timeLimit: Double, withheld: Set<String> = []) throws {
        var inPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0 else { throw SpawnError(code: errno) }
        guard pipe(&errPipe) == 0 else {
            let code = errno
            close(inPipe[0]); close(inPipe[1])
            throw SpawnError(code: code)
        }
        for fd in inPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Every other descriptor closed in the command (glibc's closefrom action is not visible to Swift): those zicha opens
        // are close-on-exec, this makes sure of it.
        for fd in Self.openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)  // zicha ignores it (a command exiting before reading must not kill zicha)
        sigaddset(&defaults, SIGXFSZ)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // A command that exits before reading its input must not kill zicha with SIGPIPE.
        _ = Glibc.signal(SIGPIPE, SIG_IGN)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let environment: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
            .filter { !withheld.contains($0.key) }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in environment { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environment)
        close(inPipe[0])
        close(errPipe[1])
        guard spawned == 0 else {
            close(inPipe[1]); close(errPipe[0])
            throw SpawnError(code: spawned)
        }
        let writer = inPipe[1], reader = errPipe[0]
        _ = fcntl(writer, F_SETFL, fcntl(writer, F_GETFL) | O_NONBLOCK)
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
        var writing = true, reading = true
        defer {
            if writing { close(writer) }
            if reading { close(reader) }
        }
        var offset = 0
        if input.isEmpty { close(writer); writing = false; wroteAll = true }
        let start = Self.now()
        var exitStatus: Int32?
        var exitedAt = 0.0
        var pause: Int32 = 1  // ms between looks at the command when no pipe says anything
        while true {
            if exitStatus == nil {
                var st: Int32 = 0
                if waitpid(pid, &st, WNOHANG) == pid { exitStatus = st; exitedAt = Self.now() }
            }
            let now = Self.now()
            if let _ = exitStatus, !reading || now - exitedAt >= Self.afterExit { break }
            if exitStatus == nil, now - start >= timeLimit {
                kill(-pid, SIGKILL)  // the command and every process it started in its group
                var st: Int32 = 0
                while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
                timedOut = true
                return
            }
            var fds: [pollfd] = []
            if writing { fds.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            if reading { fds.append(pollfd(fd: reader, events: Int16(POLLIN), revents: 0)) }
            let left = exitStatus == nil ? timeLimit - (now - start) : Self.afterExit - (now - exitedAt)
            let wait = max(0, min(Int32(left * 1000) + 1, pause))
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready <= 0 { pause = min(pause * 2, 50); continue }
            pause = 1
            for fd in fds where fd.revents != 0 {
                if fd.fd == writer {
                    let n = input.withUnsafeBytes { write(writer, $0.baseAddress! + offset, min(input.count - offset, 65536)) }
                    if n > 0 {
                        offset += n
                        if offset == input.count { close(writer); writing = false; wroteAll = true }
                    } else if n < 0, errno != EAGAIN, errno != EINTR {
                        close(writer); writing = false  // EPIPE: the command closed its input early
                    }
                } else {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let n = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress!, $0.count) }
                    if n > 0 {
                        if errors.count < 4096 { errors += buffer.prefix(min(n, 4096 - errors.count)) }
                    } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                        close(reader); reading = false
                    }
                }
            }
        }
        let st = exitStatus!
        if st & 0x7f == 0 { status = (st >> 8) & 0xff } else { signal = st & 0x7f }
    }

    private static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    /// The descriptors open in this process, from /proc/self/fd (empty where there is none).
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}
