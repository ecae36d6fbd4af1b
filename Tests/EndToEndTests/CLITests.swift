import Foundation
import Testing
import ZichaTestSupport

/// The command line as scripts and cron see it: help, and usage errors with exit 64 (sysexits EX_USAGE).
@Suite("Command line")
struct CLITests {
    @Test("zicha --help explains the tool and the exit statuses")
    func help() throws {
        let run = try ZichaBinary.run(arguments: ["--help"])
        #expect(run.status == 0)
        for piece in ["nightly", "Exit status", "64", "65"] { #expect(run.stdout.contains(piece), "--help lacks \(piece)\n\(run.stdout)") }
    }

    @Test("zicha nightly --help lists every option")
    func nightlyHelp() throws {
        let run = try ZichaBinary.run(arguments: ["nightly", "--help"])
        #expect(run.status == 0)
        for option in ["--roster", "--log", "--counselors", "--db", "--out", "--as-of", "--config", "--quiet"] {
            #expect(run.stdout.contains(option), "nightly --help lacks \(option)\n\(run.stdout)")
        }
    }

    @Test("a bad --as-of is a usage error (64) and touches nothing",
          arguments: ["2026-13-45", "yesterday", "2026-11-2", "20261128", "2026-02-30"])
    func badAsOf(_ asOf: String) throws {
        let tmp = try TempFolder("cli")
        let run = try ZichaBinary.run(arguments: [
            "nightly", "--roster", "SampleData/night1/roster.csv", "--log", "SampleData/night1/log.txt",
            "--db", tmp.file("zicha.sqlite"), "--out", tmp.file("Reports"), "--as-of", asOf,
        ])
        #expect(run.status == 64, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("--as-of"), "the message names the option:\n\(run.stderr)")
        #expect(tmp.contents().isEmpty, "a usage error created \(tmp.contents())")
    }

    @Test("no --log is a usage error (64)")
    func missingLog() throws {
        let tmp = try TempFolder("cli")
        let run = try ZichaBinary.run(arguments: ["nightly", "--roster", "SampleData/night1/roster.csv", "--db", tmp.file("z.sqlite")])
        #expect(run.status == 64, "exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("--log"), "\(run.stderr)")
        #expect(tmp.contents().isEmpty)
    }

    @Test("no --roster and an unknown option are usage errors (64)",
          arguments: [["nightly", "--log", "SampleData/night1/log.txt"], ["nightly", "--frobnicate"],
                      ["nightly", "--roster", "x.csv", "--log", "y.csv", "--encoding", "latin-9"]])
    func otherUsageErrors(_ arguments: [String]) throws {
        let run = try ZichaBinary.run(arguments: arguments)
        #expect(run.status == 64, "exit \(run.status)\n\(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }
}
