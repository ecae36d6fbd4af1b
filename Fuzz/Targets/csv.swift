// Fuzz target: the CSV family reader — encoding detection, transcoding, delimiter detection and the
// RFC 4180 RecordParser, fed from memory in random chunks, and DelimitedTextReader through a file.
//
// Invariants: records do not depend on chunk boundaries; line numbers start at 1, never decrease and
// never pass the number of lines; every record has a cell; a cell holds no CR; writing the records
// back out fully quoted and parsing again gives the same cells; the file reader sees the same records
// (or throws a ZichaError naming the file, never anything else).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

private struct Parsed: Equatable {
    var records: [TableRecord] = []
    var unclosedAt: Int? = nil
}

private func parse(_ utf8Chunks: [ArraySlice<UInt8>], delimiter: UInt8, encoding: TextEncoding) -> Parsed {
    var parser = RecordParser(delimiter: delimiter, encoding: encoding)
    var out = Parsed()
    for c in utf8Chunks { try! parser.feed(Array(c)) { out.records.append($0) } }
    out.unclosedAt = try! parser.finish { out.records.append($0) }
    return out
}

private func quoted(_ records: [TableRecord], delimiter: UInt8) -> [UInt8] {
    var out: [UInt8] = []
    for r in records {
        for (i, cell) in r.cells.enumerated() {
            if i > 0 { out.append(delimiter) }
            out.append(0x22)
            for b in cell.utf8 { if b == 0x22 { out.append(0x22) }; out.append(b) }
            out.append(0x22)
        }
        out.append(0x0A)
    }
    return out
}

private let tempPath = scratch("/tmp/zicha-fuzz-csv-\(getpid()).csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let sizes = [Int(input.byte()) + 1, Int(input.byte() % 5) + 1]
    let bytes = input.rest

    let (encoding, bom) = EncodingDetector.detect(bytes)
    var transcoder = try! DelimitedTextReader.transcoder(encoding)  // glibc's iconv has GB18030
    var utf8: [UInt8] = []
    transcoder.transcode(bytes[(bytes.startIndex + min(bom, bytes.count))...], final: true, into: &utf8)
    // As the reader does: the delimiter from the head transcoded without the final flush.
    var sample: [UInt8] = []
    var sampler = try! DelimitedTextReader.transcoder(encoding)
    sampler.transcode(bytes[(bytes.startIndex + min(bom, bytes.count))...].prefix(1 << 16 - bom), final: false, into: &sample)
    let delimiter = DelimitedTextReader.detectDelimiter(sample)
    invariant([0x2C, 0x09, 0x3B, 0x7C].contains(delimiter), "detected delimiter \(delimiter) is not a candidate")

    let whole = parse([utf8[...]], delimiter: delimiter, encoding: encoding)
    let pieces = parse(chunked(utf8[...], sizes: sizes), delimiter: delimiter, encoding: encoding)
    invariant(whole == pieces, "records depend on chunk boundaries (sizes \(sizes))")

    let lines = 1 + utf8.indices.filter { utf8[$0] == 0x0A ? ($0 == 0 || utf8[$0 - 1] != 0x0D) : utf8[$0] == 0x0D }.count
    var last = 1
    for r in whole.records {
        invariant(r.line >= last && r.line <= lines, "line \(r.line) after \(last), of \(lines)")
        invariant(!r.cells.isEmpty, "a record without cells")
        invariant(!r.cells.contains { $0.utf8.contains(0x0D) }, "a cell holds a CR")
        last = r.line
    }
    if let open = whole.unclosedAt { invariant(open >= last && open <= lines, "unclosed quote line \(open)") }

    // Written back fully quoted, the records parse to the same cells.
    if whole.unclosedAt == nil {
        let again = parse([quoted(whole.records, delimiter: delimiter)[...]], delimiter: delimiter, encoding: .utf8)
        invariant(again.records.map(\.cells) == whole.records.map(\.cells), "quoted round trip changed the cells")
        invariant(again.records.map { $0.decodingProblem == nil } == whole.records.map { $0.decodingProblem == nil },
                  "round trip changed which records have decoding problems")
    }

    // The real file reader agrees with the in-memory pipeline.
    let fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    var fromFile: [TableRecord] = []
    var opened = false
    do {
        let reader = try DelimitedTextReader(path: tempPath, source: "fuzz.csv", options: TableOptions())
        invariant(reader.encoding == encoding && reader.delimiter == delimiter, "file reader detected otherwise")
        opened = true
        try reader.read { fromFile.append($0) }
        invariant(whole.unclosedAt == nil, "file reader accepted an unclosed quote")
        invariant(fromFile == whole.records, "file reader records differ from the in-memory parse")
    } catch let error as ZichaError {
        invariant(error.kind == .unreadableInput && error.diagnostic.location?.file == "fuzz.csv", "unexpected error \(error)")
        if opened { invariant(whole.unclosedAt != nil, "file reader failed on a file that parses: \(error)") }
        if opened, whole.unclosedAt != nil { invariant(fromFile == whole.records, "records before an unclosed quote differ") }
    } catch {
        invariant(false, "a non-ZichaError escaped the reader: \(error)")
    }
    return 0
}
