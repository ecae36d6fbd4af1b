import Foundation

/// A fresh, owner-only folder for one test, removed when the value goes away (unless ZICHA_KEEP_TEMP=1).
public final class TempFolder: @unchecked Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Creates `<tmp>/zicha-<label>-<uuid>` with mode 0700.
    public init(_ label: String = "test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "/tmp"
        path = base + "/zicha-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    deinit {
        if ProcessInfo.processInfo.environment["ZICHA_KEEP_TEMP"] != "1" { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The absolute path of `name` inside the folder (nothing is created).
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `data` to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes UTF-8 `text` to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> String { try write(Data(text.utf8), to: name) }

    /// Whether `name` exists inside the folder.
    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// The names directly inside `name` (the folder itself when empty), sorted; hidden ones included.
    public func contents(of name: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: name.isEmpty ? path : file(name))) ?? []).sorted()
    }
}

extension FileHandle {
    /// A new, empty file at `path` (an existing one is emptied), opened for writing: where a child process's
    /// output goes (a file, never a pipe a chatty child could fill while the test waits for it).
    public static func emptyFile(atPath path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }
}
