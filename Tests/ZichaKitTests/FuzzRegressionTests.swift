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
}
