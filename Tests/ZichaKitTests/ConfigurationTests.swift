import Foundation
import Testing
import ZichaTestSupport
@testable import ZichaKit

@Suite struct ConfigurationTests {
    /// Every setting set, so that the encoder writes every key the decoder reads.
    static var everything: Configuration {
        var mail = MailSettings(transport: .smtp, from: "xueji@example.edu.cn")
        mail.host = "smtp.example.edu.cn"; mail.port = 587; mail.tls = .starttls; mail.username = "xueji"
        mail.passwordEnv = "PW"; mail.caFile = "/etc/passwd"; /* any readable file: load checks it can be read */ mail.fromName = "学籍科"; mail.replyTo = "office@example.edu.cn"
        mail.ratePerMinute = 30; mail.connectTimeoutSeconds = 10; mail.totalTimeoutSeconds = 60
        mail.sendmailCommand = "/usr/sbin/sendmail -i -t"; mail.sendmailTimeoutSeconds = 90; mail.deadlineText = "12月15日截止"
        return Configuration(deadline: "2026-12-15", remedies: "/etc/remedies.json", events: ["checked": ["核对完成"]], mail: mail)
    }

    @Test func theKnownKeysAreExactlyTheSettings() throws {
        // The lists that refuse misspelt settings must follow the types: a new setting added to one and not the other fails here
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.everything)) as? [String: Any])
        #expect(Set(json.keys) == Configuration.knownKeys)
        #expect(Set(try #require(json["mail"] as? [String: Any]).keys) == MailSettings.knownKeys)
    }

    @Test func aFileWithEverySettingLoadsAsWritten() throws {
        let folder = try TempFolder("config")
        let path = folder.file("zicha.json")
        try JSONEncoder().encode(Self.everything).write(to: URL(fileURLWithPath: path))
        #expect(try Configuration.load(path: path) == Self.everything)
    }

    @Test func keysThatLookLikeCommentsAreAllowed() throws {
        let folder = try TempFolder("config")
        let path = try folder.write(#"{"_comment": "学籍科 2026", "deadline": "2026-12-15", "mail": {"//": "outbox only", "transport": "none", "from": "x@example.edu.cn"}}"#,
                                    to: "zicha.json")
        #expect(try Configuration.load(path: path).deadline == "2026-12-15")
        let typo = try folder.write(#"{"deadlines": "2026-12-15"}"#, to: "typo.json")
        let error = #expect(throws: ZichaError.self) { try Configuration.load(path: typo) }
        #expect(error?.description.contains(#"unknown setting "deadlines""#) == true)
    }

    /// Found by an audit: `"port": 25.5` said "not valid: : The given data was not valid JSON", naming no setting, and
    /// `"ratePerMinute": -5` was taken.
    @Test func mailNumbersAreWholeAndInRange() throws {
        let folder = try TempFolder("config")
        for (setting, value) in [("port", "25.5"), ("port", "0"), ("ratePerMinute", "-5"), ("totalTimeoutSeconds", "1e9")] {
            let path = try folder.write(#"{"mail": {"transport": "smtp", "host": "h", "from": "x@example.edu.cn", ""# + setting + #"": "# + value + "}}",
                                        to: "zicha.json")
            let error = #expect(throws: ZichaError.self) { try Configuration.load(path: path) }
            #expect(error?.diagnostic.message.hasPrefix("mail.\(setting) is ") == true, "\(String(describing: error))")
        }
    }

    /// Found by an audit: a relative caFile was looked for in the working folder (a relative remedies file beside the
    /// configuration), and a missing one stopped the night only at its mail, after the import and the reports.
    @Test func theCAFileIsFoundBesideTheConfigurationAndCheckedAtStart() throws {
        let folder = try TempFolder("config")
        _ = try folder.write("-----BEGIN CERTIFICATE-----\n", to: "ca.pem")
        let path = try folder.write(#"{"mail": {"transport": "smtp", "host": "h", "from": "x@example.edu.cn", "caFile": "ca.pem"}}"#, to: "zicha.json")
        #expect(try Configuration.load(path: path).mail?.caFile == folder.file("ca.pem"))
        let missing = try folder.write(#"{"mail": {"transport": "smtp", "host": "h", "from": "x@example.edu.cn", "caFile": "none.pem"}}"#, to: "m.json")
        let error = #expect(throws: ZichaError.self) { try Configuration.load(path: missing) }
        #expect(error?.diagnostic.message.contains("mail.caFile \"none.pem\" cannot be read") == true, "\(String(describing: error))")
    }

    @Test func brokenJSONIsNamedWithItsLine() throws {
        let folder = try TempFolder("config")
        let path = try folder.write("{\"deadline\": \"2026-12-15\",\n  \"mail\": {\"transport\": \"none\"\n  \"from\": \"x@example.edu.cn\"}\n}\n",
                                    to: "zicha.json")
        let error = #expect(throws: ZichaError.self) { try Configuration.load(path: path) }
        #expect(error?.description.hasPrefix("\(path):3: error: the configuration file is not valid JSON") == true, "\(String(describing: error))")
        // Saved by Notepad: with a byte order mark, in UTF-8 or UTF-16, and Chinese before the mistake
        let text = "{\"_c\": \"学籍科\",\n  \"deadline\": \"2026-12-15\"\n  \"mail\": {}\n}\n"
        for (name, bytes) in [("bom8.json", Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)), ("bom16.json", text.data(using: .utf16)!),
                              ("crlf.json", Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
                              ("cr.json", Data(text.replacingOccurrences(of: "\n", with: "\r").utf8))] {
            let marked = folder.file(name)
            try bytes.write(to: URL(fileURLWithPath: marked))
            let error = #expect(throws: ZichaError.self) { try Configuration.load(path: marked) }
            #expect(error?.description.hasPrefix("\(marked):3: error: the configuration file is not valid JSON") == true, "\(String(describing: error))")
        }
        // UTF-16 without its mark: the file named, no line rather than a wrong one
        let unmarked = folder.file("utf16.json")
        try text.data(using: .utf16LittleEndian)!.write(to: URL(fileURLWithPath: unmarked))
        let plain = #expect(throws: ZichaError.self) { try Configuration.load(path: unmarked) }
        #expect(plain?.description.hasPrefix("\(unmarked): error: the configuration file is not valid JSON") == true, "\(String(describing: plain))")
    }

    @Test func aRelativeRemedyCatalogIsFoundBesideTheConfigurationFile() throws {
        let folder = try TempFolder("config")
        _ = try folder.write("{}", to: "remedies.json")
        let path = try folder.write(#"{"remedies": "remedies.json"}"#, to: "zicha.json")
        #expect(try Configuration.load(path: path).remedies == folder.file("remedies.json"))
        // and a path naming nothing there is left as given (read from the working folder)
        let other = try folder.write(#"{"remedies": "elsewhere.json"}"#, to: "other.json")
        #expect(try Configuration.load(path: other).remedies == "elsewhere.json")
    }

    /// A catalog of every required id, with `change` applied to its entries.
    static func catalog(_ change: ([[String: String]]) -> [[String: String]]) throws -> Data {
        let entries = RemedyCatalog.requiredIDs.map { ["id": $0, "title": "\($0) 标题", "text": "\($0) 的处理办法"] }
        return try JSONSerialization.data(withJSONObject: ["remedies": change(entries)])
    }

    @Test func aRemedyCatalogMissingAnEntryOrGivingOneTwiceIsRefused() throws {
        #expect(throws: Never.self) { try RemedyCatalog(json: try Self.catalog { $0 }, source: "ok.json") }
        let missing = #expect(throws: ZichaError.self) { try RemedyCatalog(json: try Self.catalog { Array($0.dropLast()) }, source: "a.json") }
        #expect(missing?.description.contains("lacks ADMIN") == true, "\(String(describing: missing))")
        let twice = #expect(throws: ZichaError.self) {
            try RemedyCatalog(json: try Self.catalog { $0 + [["id": "FAQ-5", "title": "又一条", "text": "另一种说法"]] }, source: "b.json")
        }
        #expect(twice?.description.contains("FAQ-5 twice") == true, "\(String(describing: twice))")
        // A file of another shape: said in plain words, with the shape to follow, no Swift type names
        let shape = #expect(throws: ZichaError.self) { try RemedyCatalog(json: Data(#"{"items": []}"#.utf8), source: "c.json") }
        #expect(shape?.description.hasPrefix("c.json: error: the remedy catalog is not valid: remedies is missing") == true, "\(String(describing: shape))")
        #expect(shape?.description.contains("CodingKeys") == false && shape?.diagnostic.hint?.contains("remedies.json") == true)
    }
}
