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
        var stem = String(kept.prefix(80))
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
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(message.bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ZichaError(.output, "cannot write a message to the outbox", at: SourceLocation(file: url.path))
        }
        return url
    }

    /// Writes every message; returns the file of each, in order.
    func write(_ messages: [ComposedMessage]) throws -> [URL] {
        try create()
        var used: Set<String> = []
        return try messages.map { try write($0, used: &used) }
    }
}
