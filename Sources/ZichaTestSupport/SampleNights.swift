import Foundation

/// The two nights in SampleData/, as scripts/nightly-sample runs them (paths relative to the package root).
public enum SampleNights {
    /// The as-of day of night 1 and night 2.
    public static let asOf = ["2026-11-28", "2026-11-29"]

    /// `nightly …` arguments for night 1 or 2 into `db` and `out`; run them with the package root as cwd.
    public static func arguments(night: Int, db: String, out: String) -> [String] {
        let inputs: [String]
        if night == 1 {
            inputs = ["--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt",
                      "--counselors", "SampleData/night1/counselors.csv"]
        } else {
            inputs = ["--roster", "SampleData/night2/roster.csv", "--log", "SampleData/night2/log.csv",
                      "--log", "SampleData/night2/status.txt", "--counselors", "SampleData/night2/counselors.csv"]
        }
        return ["nightly"] + inputs + ["--db", db, "--out", out, "--as-of", asOf[night - 1], "--config", "SampleData/zicha.json"]
    }

    /// Runs the built binary on night 1's roster with `logs` and `counselors` of a test's own (default: night 1's list)
    /// as of night 1, into `tmp`'s zicha.sqlite and Reports/, without mail; `extra` adds options (`-q`).
    public static func runOnNight1Roster(logs: [String], counselors: String = "SampleData/night1/counselors.csv", in tmp: TempFolder,
                                         extra: [String] = []) throws -> ProcessResult {
        try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv"] + logs.flatMap { ["--log", $0] }
                                + ["--counselors", counselors, "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"),
                                   "--as-of", asOf[0], "--no-mail"] + extra,
                            cwd: PackagePaths.root.path)
    }

    /// Runs night 1 or 2 with the built binary from the package root.
    public static func run(night: Int, db: String, out: String) throws -> ProcessResult {
        try ZichaBinary.run(arguments: arguments(night: night, db: db, out: out), cwd: PackagePaths.root.path)
    }
}

/// Reads a night's `findings.json` with Foundation's JSONSerialization.
public struct FindingsFile {
    /// The whole document.
    public let json: [String: Any]

    /// Parses the file at `path`; throws when it is not a JSON object.
    public init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        json = object
    }

    /// `students`, keyed by 考生号.
    public var studentsByKsh: [String: [String: Any]] {
        var byKsh: [String: [String: Any]] = [:]
        for s in json["students"] as? [[String: Any]] ?? [] { byKsh[s["ksh"] as? String ?? ""] = s }
        return byKsh
    }

    /// The number of entries in `students` (to catch a student listed twice).
    public var studentCount: Int { (json["students"] as? [Any])?.count ?? -1 }

    /// `totals` as integers.
    public var totals: [String: Int] { (json["totals"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int } }

    /// `unmatched` entries.
    public var unmatched: [[String: Any]] { json["unmatched"] as? [[String: Any]] ?? [] }

    /// `resolved` entries.
    public var resolved: [[String: Any]] { json["resolved"] as? [[String: Any]] ?? [] }
}
