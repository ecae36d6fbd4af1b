import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered, owner-only (0600) output file. Reports stream through it, so a million rows never sit in memory.
public final class OutputFile {
    private let fd: Int32
    private var buffer = ByteBuffer(capacity: 1 << 20)
    private var pages = WrittenPages()
    public let path: String

    /// Creates (or truncates) `path` with mode 0600.
    public init(path: String) throws {
        self.path = path
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw ZichaError(.output, "cannot create the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: path)) }
    }

    deinit { Glibc.close(fd) }

    public func write(_ s: String) throws {
        buffer.text(s)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Lets `body` append bytes straight into the buffer (rows built without intermediate Strings).
    func write(_ body: (inout ByteBuffer) -> Void) throws {
        body(&buffer)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered; a full disk is an error naming the file.
    public func flush() throws {
        try buffer.withUnsafeBytes { try Self.writeAll(fd, $0, path: path) }
        pages.wrote(buffer.count, fd: fd)
        buffer.removeAll()
    }

    /// Writes all of `bytes` to `fd`. write(2) rather than FileHandle.write, whose error on Linux reads
    /// "NSCocoaErrorDomain error 512" and hides the reason (a full disk, a file size limit).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = posixWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw ZichaError.cannotWrite("the report file", errno: errno, at: path)
            }
            offset += n
        }
    }

    private static func posixWrite(_ fd: Int32, _ base: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, base, count)
        #else
        return Darwin.write(fd, base, count)
        #endif
    }

    /// Flushes and syncs to disk; the synced pages leave the page cache (`WrittenPages`).
    public func close() throws {
        try flush()
        if fsync(fd) != 0, errno != EINVAL {
            throw ZichaError.cannotWrite("the report file", errno: errno, at: path)
        }
        WrittenPages.advise(fd, from: 0, to: 0)
    }
}

/// JSON string literals without a Codable round trip per row.
public enum JSONText {
    /// `"…"` with quotes, backslashes and control characters escaped.
    public static func string(_ s: String) -> String {
        var out = ByteBuffer(capacity: s.utf8.count + 2)
        append(s, to: &out)
        return out.string
    }

    /// Appends `s` as a JSON string literal to `out` (the report writers' bytes, no String in between).
    static func append(_ s: String, to out: inout ByteBuffer) {
        out.append(0x22)
        s.withBytes { bytes in
            // Runs of bytes that need no escape are copied whole; only the few special bytes are looked at.
            var i = 0, run = 0
            let n = bytes.count
            while true {
                i = ByteScan.firstIndex(in: bytes, from: i,
                                        mayHold: { ByteScan.hasLess($0, 0x20) || ByteScan.has($0, 0x22) || ByteScan.has($0, 0x5C) || ByteScan.has($0, 0xE2) },
                                        isSpecial: { b, i in b[i] < 0x20 || b[i] == 0x22 || b[i] == 0x5C || b[i] == 0xE2 })
                if i >= n { break }
                let b = bytes[i]
                let escaped: String
                switch b {
                case 0x22: escaped = "\\\""
                case 0x5C: escaped = "\\\\"
                case 0x0A: escaped = "\\n"
                case 0x0D: escaped = "\\r"
                case 0x09: escaped = "\\t"
                case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    // U+2028 and U+2029 end a line in JavaScript: escaped, so the JSON can be embedded in a script.
                    escaped = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                case 0xE2: i += 1; continue
                default: escaped = String(format: "\\u%04x", b)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                out.text(escaped)
                i += b == 0xE2 ? 3 : 1
                run = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<n]))
        }
        out.append(0x22)
    }
}
