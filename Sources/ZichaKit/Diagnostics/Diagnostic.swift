#if canImport(Glibc)
import Glibc
#endif

/// Where in an input a problem is: a file, and a line (text tables) or sheet and cell (workbooks).
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The file name as the user gave it (not resolved).
    public var file: String
    /// 1-based line where the record starts; nil for whole-file problems.
    public var line: Int?
    /// `Sheet1!D21` for workbooks.
    public var cell: String?

    public init(file: String, line: Int? = nil, cell: String? = nil) {
        self.file = file
        self.line = line
        self.cell = cell
    }

    /// `roster.csv:14`, `roster.xlsx:21: Sheet1!D21` or `roster.csv`: the file and line first, as the SPEC's
    /// `file:line: reason` has it (a workbook's cell came in place of its line before; found by an audit), then the
    /// sheet and cell — a workbook read over several sheets numbers each sheet's rows from 1.
    public var description: String {
        switch (line, cell) {
        case let (line?, cell?): return "\(file):\(line): \(cell)"
        case let (nil, cell?): return "\(file): \(cell)"
        case let (line?, nil): return "\(file):\(line)"
        case (nil, nil): return file
        }
    }
}

/// A problem worth telling the user: severity, plain-language message, location, and a hint.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    public var hint: String?
    /// A warning the office needs whatever the night (shown under `--quiet` too, where warnings are not).
    public var evenWhenQuiet = false

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil, hint: String? = nil,
                evenWhenQuiet: Bool = false) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
        self.evenWhenQuiet = evenWhenQuiet
    }

    /// `roster.csv:14: error: …` and, when there is one, `  hint: …` on the next line.
    public var description: String {
        var s = location.map { "\($0): " } ?? ""
        s += "\(severity.rawValue): \(message)"
        if let hint { s += "\n  hint: \(hint)" }
        return s
    }
}

/// Receives diagnostics as a stage finds them (printing, collecting, counting).
public protocol DiagnosticSink: AnyObject {
    func report(_ diagnostic: Diagnostic)
}

/// Keeps every diagnostic; for tests and for summaries.
public final class DiagnosticCollector: DiagnosticSink, @unchecked Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// A failure that stops the run. `exitCode` follows the SPEC: 65 for an input that is not a table, 1 otherwise.
public struct ZichaError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case unreadableInput, config, database, output, mail, usage }

    public var kind: Kind
    public var diagnostic: Diagnostic

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.kind = kind
        self.diagnostic = Diagnostic(.error, message, at: location, hint: hint)
    }

    public var exitCode: Int32 {
        switch kind {
        case .unreadableInput: return 65
        default: return 1
        }
    }

    public var description: String { diagnostic.description }
}

extension ZichaError {
    /// A file zicha writes that could not be written: the system's reason for `code` (an errno), and for a full disk
    /// or a file size limit the hint to free space and run the night again.
    static func cannotWrite(_ what: String, errno code: Int32, at path: String) -> ZichaError {
        let full = code == ENOSPC || code == EFBIG || code == EDQUOT
        return ZichaError(.output, "cannot write \(what): \(String(cString: strerror(code)))", at: SourceLocation(file: path),
                          hint: full ? "the disk is full or a file size limit was reached; free space and run the night again" : nil)
    }
}

/// `1 row`, `2 rows`: a count and its noun for messages (English plurals by `s`, or the plural given).
public func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
}
