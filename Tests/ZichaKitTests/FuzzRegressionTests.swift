import Foundation
import Testing
@testable import ZichaKit
import ZichaTestSupport

/// Every input a fuzz target once failed on (Fuzz/regressions/<target>/), replayed through the
/// normal API. A file is the fuzz input itself: the targets' leading control bytes are skipped here.
@Suite struct FuzzRegressionTests {
    static func inputs(_ target: String) -> [(name: String, bytes: [UInt8])] {
        let folder = PackagePaths.file("Fuzz/regressions/" + target).path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).map { (name, [UInt8]($0)) }
        }
    }

    /// GB18030 input full of invalid bytes: every byte reaches the reader as U+FFFD, none is dropped.
    @Test func encodingInputsKeepEveryByte() throws {
        let cases = Self.inputs("encoding")
        #expect(!cases.isEmpty)
        for (name, bytes) in cases {
            let payload = Array(bytes.dropFirst(3))
            let folder = try TempFolder("fuzz-encoding")
            let path = try folder.write(Data(payload), to: "in.csv")
            let reader = try DelimitedTextReader(path: path, source: name, options: TableOptions(encoding: .gb18030))
            var replacements = 0, lines = 0
            try reader.read { record in
                lines += 1
                replacements += record.cells.joined().unicodeScalars.filter { $0 == "\u{FFFD}" }.count
                #expect(record.decodingProblem != nil, "\(name): a record with bad bytes is not flagged")
            }
            let invalid = payload.filter { $0 == 0xFF || $0 == 0x80 }.count
            #expect(replacements >= invalid, "\(name): \(invalid) invalid bytes but \(replacements) replacement characters")
            #expect(lines == 1 + payload.filter { $0 == 0x0A }.count - (payload.last == 0x0A ? 1 : 0))
        }
    }

    /// ID numbers glued to digits, a phone or a combining mark are still masked.
    @Test func normalizeInputsLeaveNoIDVisible() {
        let cases = Self.inputs("normalize")
        #expect(!cases.isEmpty)
        for (name, bytes) in cases {
            let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
            let masked = Masking.text(text)
            #expect(!masked.contains("110105199001010029"), "\(name): the ID is visible in \(masked.debugDescription)")
            var run = 0, longest = 0
            for u in masked.unicodeScalars {
                run = ("0"..."9").contains(u) || u == "X" ? run + 1 : 0
                longest = max(longest, run)
            }
            #expect(longest < 18, "\(name): an 18-digit run survived masking")
        }
    }

    /// Hostile cells round-trip through CSVText and the importer's reader as one inert cell, and
    /// counselor names never give a file name an option-like or hidden start.
    @Test func escapeInputsStayInert() throws {
        let cases = Self.inputs("escape")
        #expect(!cases.isEmpty)
        for (name, bytes) in cases {
            // NUL would make the reader call the file binary; it plays no part in these cases.
            let text = String(decoding: bytes.dropFirst().map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            let folder = try TempFolder("fuzz-escape")
            let path = try folder.write(CSVText.line([text, "end"]), to: "out.csv")
            let reader = try DelimitedTextReader(path: path, source: name, options: TableOptions(encoding: .utf8, delimiter: 0x2C))
            var records: [[String]] = []
            try reader.read { records.append($0.cells) }
            #expect(records.count == 1 && records.first?.count == 2 && records.first?.last == "end",
                    "\(name): the cell broke out of its quotes: \(records.count) records")
            let fileName = CounselorFileNames.sanitize(text)
            #expect(fileName.unicodeScalars.first != "-" && fileName.unicodeScalars.first != ".", "\(name): file name \(fileName.debugDescription)")
        }
    }

    /// Hostile workbooks: rows are numbered from 1 (a row r="0" once gave line 0), and a bad package
    /// is refused with a ZichaError saying so — never another error, never a crash.
    @Test func xlsxInputsReadOrRefuseCleanly() throws {
        let cases = Self.inputs("xlsx")
        #expect(!cases.isEmpty)
        for (name, bytes) in cases {
            let folder = try TempFolder("fuzz-xlsx")
            let path = try folder.write(Data(bytes), to: "in.xlsx")
            do {
                let reader = try XLSXReader(path: path, source: name, options: TableOptions()) { _ in false }
                try reader.read { record in #expect(record.line >= 1, "\(name): row \(record.line)") }
            } catch let error as ZichaError {
                #expect(error.kind == .unreadableInput, "\(name): \(error)")
            }
        }
    }

    /// Every text of a compose input (the control bytes included, read as UTF-8) as the counselor's and the sender's
    /// name, a college, a student's name and the deadline text: the message is ASCII with CRLF lines within 998 octets,
    /// its text and HTML parts have CRLF line ends, and its text part holds no control character.
    @Test func composeInputsMakeMessagesWithinTheLineLimit() throws {
        let cases = Self.inputs("compose")
        #expect(!cases.isEmpty)
        let catalog = try RemedyCatalog.bundled()
        for (name, bytes) in cases {
            for text in String(decoding: bytes, as: UTF8.self).split(separator: "\u{1}").map(String.init) {
                let list = CounselorList(counselor: text, email: "fdy0001@example.edu.cn", colleges: [text],
                                         rows: [MailFixture.row("24110101000001", text, college: text, counselor: text)])
                let composer = MessageComposer(from: try MailAddress(address: "xueji@example.edu.cn", name: text), replyTo: nil,
                                               catalog: catalog, asOf: "2026-11-29", deadline: nil, deadlineText: text)
                let message = try composer.compose(list, to: try MailAddress(address: list.email, name: text))
                #expect(message.bytes.allSatisfy { $0 < 0x80 }, "\(name)")
                let lines = message.bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
                #expect(message.bytes.last == 0x0A && lines.allSatisfy { $0.last == 0x0D && !$0.dropLast().contains(0x0D) }, "\(name): not CRLF lines")
                #expect(lines.allSatisfy { $0.count <= 999 }, "\(name): a line over 998 octets")
                let raw = String(decoding: message.bytes, as: UTF8.self)
                func part(_ type: String) throws -> [UInt8] {
                    let start = try #require(raw.range(of: "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"))
                    return [UInt8](try #require(Data(base64Encoded: String(raw[start.upperBound...].prefix { $0 != "-" }.filter { !$0.isWhitespace }))))
                }
                for body in [try part("text/plain"), try part("text/html")] {
                    #expect(body.indices.allSatisfy { body[$0] != 0x0A || ($0 > 0 && body[$0 - 1] == 0x0D) }, "\(name): a bare LF in a body part")
                }
                let plain = String(decoding: try part("text/plain"), as: UTF8.self)
                #expect(!plain.unicodeScalars.contains { Text.isC0C1Control($0.value) && $0 != "\r" && $0 != "\n" }, "\(name): a control in the text part")
            }
        }
    }
}
