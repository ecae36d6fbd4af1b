import Foundation

/// What a finished process left: exit status and everything it printed.
public struct ProcessResult: Sendable {
    /// The exit status (128 + signal when killed by a signal).
    public var status: Int32
    /// Standard output as UTF-8 text.
    public var stdout: String
    /// Standard error as UTF-8 text.
    public var stderr: String
}

/// Runs the real built `zicha` executable, as a user or cron would.
public enum ZichaBinary {
    /// The built binary: `$ZICHA_BINARY`, else `zicha` beside the running test bundle, else `<root>/.build/debug/zicha`.
    public static var url: URL {
        let fm = FileManager.default
        if let forced = ProcessInfo.processInfo.environment["ZICHA_BINARY"] { return URL(fileURLWithPath: forced) }
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for dir in candidates {
            // Linux: <.build>/<triple>/debug/zichaPackageTests.xctest; macOS: …/debug/zichaPackageTests.xctest/Contents/MacOS.
            for up in 0...3 {
                var d = dir
                for _ in 0..<up { d = d.deletingLastPathComponent() }
                let candidate = d.appendingPathComponent("zicha")
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
            }
        }
        return PackagePaths.file(".build/debug/zicha")
    }

    /// Starts `zicha arguments…` in `cwd` with stdout and stderr going to files in `captureDirectory`
    /// (`executable`: a copy of the binary elsewhere, instead of the built one).
    public static func start(arguments: [String], cwd: String, captureDirectory: String,
                             environment: [String: String] = [:], executable: URL? = nil) throws -> RunningZicha {
        let process = Process()
        process.executableURL = executable ?? url
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let id = UUID().uuidString.prefix(8)
        let outPath = captureDirectory + "/.stdout-\(id)", errPath = captureDirectory + "/.stderr-\(id)"
        // Files, not pipes: a chatty child can never block on a full pipe while we wait for it.
        let out = try FileHandle.emptyFile(atPath: outPath)
        let err = try FileHandle.emptyFile(atPath: errPath)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try out.close()
        try err.close()
        return RunningZicha(process: process, stdoutPath: outPath, stderrPath: errPath)
    }

    /// Runs `zicha arguments…` in `cwd` (default: the package root) and waits for it.
    public static func run(arguments: [String], cwd: String? = nil, environment: [String: String] = [:],
                           executable: URL? = nil) throws -> ProcessResult {
        let scratch = try TempFolder("capture")
        return try start(arguments: arguments, cwd: cwd ?? PackagePaths.root.path, captureDirectory: scratch.path,
                         environment: environment, executable: executable).wait()
    }
}

/// A `zicha` process the test started: wait for it, or kill it.
public final class RunningZicha: @unchecked Sendable {
    /// The underlying process.
    public let process: Process
    let stdoutPath: String
    let stderrPath: String

    init(process: Process, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Sends SIGKILL (no chance to clean up), as a power cut or the OOM killer would.
    public func kill() { _ = Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Waits for the end and collects status and output.
    public func wait() throws -> ProcessResult {
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
        return ProcessResult(status: status, stdout: out, stderr: err)
    }
}
