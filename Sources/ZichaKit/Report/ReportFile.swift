import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report file written piece by piece, owner-only (0600), so that a night of a million students streams to disk
/// instead of piling up in memory. Its `Mode` says how it is opened, buffered and finished.
final class ReportFile {
    /// How a report file is opened, buffered and finished.
    enum Mode {
        /// A new file, never replacing one nor writing through a planted link (O_EXCL | O_NOFOLLOW): the files the
        /// report writer makes in the report folder. Flushed every 64 KB (the pass by counselor writes tens of
        /// thousands of small lists); `close()` closes it, and its pages are dropped a few hundred files later
        /// (`WrittenPages.closed`).
        case new
        /// Created, or emptied if it exists (O_TRUNC): `findings.json`, `rejects.csv` and the `.inputs` mark.
        /// Flushed every 1 MB; `close()` syncs it to disk and drops its pages, and the descriptor is closed when
        /// the `ReportFile` goes.
        case truncating

        fileprivate var openFlags: Int32 {
            switch self {
            case .new: return O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
            case .truncating: return O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
            }
        }

        /// What an error creating the file calls it.
        fileprivate var noun: String {
            switch self {
            case .new: return "the report file"
            case .truncating: return "the file"
            }
        }

        /// Buffered bytes that make a write to the file.
        fileprivate var flushSize: Int {
            switch self {
            case .new: return 1 << 16
            case .truncating: return 1 << 20
            }
        }
    }

    let url: URL
    /// The file's path as given, for messages.
    let path: String
    private let mode: Mode
    private let handle: FileHandle
    private var buffer: ByteBuffer
    private var pages = WrittenPages()

    /// Creates `name` inside `directory` (`Mode.new`); `name` must already be a safe relative path.
    convenience init(_ name: String, in directory: URL) throws {
        let url = try ReportPaths.inside(directory, name)
        try self.init(url: url, path: url.path, mode: .new)
    }

    /// Creates the file at `path`, or empties it if it exists (`Mode.truncating`).
    convenience init(truncating path: String) throws {
        try self.init(url: URL(fileURLWithPath: path), path: path, mode: .truncating)
    }

    private init(url: URL, path: String, mode: Mode) throws {
        self.url = url
        self.path = path
        self.mode = mode
        handle = FileHandle(fileDescriptor: try Self.create(path: path, mode: mode), closeOnDealloc: true)
        buffer = ByteBuffer(capacity: mode.flushSize + (1 << 12))
    }

    /// Creates the file at `url` as `Mode.new` does (0600; O_EXCL | O_NOFOLLOW: a report never overwrites or writes
    /// through a planted link) and returns its descriptor, open for writing: for a writer that takes a descriptor.
    static func create(_ url: URL) throws -> Int32 {
        try create(path: url.path, mode: .new)
    }

    /// Creates the file at `path` (0600) as `mode` says and returns its descriptor, open for writing.
    private static func create(path: String, mode: Mode) throws -> Int32 {
        let fd = open(path, mode.openFlags, 0o600)
        guard fd >= 0 else {
            throw ZichaError(.output, "cannot create \(mode.noun): \(String(cString: strerror(errno)))",
                             at: SourceLocation(file: path))
        }
        return fd
    }

    /// Appends text as UTF-8.
    func write(_ text: String) throws {
        buffer.text(text)
        if buffer.count >= mode.flushSize { try flush() }
    }

    /// Lets `body` append bytes straight into the buffer (a row built without intermediate Strings).
    func write(_ body: (inout ByteBuffer) -> Void) throws {
        body(&buffer)
        if buffer.count >= mode.flushSize { try flush() }
    }

    /// Appends one CSV record (`CSVText.append(line:to:)`), without building it as a String first.
    func writeCSV(_ cells: [String]) throws {
        CSVText.append(line: cells, to: &buffer)
        if buffer.count >= mode.flushSize { try flush() }
    }

    /// Writes what is buffered; a full disk is an error naming the file.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try Self.writeAll(handle.fileDescriptor, $0, path: path) }
        pages.wrote(buffer.count, fd: handle.fileDescriptor)
        buffer.removeAll()
    }

    /// Flushes, then finishes the file as its `Mode` says: closed (`.new`), or synced to disk (`.truncating`).
    func close() throws {
        try flush()
        switch mode {
        case .new:
            WrittenPages.closed.add(handle.fileDescriptor)
            try handle.close()
        case .truncating:
            if fsync(handle.fileDescriptor) != 0, errno != EINVAL {
                throw ZichaError.cannotWrite("the report file", errno: errno, at: path)
            }
            WrittenPages.advise(handle.fileDescriptor, from: 0, to: 0)
        }
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
}

/// Path rules for report output: every file stays inside the report folder.
enum ReportPaths {
    /// `directory/name`, refusing anything that would resolve outside `directory`.
    static func inside(_ directory: URL, _ name: String) throws -> URL {
        let base = resolved(directory)
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let bad = parts.isEmpty || parts.contains { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("\\") || $0.contains("\0") }
        let url = URL(fileURLWithPath: base).appendingPathComponent(name)
        let resolved = url.standardizedFileURL.path
        guard !bad, resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/") else {
            throw ZichaError(.output, "refusing to write a report file outside the report folder",
                             at: SourceLocation(file: base), hint: "the file name was \(name.debugDescription)")
        }
        return url
    }

    /// `directory` with its links resolved, remembered for the directory asked last: the pass by counselor creates
    /// tens of thousands of files in one folder, and resolving costs a system call per path component.
    private static func resolved(_ directory: URL) -> String {
        let path = directory.path
        if let last = lastResolved.withLock({ $0 }), last.directory == path { return last.base }
        let base = directory.standardizedFileURL.resolvingSymlinksInPath().path
        lastResolved.withLock { $0 = (path, base) }
        return base
    }

    private static let lastResolved = Mutex<(directory: String, base: String)?>(nil)

    /// Creates `name` (one level) inside `directory` with mode 0700 and returns it.
    static func makeFolder(_ name: String, in directory: URL) throws -> URL {
        let url = try inside(directory, name)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue { return url }
        guard mkdir(url.path, 0o700) == 0 else {
            throw ZichaError(.output, "cannot create the report folder: \(String(cString: strerror(errno)))",
                             at: SourceLocation(file: url.path))
        }
        return url
    }
}
