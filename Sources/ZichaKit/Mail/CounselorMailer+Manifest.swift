import Foundation

/// The outbox's table of contents (`messages.tsv`): what was composed, so that a run of the night can deliver from the
/// outbox, and the messages an earlier run of the night sent, kept as they went.
extension CounselorMailer {
    /// The outbox's table of contents: one line per message (file, Message-ID, address, name), tab separated.
    public static let manifestName = "messages.tsv"

    /// The files of the published outbox whose message the ledger says was sent (same Message-ID), by recipient.
    func sentBefore() throws -> [String: SentMessage] {
        let sent = try database.deliveries(asOf: asOf).filter { $0.status == .sent }
        guard !sent.isEmpty, let data = FileManager.default.contents(atPath: outbox.appendingPathComponent(Self.manifestName).path)
        else { return [:] }
        var byMessageID: [String: (file: String, to: MailAddress)] = [:]
        for case let entry? in Self.manifestEntries(data).entries where byMessageID[entry.messageID] == nil {
            byMessageID[entry.messageID] = (entry.fileName, entry.to)
        }
        var files: [String: SentMessage] = [:]
        for record in sent {
            if let found = byMessageID[record.messageID] { files[record.recipient] = (found.file, record.messageID, found.to) }
        }
        return files
    }

    /// Writes the table of contents of what was composed into `folder`, so that an unchanged re-run of the
    /// night can deliver from the outbox without composing again.
    public func writeManifest(into folder: URL) throws {
        try Outbox(folder: folder).create()
        // A message sent on an earlier run of the night whose counselor has no list now (all checked, or left out of the
        // counselor list) stays in the outbox too: it is what they got.
        let composed = Set(queued.map(\.to.ledgerKey))
        for (key, sent) in sentFiles.sorted(by: { $0.key < $1.key }) where !composed.contains(key) {
            changedSinceMailed.append((sent.to, 0))  // mailed a list, and now has none
        }
        for (key, sent) in sentFiles.sorted(by: { $0.key < $1.key }) where !composed.contains(key) && folder != outbox {
            _ = try keep(sent, in: folder)
        }
        let lines = [compositionLine] + queued.map { [$0.fileName, $0.messageID, $0.to.address, $0.to.name].joined(separator: "\t") + "\n" }
        let path = folder.appendingPathComponent(Self.manifestName).path
        try Outbox.writeWhole(Data(lines.joined().utf8), to: URL(fileURLWithPath: path), what: "the outbox's table of contents")
        try DeliveryJournal(outbox: folder).write(try database.deliveries(asOf: asOf))
    }

    /// Takes the messages of an earlier run of this night from `folder`'s table of contents instead of composing.
    /// Returns false when there is none (an outbox from before the table existed).
    public func loadManifest(from folder: URL) throws -> Bool {
        precondition(prepared, "CounselorMailer.prepare() first")
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.manifestName).path) else { return false }
        // Messages composed with another sender, reply address or deadline text are composed again (a dry run's
        // placeholder sender must not go out once mail is configured).
        let manifest = Self.manifestEntries(data)
        guard manifest.first == compositionLine else { return false }
        var entries: [QueuedMessage] = []
        for entry in manifest.entries {
            guard let entry else { return false }
            entries.append(entry)
        }
        queued = entries
        return true
    }

    /// A table of contents: its first line (with its line break), and each message's entry (nil for a line that is not one).
    static func manifestEntries(_ data: Data) -> (first: String?, entries: [QueuedMessage?]) {
        var lines = DeliveryJournal.lines(data).filter { !$0.isEmpty }
        guard !lines.isEmpty else { return (nil, []) }
        let first = lines.removeFirst() + "\n"
        return (first, lines.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4, let to = try? MailAddress(address: f[2], name: f[3]) else { return nil }
            return (to, f[1], f[0])
        })
    }

    /// Queues a message an earlier run sent, as it went: its file copied from the published outbox into `folder`
    /// (unless that is the outbox). False when its file is gone or its name taken.
    func keep(_ sent: SentMessage, in folder: URL) throws -> Bool {
        let stem = String(sent.file.dropLast(4)).lowercased()
        guard !usedNames.contains(stem), let bytes = FileManager.default.contents(atPath: outbox.appendingPathComponent(sent.file).path)
        else { return false }
        if folder != outbox { try Outbox.writeWhole(bytes, to: folder.appendingPathComponent(sent.file), what: "a message to the outbox") }
        usedNames.insert(stem)
        queued.append((sent.to, sent.messageID, sent.file))
        return true
    }

    /// The table of contents' first line: what the messages were composed with besides the night's results.
    private var compositionLine: String {
        let fields = [sender?.address ?? "", sender?.name ?? "", settings?.replyTo ?? "", deadline ?? "", settings?.deadlineText ?? "",
                      composedFrom]
        return "#composed\t" + fields.map(Self.manifestField).joined(separator: "\t") + "\n"
    }

    /// A value as one field of a table-of-contents line: its line breaks and tabs as spaces. By scalars: Foundation's
    /// `replacingOccurrences` compares Characters and leaves a line break that a combining mark follows (a deadline
    /// text's), which split the line, so that the outbox was never taken as composed (found with the compose fuzz target).
    static func manifestField(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }))
    }
}
