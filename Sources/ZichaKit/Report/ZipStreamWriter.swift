import CISAL
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZIP archive written front to back, each entry deflated (ISA-L's igzip) while its bytes arrive.
///
/// Written by hand because neither library at hand streams an entry of unknown size: ZIPFoundation needs
/// each entry's size before its first byte, and libxlsxwriter (our earlier workbook writer) writes a sheet to a
/// temporary file and deflates it at close, at zlib's default level — at a million students that was 4 s on
/// one core at the very end of the report stage (BENCHMARKS.md, session 5). Here the sheet is compressed as it
/// is made, on the thread that makes it, by ISA-L at its level 1: a million students' 306 MB sheet in 0.33 s
/// against zlib's 1.14 s at its fastest level, to the same 51 MB (session 11). Only what XLSX needs: deflated
/// entries, no ZIP64 (each entry and the archive stay under 4 GiB; `maxEntryBytes` lets writers start a new
/// part in time).
final class ZipStreamWriter {
    /// Uncompressed bytes an entry may hold (ZIP without ZIP64 counts sizes in 32 bits); keep well below.
    static let maxEntryBytes: Int64 = 3 << 30

    private struct EntryRecord {
        let name: [UInt8]
        let offset: UInt32
        let crc: UInt32
        let compressed: UInt32
        let size: UInt32
    }

    let path: String
    private let fd: Int32
    /// igzip's state (≈ 300 KB, so allocated once rather than kept inline) and its level-1 work buffer.
    private let stream: UnsafeMutablePointer<isal_zstream>
    private let levelBuffer: UnsafeMutablePointer<UInt8>
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: ZipStreamWriter.chunk)
    private var written: Int64 = 0           // bytes already in the file
    private var pages = WrittenPages()
    private var entries: [EntryRecord] = []
    private var open: (name: [UInt8], offset: Int64, crc: UInt32, size: Int64)?
    private var closed = false
    private static let chunk = 1 << 16

    /// Writes the archive into `fd` (a new, empty file opened for writing; closed by `close()` or on deinit).
    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        stream = .allocate(capacity: 1)
        levelBuffer = .allocate(capacity: Int(zicha_isal_level1_buffer))
        input.reserveCapacity(Self.chunk)
        output.reserveCapacity(Self.chunk)
    }

    deinit {
        stream.deallocate()
        levelBuffer.deallocate()
        if !closed { _ = Self.closeFile(fd) }
    }

    /// Starts entry `name` (a relative path with `/`); the previous entry must be finished.
    func beginEntry(_ name: String) throws {
        precondition(open == nil, "finish the previous entry first")
        let nameBytes = Array(name.utf8)
        let offset = written + Int64(output.count)
        // Local header; CRC and sizes are written over once the entry ends (the file is seekable).
        appendHeader(signature: 0x0403_4b50, central: false, name: nameBytes, crc: 0, compressed: 0, size: 0, offset: 0)
        isal_deflate_init(stream)
        stream.pointee.level = 1
        stream.pointee.level_buf = levelBuffer
        stream.pointee.level_buf_size = zicha_isal_level1_buffer
        stream.pointee.gzip_flag = UInt16(IGZIP_DEFLATE)  // raw deflate: ZIP keeps its own headers and CRC
        stream.pointee.flush = UInt16(NO_FLUSH)
        open = (nameBytes, offset, 0, 0)
    }

    /// Appends bytes to the open entry.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        if input.count + bytes.count > Self.chunk { try deflateInput(finish: false) }
        if bytes.count > Self.chunk {
            try deflate(bytes, finish: false)
        } else {
            input.append(contentsOf: bytes)
        }
    }

    /// Appends bytes to the open entry.
    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Appends text (UTF-8) to the open entry.
    func write(_ text: String) throws {
        try text.withBytes { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Uncompressed bytes in the open entry so far.
    var entrySize: Int64 { (open?.size ?? 0) + Int64(input.count) }

    /// Ends the open entry.
    func endEntry() throws {
        try deflateInput(finish: true)
        guard let entry = open else { return }
        open = nil
        let end = written + Int64(output.count)
        let compressed = end - entry.offset - 30 - Int64(entry.name.count)
        guard entry.size <= Self.maxEntryBytes, compressed <= UInt32.max, entry.offset <= UInt32.max else {
            throw failure("the workbook outgrew a ZIP entry (4 GiB)")
        }
        try flushOutput()
        // Fill in the local header's CRC and sizes (offset 14: crc32, compressed size, uncompressed size).
        var fields: [UInt8] = []
        Self.put32(entry.crc, &fields)
        Self.put32(UInt32(compressed), &fields)
        Self.put32(UInt32(entry.size), &fields)
        let n = fields.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(entry.offset + 14)) }
        guard n == fields.count else { throw failure("cannot write the workbook: \(String(cString: strerror(errno)))") }
        entries.append(EntryRecord(name: entry.name, offset: UInt32(entry.offset), crc: entry.crc,
                                   compressed: UInt32(compressed), size: UInt32(entry.size)))
    }

    /// Adds a whole entry at once.
    func addEntry(_ name: String, _ text: String) throws {
        try beginEntry(name)
        try write(text)
        try endEntry()
    }

    /// Writes the central directory and closes the file.
    func close() throws {
        precondition(open == nil, "finish the last entry first")
        let start = written + Int64(output.count)
        for e in entries {
            appendHeader(signature: 0x0201_4b50, central: true, name: e.name, crc: e.crc, compressed: e.compressed,
                         size: e.size, offset: e.offset)
        }
        let size = written + Int64(output.count) - start
        guard start + size <= UInt32.max else { throw failure("the workbook outgrew a ZIP file (4 GiB)") }
        Self.put32(0x0605_4b50, &output)
        Self.put16(0, &output)                            // this disk
        Self.put16(0, &output)                            // disk of the central directory
        Self.put16(UInt16(entries.count), &output)
        Self.put16(UInt16(entries.count), &output)
        Self.put32(UInt32(size), &output)
        Self.put32(UInt32(start), &output)
        Self.put16(0, &output)                            // comment length
        try flushOutput()
        closed = true
        WrittenPages.closed.add(fd)
        guard Self.closeFile(fd) == 0 else { throw failure("cannot write the workbook: \(String(cString: strerror(errno)))") }
    }

    // MARK: - Deflating

    private func deflateInput(finish: Bool) throws {
        try input.withUnsafeBytes { try deflate($0, finish: finish) }
        input.removeAll(keepingCapacity: true)
    }

    private func deflate(_ bytes: UnsafeRawBufferPointer, finish: Bool) throws {
        guard open != nil else { throw failure("no open entry") }
        if let base = bytes.baseAddress, !bytes.isEmpty {
            open!.crc = crc32_gzip_refl(open!.crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
            open!.size += Int64(bytes.count)
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(bytes.count)
        stream.pointee.end_of_stream = finish ? 1 : 0
        while true {
            let (rc, produced) = scratch.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(out.count)
                let rc = isal_deflate(stream)
                return (rc, out.count - Int(stream.pointee.avail_out))
            }
            guard rc == COMP_OK else { throw failure("the workbook's compression failed (ISA-L \(rc))") }
            output.append(contentsOf: scratch[..<produced])
            if output.count >= Self.chunk { try flushOutput() }
            let done = finish ? stream.pointee.internal_state.state == ZSTATE_END
                              : stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0
            if done { break }
        }
        stream.pointee.next_in = nil
    }

    // MARK: - Headers and the file

    private func appendHeader(signature: UInt32, central: Bool, name: [UInt8], crc: UInt32, compressed: UInt32,
                              size: UInt32, offset: UInt32) {
        Self.put32(signature, &output)
        if central { Self.put16(20, &output) }            // made by: version 2.0, MS-DOS attributes
        Self.put16(20, &output)                           // needed to extract: 2.0 (deflate)
        Self.put16(0x0800, &output)                       // flags: names are UTF-8
        Self.put16(8, &output)                            // method: deflate
        Self.put16(0, &output)                            // time 00:00
        Self.put16(0x21, &output)                         // date 1980-01-01: the same bytes every night
        Self.put32(crc, &output)
        Self.put32(compressed, &output)
        Self.put32(size, &output)
        Self.put16(UInt16(name.count), &output)
        Self.put16(0, &output)                            // extra field length
        if central {
            Self.put16(0, &output)                        // comment length
            Self.put16(0, &output)                        // disk
            Self.put16(0, &output)                        // internal attributes
            Self.put32(0, &output)                        // external attributes
            Self.put32(offset, &output)
        }
        output.append(contentsOf: name)
    }

    private func flushOutput() throws {
        try output.withUnsafeBytes { try ReportFile.writeAll(fd, $0, path: path) }
        written += Int64(output.count)
        pages.wrote(output.count, fd: fd)
        output.removeAll(keepingCapacity: true)
    }

    private func failure(_ message: String) -> ZichaError {
        ZichaError(.output, message, at: SourceLocation(file: path))
    }

    private static func closeFile(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.close(fd)
        #else
        return Darwin.close(fd)
        #endif
    }

    private static func put16(_ v: UInt16, _ out: inout [UInt8]) {
        out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8))
    }

    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt32(shift)) & 0xFF)) }
    }
}
