import Foundation

/// The night's outbox: every message as a `.eml` file (0600, folder 0700), written before any delivery.
/// With transport `none` it is the whole of the mail stage: a dry run the office can open and check.
struct Outbox {
    var folder: URL

    /// A file name from a counselor name and address: letters, digits, `@ . - _` kept, the rest `_`.
    static func fileStem(for message: ComposedMessage) -> String {
        let raw = message.to.name.isEmpty ? message.to.address : "\(message.to.name)_\(message.to.address)"
        let kept = raw.unicodeScalars.map { s -> Character in
            (s.properties.isAlphabetic || ("0"..."9").contains(s) || "@.-_".unicodeScalars.contains(s)) ? Character(s) : "_"
        }
        // At most 80 characters and 120 bytes: a file name holds 255 bytes, a Chinese character takes 3 and one of
        // Extension B 4, and the atomic write's temporary name and a `-2` need room beside it.
        var stem = String(kept.prefix(80))
        while stem.utf8.count > 120 { stem.removeLast() }
        while stem.hasPrefix(".") { stem.removeFirst() }
        return stem.isEmpty ? "message" : stem
    }

    /// Creates the folder (0700).
    func create() throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ZichaError(.output, "cannot create the outbox folder: \(error.localizedDescription)", at: SourceLocation(file: folder.path))
        }
    }

    /// Writes one message (0600) under a name not in `used`; returns its file. Distinct messages never share a file.
    func write(_ message: ComposedMessage, used: inout Set<String>) throws -> URL {
        var stem = Self.fileStem(for: message)
        var n = 2
        while used.contains(stem.lowercased()) { stem = "\(Self.fileStem(for: message))-\(n)"; n += 1 }
        used.insert(stem.lowercased())
        let url = folder.appendingPathComponent(stem + ".eml")
        try Self.writeWhole(Data(message.bytes), to: url, what: "a message to the outbox")
        return url
    }

    /// Writes `data` as the whole file at `url` (0600), replacing it. Atomic: Foundation writes a temporary file and
    /// renames it, so a run killed meanwhile leaves no half message. A failure says why (a full disk, a read-only
    /// folder), which `FileManager.createFile` would not.
    static func writeWhole(_ data: Data, to url: URL, what: String) throws {
        do {
            try data.write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        } catch {
            guard let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain else {
                throw ZichaError(.output, "cannot write \(what): \(error.localizedDescription)", at: SourceLocation(file: url.path))
            }
            throw ZichaError.cannotWrite(what, errno: Int32(posix.code), at: url.path)
        }
    }
}
