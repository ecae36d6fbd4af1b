/// Reads CSV, TSV and other delimited text (`,` `\t` `;` `|`) in any supported encoding, streaming.
///
/// Hand-written rather than a CSV package: none of the available ones streams bytes with per-record
/// line numbers, per-cell UTF-8 validation and GB18030/UTF-16 input, and this is the hot path of a
/// million-row night. RFC 4180: quoted cells, doubled quotes, quoted newlines, CRLF or LF.
public struct DelimitedTextReader: TableReader {
    public let source: String
    let path: String
    /// The encoding in use (detected or forced).
    public let encoding: TextEncoding
    /// The delimiter in use (detected from the header line or forced).
    public let delimiter: UInt8
    /// Whether `delimiter` was forced (`--delimiter`, for every text file of the night) rather than detected.
    public let delimiterForced: Bool
    /// Detected as UTF-8, but its first bytes are valid GBK too and look like it (`EncodingDetector.mayBeGBK`).
    public let mayBeGBK: Bool
    private let bomLength: Int

    /// Opens `path`, detecting encoding and delimiter from its first bytes. Throws for empty and binary files.
    public init(path: String, source: String, options: TableOptions) throws {
        self.path = path
        self.source = source
        let chunks = try FileChunks(path: path, source: source, chunkSize: 1 << 16)
        guard let head = try chunks.next() else {
            throw ZichaError(.unreadableInput, "the file is empty: no header, no rows", at: SourceLocation(file: source))
        }
        var (enc, bom) = EncodingDetector.detect(head)
        // First bytes all ASCII (English headers, IDs and dates) say nothing of the encoding: it is decided by the
        // first bytes that are not, however far down (a GBK log's first Chinese may come after 64 KiB of rows).
        var sample = head
        if options.encoding == .auto, bom == 0, enc == .utf8, !head.contains(where: { $0 >= 0x80 }),
           let later = try EncodingDetector.firstNonASCII(in: chunks) {
            sample = later
            enc = EncodingDetector.looksLikeUTF8(later) ? .utf8 : .gb18030
        }
        // A byte order mark says what the file is; --encoding decides the files without one (it applies to every
        // input of the night, and a status export in UTF-16 beside a GBK roster has its mark).
        if options.encoding != .auto, bom == 0 { enc = options.encoding }
        if head.count == bom {
            throw ZichaError(.unreadableInput, "the file holds only a byte order mark, no table", at: SourceLocation(file: source))
        }
        if enc != .utf16le, enc != .utf16be, EncodingDetector.looksBinary(head) {
            throw ZichaError(.unreadableInput, "the file is binary, not a CSV or TSV table", at: SourceLocation(file: source),
                             hint: "export the sheet as CSV (UTF-8) or save it as .xlsx")
        }
        encoding = enc
        bomLength = bom
        mayBeGBK = options.encoding == .auto && bom == 0 && enc == .utf8 && EncodingDetector.mayBeGBK(sample)
        delimiterForced = options.delimiter != nil
        if let forced = options.delimiter {
            delimiter = forced
        } else {
            var sample: [UInt8] = []
            var transcoder = try Self.transcoder(enc)
            transcoder.transcode(head[(head.startIndex + bom)...], final: false, into: &sample)
            delimiter = Self.detectDelimiter(sample)
        }
    }

    static func transcoder(_ encoding: TextEncoding) throws -> UTF8Transcoder {
        switch encoding {
        case .utf16le: return UTF16Transcoder(bigEndian: false)
        case .utf16be: return UTF16Transcoder(bigEndian: true)
        case .gb18030: return try GB18030Transcoder()
        default: return UTF8Passthrough()
        }
    }

    /// The candidate that occurs most often, outside quotes, in the first line.
    static func detectDelimiter(_ sample: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x09: 0, 0x3B: 0, 0x7C: 0]
        var quoted = false
        for c in sample {
            if c == 0x22 { quoted.toggle(); continue }
            if quoted { continue }
            if c == 0x0A || c == 0x0D { break }
            if counts[c] != nil { counts[c]! += 1 }
        }
        let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!
        return best.value > 0 ? best.key : 0x2C
    }

    public func location(line: Int, column: Int?) -> SourceLocation { SourceLocation(file: source, line: line) }

    public func read(_ body: (TableRecord) throws -> Void) throws {
        let chunks = try FileChunks(path: path, source: source)
        var transcoder = try Self.transcoder(encoding)
        var parser = RecordParser(delimiter: delimiter, encoding: encoding)
        var utf8: [UInt8] = []
        utf8.reserveCapacity(1 << 21)
        var first = true
        while let chunk = try chunks.next() {
            utf8.removeAll(keepingCapacity: true)
            transcoder.transcode(first ? chunk[(chunk.startIndex + bomLength)...] : chunk, final: false, into: &utf8)
            first = false
            try parser.feed(utf8, body)
        }
        utf8.removeAll(keepingCapacity: true)
        transcoder.transcode([], final: true, into: &utf8)
        try parser.feed(utf8, body)
        if let openLine = try parser.finish(body) {
            throw ZichaError(.unreadableInput, "a quoted cell opened on line \(openLine) is never closed",
                             at: SourceLocation(file: source, line: openLine),
                             hint: "the file is cut off or a quote (\") is unbalanced; export it again")
        }
    }
}
