import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered, owner-only (0600) output file. Reports stream through it, so a million rows never sit in memory.
public final class OutputFile {
    private let fd: Int32
    private var buffer: [UInt8] = []
    public let path: String

    /// Creates (or truncates) `path` with mode 0600.
    public init(path: String) throws {
        self.path = path
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw ZichaError(.output, "cannot create the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: path)) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { Glibc.close(fd) }

    public func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered; a full disk is an error naming the file.
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ZichaError(.output, "cannot write the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: path),
                                 hint: errno == ENOSPC ? "the disk is full; free space and run the night again" : nil)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and syncs to disk.
    public func close() throws {
        try flush()
        if fsync(fd) != 0, errno != EINVAL {
            throw ZichaError(.output, "cannot write the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
        }
    }
}

/// JSON string literals without a Codable round trip per row.
public enum JSONText {
    /// `"…"` with quotes, backslashes and control characters escaped.
    public static func string(_ s: String) -> String {
        // Most values need no escape: one scan, then a plain concatenation.
        if !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            return "\"" + s + "\""
        }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
