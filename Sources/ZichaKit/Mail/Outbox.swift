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

    /// Writes every message; returns the file of each, in order. Distinct messages never share a file.
    func write(_ messages: [ComposedMessage]) throws -> [URL] {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ZichaError(.output, "cannot create the outbox folder: \(error.localizedDescription)", at: SourceLocation(file: folder.path))
        }
        var used: Set<String> = []
        var urls: [URL] = []
        for message in messages {
            var stem = Self.fileStem(for: message)
            var n = 2
            while used.contains(stem.lowercased()) { stem = "\(Self.fileStem(for: message))-\(n)"; n += 1 }
            used.insert(stem.lowercased())
            let url = folder.appendingPathComponent(stem + ".eml")
            try? manager.removeItem(at: url)
            guard manager.createFile(atPath: url.path, contents: Data(message.bytes), attributes: [.posixPermissions: 0o600]) else {
                throw ZichaError(.output, "cannot write a message to the outbox", at: SourceLocation(file: url.path))
            }
            urls.append(url)
        }
        return urls
    }
}
