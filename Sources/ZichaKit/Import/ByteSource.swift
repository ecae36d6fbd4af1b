import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file in large chunks with plain POSIX reads: the importer's only file access.
final class FileChunks {
    private let fd: Int32
    let source: String
    private var buffer: [UInt8]

    init(path: String, source: String, chunkSize: Int = 1 << 20) throws {
        fd = open(path, O_RDONLY)
        self.source = source
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw ZichaError(.unreadableInput, "cannot open the file: \(reason)", at: SourceLocation(file: source))
        }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit { close(fd) }

    /// The next chunk, or nil at the end of the file.
    func next() throws -> ArraySlice<UInt8>? {
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            throw ZichaError(.unreadableInput, "cannot read the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: source))
        }
        return n == 0 ? nil : buffer[0..<n]
    }
}

/// Turns chunks of a file's bytes into chunks of UTF-8, whatever the file's encoding.
protocol UTF8Transcoder {
    /// Converts the next chunk; `final` on the last call flushes what was held back.
    mutating func transcode(_ input: ArraySlice<UInt8>, final: Bool, into output: inout [UInt8])
}

/// UTF-8 in, UTF-8 out: validation happens per cell, so bad bytes reject a row, not the file.
struct UTF8Passthrough: UTF8Transcoder {
    mutating func transcode(_ input: ArraySlice<UInt8>, final: Bool, into output: inout [UInt8]) {
        output.append(contentsOf: input)
    }
}

/// UTF-16 (Excel's "Unicode text") to UTF-8; unpaired surrogates become U+FFFD, which rejects their row.
/// By hand: UTF-16 to UTF-8 is a few lines of arithmetic, and a pair split between chunks waits here for its second
/// half; the standard library's `transcode` works on a whole sequence, not chunk by chunk, and iconv (GB18030, below)
/// would need the same replacement loop around it.
struct UTF16Transcoder: UTF8Transcoder {
    let bigEndian: Bool
    private var pending: [UInt8] = []
    private var highSurrogate: UInt32? = nil

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    mutating func transcode(_ input: ArraySlice<UInt8>, final: Bool, into output: inout [UInt8]) {
        var bytes = pending
        bytes.append(contentsOf: input)
        let usable = bytes.count & ~1
        var i = 0
        while i < usable {
            let unit = bigEndian ? UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]) : UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i])
            i += 2
            if let high = highSurrogate {
                highSurrogate = nil
                if (0xDC00...0xDFFF).contains(unit) {
                    append(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &output)
                    continue
                }
                append(0xFFFD, to: &output)
            }
            if (0xD800...0xDBFF).contains(unit) { highSurrogate = unit }
            else if (0xDC00...0xDFFF).contains(unit) { append(0xFFFD, to: &output) }
            else { append(unit, to: &output) }
        }
        pending = Array(bytes[usable...])
        if final {
            if highSurrogate != nil || !pending.isEmpty { append(0xFFFD, to: &output) }
            highSurrogate = nil
            pending = []
        }
    }

    private func append(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800: out.append(contentsOf: [UInt8(0xC0 | v >> 6), UInt8(0x80 | v & 0x3F)])
        case 0x800..<0x10000:
            out.append(contentsOf: [UInt8(0xE0 | v >> 12), UInt8(0x80 | (v >> 6) & 0x3F), UInt8(0x80 | v & 0x3F)])
        default:
            out.append(contentsOf: [UInt8(0xF0 | v >> 18), UInt8(0x80 | (v >> 12) & 0x3F),
                                    UInt8(0x80 | (v >> 6) & 0x3F), UInt8(0x80 | v & 0x3F)])
        }
    }
}

/// GB18030 (and so GBK and GB2312) to UTF-8 through glibc's iconv, which knows the four-byte ranges.
/// Invalid sequences become U+FFFD, which rejects their row.
final class GB18030Transcoder: UTF8Transcoder {
    private let cd: iconv_t
    private var pending: [UInt8] = []

    init() throws {
        cd = iconv_open("UTF-8", "GB18030")
        if Int(bitPattern: cd) == -1 { throw ZichaError(.config, "this system's iconv cannot decode GB18030") }
    }

    deinit { iconv_close(cd) }

    func transcode(_ input: ArraySlice<UInt8>, final: Bool, into output: inout [UInt8]) {
        var bytes = pending
        bytes.append(contentsOf: input)
        pending = []
        // Worst case 3 output bytes per input byte: an invalid byte becomes U+FFFD (EF BF BD). A smaller
        // buffer made iconv stop with E2BIG, which the loop below took for a bad byte and skipped input.
        var out = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var consumed = 0
        bytes.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                var inLeft = inBuf.count
                var outLeft = outBuf.count
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                while inLeft > 0 {
                    if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1 { break }
                    if errno == EINVAL, !final { break }  // incomplete sequence at the chunk end: keep it for the next chunk
                    // EILSEQ (or a truncated tail at the end): one replacement character, skip one byte.
                    for b: UInt8 in [0xEF, 0xBF, 0xBD] where outLeft > 0 {
                        outPtr!.pointee = CChar(bitPattern: b)
                        outPtr = outPtr! + 1
                        outLeft -= 1
                    }
                    inPtr = inPtr! + 1
                    inLeft -= 1
                }
                consumed = inBuf.count - inLeft
                output.append(contentsOf: outBuf[0..<(outBuf.count - outLeft)])
            }
        }
        if consumed < bytes.count { pending = Array(bytes[consumed...]) }
    }
}
