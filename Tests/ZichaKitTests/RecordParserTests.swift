import Testing
@testable import ZichaKit

/// `RecordParser` copies runs of ordinary bytes at once; a byte-at-a-time reference must agree with it on any
/// input, however the input is cut into chunks.
@Suite struct RecordParserTests {
    @Test func aNULByteSetsItsRowAsideAndNoOther() throws {
        // Given a NUL inside the second row's first cell, fed in chunks of every size
        let input = Array("a,b\n\u{0}2413,c\nd,e\n".utf8)
        for size in 1...input.count {
            var parser = RecordParser(delimiter: 0x2C)
            var records: [TableRecord] = []
            var rest = input[...]
            while !rest.isEmpty {
                try parser.feed(Array(rest.prefix(size))) { records.append($0) }
                rest = rest.dropFirst(size)
            }
            _ = try parser.finish { records.append($0) }
            // Then only that row has a problem, which names the byte
            #expect(records.map(\.decodingProblem) == [nil, "the row holds a NUL byte (the file is damaged or not text there)", nil], "chunks of \(size)")
        }
    }

    @Test func agreesWithTheByteByByteReferenceOnRandomInput() throws {
        let pieces: [[UInt8]] = [[0x61], [0x62, 0x63], Array("学籍".utf8), [0x2C], [0x3B], [0x09], [0x22], [0x22, 0x22], [0x0D],
                                 [0x0A], [0x0D, 0x0A], [0x20], [0xFF], [0xEF, 0xBF, 0xBD]]
        var generator = SystemRandomNumberGenerator()
        for round in 0..<3000 {
            let input = (0..<Int.random(in: 0...60, using: &generator)).flatMap { _ in pieces.randomElement(using: &generator)! }
            let delimiter: UInt8 = round % 3 == 0 ? 0x3B : (round % 3 == 1 ? 0x2C : 0x09)
            var expected: [TableRecord] = []
            var reference = ReferenceParser(delimiter: delimiter)
            try reference.feed(input) { expected.append($0) }
            let expectedEnd = try reference.finish { expected.append($0) }

            var actual: [TableRecord] = []
            var parser = RecordParser(delimiter: delimiter)
            var rest = input[...]
            while !rest.isEmpty {
                let chunk = rest.prefix(Int.random(in: 1...8, using: &generator))
                try parser.feed(Array(chunk)) { actual.append($0) }
                rest = rest.dropFirst(chunk.count)
            }
            let actualEnd = try parser.finish { actual.append($0) }
            #expect(actual == expected && actualEnd == expectedEnd, "input \(input)")
            if actual != expected || actualEnd != expectedEnd { break }
        }
    }
}

/// The parser as it was before it copied runs of ordinary bytes at once: one byte per step, kept as the reference.
private struct ReferenceParser {
    let delimiter: UInt8
    private var cells: [String] = []
    private var cell: [UInt8] = []
    private var quoted = false       // inside a quoted cell
    private var quoteSeen = false    // a quote just closed (or an escaped quote pending)
    private var afterCR = false
    private var line = 1             // current physical line
    private var recordLine = 1       // line where the current record starts
    private var recordHasContent = false
    private var problem: String? = nil

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        cell.reserveCapacity(256)
    }

    mutating func feed(_ bytes: [UInt8], _ body: (TableRecord) throws -> Void) throws {
        for c in bytes {
            if afterCR {
                afterCR = false
                if c == 0x0A { continue }  // CRLF: the CR already ended the line
            }
            if quoted {
                if c == 0x22 { quoted = false; quoteSeen = true; continue }
                if c == 0x0A || c == 0x0D { line += 1; if c == 0x0D { afterCR = true; cell.append(0x0A); continue } }
                cell.append(c)
                continue
            }
            if quoteSeen {
                quoteSeen = false
                if c == 0x22 { cell.append(0x22); quoted = true; continue }  // "" inside a quoted cell
            }
            switch c {
            case 0x22:
                if cell.isEmpty { quoted = true; recordHasContent = true } else { cell.append(c) }
            case delimiter:
                endCell()
                recordHasContent = true
            case 0x0A, 0x0D:
                if c == 0x0D { afterCR = true }
                try endRecord(body)
                line += 1
                recordLine = line
            default:
                cell.append(c)
                recordHasContent = true
            }
        }
    }

    /// Ends the input: flushes the last record. Returns the start line of an unclosed quoted cell, if any.
    mutating func finish(_ body: (TableRecord) throws -> Void) throws -> Int? {
        if quoted { return recordLine }
        try endRecord(body)
        return nil
    }

    private mutating func endCell() {
        // Byte checks first: ASCII cells need no validation, and U+FFFD (a transcoder's replacement) is EF BF BD.
        if !cell.contains(where: { $0 >= 0x80 }) {
            cells.append(String(decoding: cell, as: UTF8.self))
        } else if let s = String(validating: cell, as: UTF8.self) {
            if Self.hasReplacement(cell) { problem = "the row holds bytes that are not valid in the file's encoding, or U+FFFD (�), the mark an earlier conversion left for such bytes" }
            cells.append(s)
        } else {
            problem = "the row holds bytes that are not valid UTF-8"
            cells.append(String(decoding: cell, as: UTF8.self))
        }
        cell.removeAll(keepingCapacity: true)
    }

    private static func hasReplacement(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0xEF, bytes[i + 1] == 0xBF, bytes[i + 2] == 0xBD { return true }
            i += 1
        }
        return false
    }

    private mutating func endRecord(_ body: (TableRecord) throws -> Void) throws {
        if recordHasContent || !cell.isEmpty {
            endCell()
            try body(TableRecord(line: recordLine, cells: cells, decodingProblem: problem))
        }
        cells.removeAll(keepingCapacity: true)
        cell.removeAll(keepingCapacity: true)
        recordHasContent = false
        problem = nil
    }
}
