import Foundation

/// A copy of a night's delivery ledger kept in its outbox (`outbox/delivered.tsv`): one line per change of a message's
/// status, the last line of a recipient saying where their message stands. The ledger in the database decides; the
/// journal is what survives when the database does not go with the reports — restored from a copy older than the
/// night, or replaced by a new one — so that a night's mail still goes to nobody twice (found by an audit: a database
/// restored from yesterday's copy mailed every counselor again when the nights since were run again).
struct DeliveryJournal {
    static let fileName = "delivered.tsv"
    private static let header = "#recipient\tstatus\tmessage_id\tcounselor\tupdated_at\n"

    /// The journal of the outbox `folder`.
    var url: URL
    init(outbox folder: URL) { url = folder.appendingPathComponent(Self.fileName) }

    /// One recipient's latest line.
    struct Entry: Equatable {
        var status: DeliveryStatus
        var messageID: String
        var counselor: String
    }

    /// Writes the whole journal (0600) from the ledger's rows of the night: a night published again starts from them,
    /// each with the time the ledger gives it (found by an audit: stamped with the time of the run that wrote the
    /// journal again, a night run again after its mail went showed every message sent then).
    func write(_ records: [DeliveryRecord]) throws {
        let lines = records.map { Self.line(recipient: $0.recipient, status: $0.status, messageID: $0.messageID, counselor: $0.counselor,
                                            at: $0.updatedAt) }
        try Outbox.writeWhole(Data((Self.header + lines.joined()).utf8), to: url, what: "the outbox's delivery journal")
    }

    /// Appends a line. Best effort: the database's ledger is the record; false when the line could not be written.
    @discardableResult
    func append(recipient: String, status: DeliveryStatus, messageID: String, counselor: String) -> Bool {
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text = Self.line(recipient: recipient, status: status, messageID: messageID, counselor: counselor)
        if lseek(fd, 0, SEEK_END) == 0 { text = Self.header + text }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// Each recipient's latest entry; empty when there is no journal.
    func read() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        var entries: [String: Entry] = [:]
        for line in Self.lines(data) where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, !f[0].isEmpty, let status = DeliveryStatus(rawValue: f[1]) else { continue }  // a line cut by a kill
            entries[f[0]] = Entry(status: status, messageID: f[2], counselor: f[3])
        }
        return entries
    }

    /// The lines of a text file, split at LF with a CR before it dropped, a byte-order mark skipped: a journal or a table
    /// of contents saved by an editor with CRLF is the same file (found by an audit: Swift's split at "\n" never splits a
    /// "\r\n", one Character, and a CRLF journal read as nothing mailed every counselor again).
    static func lines(_ data: Data) -> [String] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes.split(separator: 0x0A).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }

    private static func line(recipient: String, status: DeliveryStatus, messageID: String, counselor: String,
                             at time: String = ISO8601DateFormatter().string(from: Date())) -> String {
        [recipient, status.rawValue, messageID, counselor, time]
            .map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
            .joined(separator: "\t") + "\n"
    }

    /// Takes into the ledger what the journals of the reports folder `root` say and the database does not know (see
    /// `adoptDeliveries`): the journal of the night `asOf`, and those of every night after the ledger's latest (a
    /// database restored from an older copy, or a new one). A message the journal last saw being sent is taken as of
    /// unknown fate, as a run that stopped while sending leaves it.
    static func adopt(from root: String, asOf: String, into database: AppDatabase) throws {
        let latest = try database.latestDeliveryNight() ?? ""
        let nights = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0.count == 10 && EventTime.dayNumber($0) != nil && ($0 == asOf || $0 > latest) }.sorted()
        for night in nights {
            let entries = DeliveryJournal(outbox: URL(fileURLWithPath: root + "/" + night + "/outbox")).read()
            guard !entries.isEmpty else { continue }
            try database.adoptDeliveries(entries.map { recipient, entry in
                DeliveryRecord(asOf: night, recipient: recipient, counselor: entry.counselor, messageID: entry.messageID,
                               status: entry.status == .pending ? .unknown : entry.status, attempts: 1,
                               detail: entry.status == .pending ? "a run stopped while sending it (the night's outbox/delivered.tsv says so)"
                                   : "as the night's outbox/delivered.tsv says",
                               updatedAt: ISO8601DateFormatter().string(from: Date()))
            })
        }
    }
}
