import Foundation

/// The RFC 4180 state machine over UTF-8 bytes, fed chunk by chunk. Keeps one record's cells at a time.
struct RecordParser: ~Copyable {
    let delimiter: UInt8
    private var cells: [String] = []
    private var cell = ByteBuffer(capacity: 256)
    private var quoted = false       // inside a quoted cell
    private var quoteSeen = false    // a quote just closed (or an escaped quote pending)
    private var afterCR = false
    private var line = 1             // current physical line
    private var recordLine = 1       // line where the current record starts
    private var recordHasContent = false
    private var problem: String? = nil
    /// A chunk fed so far held a NUL byte (one memchr per chunk; from then on, each cell is looked at too).
    private var nulSeen = false

    /// What a cell holding a transcoder's replacement character is told: the encoding the file was read as names
    /// the likely mistake (a UTF-8 file read with `--encoding gbk`).
    private let invalidInEncoding: String

    /// `encoding`: the file's, whose bytes were transcoded to the UTF-8 fed here.
    init(delimiter: UInt8, encoding: TextEncoding = .utf8) {
        self.delimiter = delimiter
        invalidInEncoding = "the row holds bytes that are not valid in the file's encoding, or U+FFFD (�), the mark an earlier conversion left for such bytes"
            + (encoding == .utf8 ? "" : " (read as \(encoding.rawValue.uppercased()); --encoding sets another)")
    }

    mutating func feed(_ bytes: [UInt8], _ body: (TableRecord) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { try feed($0, body) }
    }

    private mutating func feed(_ buf: UnsafeBufferPointer<UInt8>, _ body: (TableRecord) throws -> Void) throws {
        // Ordinary bytes are copied into the cell a run at a time: only quotes, delimiters and line ends are
        // looked at one by one.
        let n = buf.count
        // A NUL byte is no text: the file is damaged, or binary, at that row (it would reach the reports as it is).
        if !nulSeen, n > 0, memchr(buf.baseAddress!, 0, n) != nil { nulSeen = true }
        var i = 0
        while i < n {
            let c = buf[i]
            if afterCR {
                afterCR = false
                if c == 0x0A { i += 1; continue }  // CRLF: the CR already ended the line
            }
            if quoted {
                var j = i
                while j < n, buf[j] != 0x22, buf[j] != 0x0A, buf[j] != 0x0D { j += 1 }
                if j > i {
                    cell.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                    i = j
                    continue
                }
                i += 1
                if c == 0x22 { quoted = false; quoteSeen = true; continue }
                line += 1
                if c == 0x0D { afterCR = true; cell.append(0x0A) } else { cell.append(c) }
                continue
            }
            if quoteSeen {
                quoteSeen = false
                if c == 0x22 { cell.append(0x22); quoted = true; i += 1; continue }  // "" inside a quoted cell
            }
            switch c {
            case 0x22:
                if cell.isEmpty { quoted = true; recordHasContent = true } else { cell.append(c) }
                i += 1
            case delimiter:
                endCell()
                recordHasContent = true
                i += 1
            case 0x0A, 0x0D:
                if c == 0x0D { afterCR = true }
                try endRecord(body)
                line += 1
                recordLine = line
                i += 1
            default:
                // A quote inside an unquoted cell is an ordinary byte: the run goes on through it.
                var j = i + 1
                while j < n {
                    let d = buf[j]
                    if d == delimiter || d == 0x0A || d == 0x0D { break }
                    j += 1
                }
                cell.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                recordHasContent = true
                i = j
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
        // `="0421…"`: how many systems export a number that Excel must keep as text (a formula whose value is the text).
        // Read as Excel shows it, the text inside; a "" within it is one quote, as in the formula.
        if cell.count >= 3, cell[0] == 0x3D, cell[1] == 0x22, cell[cell.count - 1] == 0x22 {
            var inner = ByteBuffer(capacity: cell.count)
            var i = 2
            while i < cell.count - 1 {
                inner.append(cell[i])
                i += cell[i] == 0x22 && cell[i + 1] == 0x22 && i + 1 < cell.count - 1 ? 2 : 1
            }
            cell = inner
        }
        // Byte checks first: ASCII cells need no validation, and U+FFFD (a transcoder's replacement) is EF BF BD.
        // Other cells are decoded with repair, and were valid exactly when the string holds the same bytes (a repair
        // puts EF BF BD in place of what was not UTF-8). `String(validating:as:)` runs unspecialized here, looking up
        // generic metadata on every call: 3.5 % of a 100k night's instructions, for its names and details.
        let bytes = cell.bytes
        if nulSeen, bytes.count > 0, memchr(bytes.baseAddress!, 0, bytes.count) != nil {
            problem = "the row holds a NUL byte (the file is damaged or not text there)"
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if ByteScan.firstIndex(in: bytes, mayHold: ByteScan.hasHigh, isSpecial: { b, i in b[i] >= 0x80 }) < bytes.count {
            if !Self.holds(s, bytes) {
                problem = "the row holds bytes that are not valid UTF-8"
            } else if Self.hasReplacement(bytes) {
                problem = invalidInEncoding
            }
        }
        cells.append(s)
        cell.removeAll()
    }

    /// Whether `s` is made of exactly `bytes`.
    private static func holds(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        s.withBytes { u in u.count == bytes.count && memcmp(u.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }

    private static func hasReplacement(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
        cell.removeAll()
        recordHasContent = false
        problem = nil
    }
}
