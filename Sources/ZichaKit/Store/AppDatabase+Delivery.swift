import Foundation
import GRDB

/// Where one counselor message of a night stands.
public enum DeliveryStatus: String, Sendable, Codable {
    /// A send began and has not finished (or the run was killed): treated as unknown on the next run.
    case pending
    /// The server accepted it: never sent again for that night.
    case sent
    /// Not delivered: the next run tries again.
    case failed
    /// Maybe delivered: not resent until the office decides (`zicha nightly --resend ADDRESS`).
    case unknown
}

/// One row of the delivery ledger.
public struct DeliveryRecord: Sendable, Equatable {
    /// The night, `YYYY-MM-DD`.
    public var asOf: String
    /// The recipient address in lower case.
    public var recipient: String
    /// The counselor's name as the message shows it.
    public var counselor: String
    /// The Message-ID last tried, without angle brackets.
    public var messageID: String
    /// Where the message stands.
    public var status: DeliveryStatus
    /// Tries so far, over all runs of the night.
    public var attempts: Int
    /// Why it failed or is unknown; empty when sent.
    public var detail: String
    /// When the row last changed (ISO 8601, UTC).
    public var updatedAt: String
}

/// The delivery ledger: one row per night and recipient, so that a night never mails anyone twice.
extension AppDatabase {
    /// The ledger row of a night and recipient, if any.
    public func delivery(asOf: String, recipient: String) throws -> DeliveryRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE as_of = ? AND recipient = ?",
                             arguments: [asOf, recipient]).map(Self.record)
        }
    }

    /// The recipients of the night's messages whose fate is unknown (`unknown`, or `pending` after a run that stopped).
    public func unknownDeliveries(asOf: String) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT recipient FROM delivery WHERE as_of = ? AND status IN ('unknown', 'pending') ORDER BY recipient",
                                arguments: [asOf])
        }
    }

    /// Each recipient's latest night before `asOf` whose message the server took.
    public func lastMailed(before asOf: String) throws -> [String: String] {
        try writer.read { db in
            var last: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT recipient, max(as_of) FROM delivery WHERE as_of < ? AND status = 'sent' GROUP BY recipient",
                                        arguments: [asOf]) {
                last[row[0]] = row[1]
            }
            return last
        }
    }

    /// The nights after `asOf` that were reconciled, in date order (a night run late, or run again, comes before them).
    public func laterNights(after asOf: String) throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT as_of FROM run WHERE as_of > ? ORDER BY as_of", arguments: [asOf]) }
    }

    /// The latest night before `asOf` that was reconciled, if there is one.
    public func earlierNight(before asOf: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT max(as_of) FROM run WHERE as_of < ?", arguments: [asOf]) }
    }

    /// The latest night after `asOf` that mailed anyone, if there is one.
    public func laterNightMailed(after asOf: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT max(as_of) FROM delivery WHERE as_of > ? AND status = 'sent'", arguments: [asOf])
        }
    }

    /// Every ledger row of a night, by recipient.
    public func deliveries(asOf: String) throws -> [DeliveryRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE as_of = ? ORDER BY recipient", arguments: [asOf]).map(Self.record)
        }
    }

    /// Records that a send is about to start (one more attempt), before any byte leaves.
    public func markDeliveryPending(asOf: String, recipient: String, counselor: String, messageID: String) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO delivery (as_of, recipient, counselor, message_id, status, attempts, detail, updated_at)
                VALUES (?, ?, ?, ?, 'pending', 1, '', ?)
                ON CONFLICT (as_of, recipient) DO UPDATE SET
                    counselor = excluded.counselor, message_id = excluded.message_id, status = 'pending',
                    attempts = delivery.attempts + 1, detail = '', updated_at = excluded.updated_at
                """, arguments: [asOf, recipient, counselor, messageID, Self.now()])
        }
    }

    /// Records how a send ended (`sent`, `failed` or `unknown`) with a short reason.
    public func markDelivery(asOf: String, recipient: String, status: DeliveryStatus, detail: String = "") throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE delivery SET status = ?, detail = ?, updated_at = ? WHERE as_of = ? AND recipient = ?",
                           arguments: [status.rawValue, detail, Self.now(), asOf, recipient])
        }
    }

    private static func record(_ row: Row) -> DeliveryRecord {
        DeliveryRecord(asOf: row["as_of"], recipient: row["recipient"], counselor: row["counselor"],
                       messageID: row["message_id"], status: DeliveryStatus(rawValue: row["status"]) ?? .unknown,
                       attempts: row["attempts"], detail: row["detail"], updatedAt: row["updated_at"])
    }

    private static func now() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}

extension AppDatabase {
    /// The latest night the delivery ledger has a row of.
    func latestDeliveryNight() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT max(as_of) FROM delivery") }
    }

    /// The latest night stored (reconciled, or pruned since).
    public func latestStoredNight() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT max(as_of) FROM run") }
    }

    /// Takes the journal's rows the database does not have, and those where the journal knows more: a message it says
    /// was sent is sent whatever the database says (a copy taken before the send, or during it, says failed, pending
    /// or unknown: found by an audit, a counselor was mailed twice), and one of unknown fate is not one to send again
    /// blindly.
    func adoptDeliveries(_ records: [DeliveryRecord]) throws {
        let rank = { (status: String) in "CASE \(status) WHEN 'sent' THEN 3 WHEN 'unknown' THEN 2 WHEN 'pending' THEN 2 ELSE 1 END" }
        try writer.write { db in
            for r in records {
                try db.execute(sql: """
                    INSERT INTO delivery (as_of, recipient, counselor, message_id, status, attempts, detail, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (as_of, recipient) DO UPDATE SET message_id = excluded.message_id, status = excluded.status,
                        detail = excluded.detail, updated_at = excluded.updated_at
                    WHERE \(rank("excluded.status")) > \(rank("delivery.status"))
                    """, arguments: [r.asOf, r.recipient, r.counselor, r.messageID, r.status.rawValue, r.attempts, r.detail, r.updatedAt])
            }
        }
    }
}
