import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report file written piece by piece (0600, never following a link, never replacing a file),
/// so that a night of a million students streams to disk instead of piling up in memory.
final class ReportFile {
    let url: URL
    private let handle: FileHandle
    private var buffer = ByteBuffer(capacity: ReportFile.flushSize + (1 << 12))
    private static let flushSize = 1 << 16
    private var pages = WrittenPages()

    /// Creates `name` inside `directory`; `name` must already be a safe relative path.
    init(_ name: String, in directory: URL) throws {
        url = try ReportPaths.inside(directory, name)
        handle = FileHandle(fileDescriptor: try Self.create(url), closeOnDealloc: true)
    }

    /// Creates the file at `url` (0600; O_EXCL | O_NOFOLLOW: a report never overwrites or writes through a
    /// planted link) and returns its descriptor, open for writing.
    static func create(_ url: URL) throws -> Int32 {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ZichaError(.output, "cannot create the report file: \(String(cString: strerror(errno)))",
                             at: SourceLocation(file: url.path))
        }
        return fd
    }

    /// Appends text as UTF-8.
    func write(_ text: String) throws {
        buffer.text(text)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Lets `body` append bytes straight into the buffer (a row built without intermediate Strings).
    func write(_ body: (inout ByteBuffer) -> Void) throws {
        body(&buffer)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Appends one CSV record (`CSVText.append(line:to:)`), without building it as a String first.
    func writeCSV(_ cells: [String]) throws {
        CSVText.append(line: cells, to: &buffer)
        if buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try OutputFile.writeAll(handle.fileDescriptor, $0, path: url.path) }
        pages.wrote(buffer.count, fd: handle.fileDescriptor)
        buffer.removeAll()
    }

    /// Flushes and closes the file.
    func close() throws {
        try flush()
        WrittenPages.closed.add(handle.fileDescriptor)
        try handle.close()
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
