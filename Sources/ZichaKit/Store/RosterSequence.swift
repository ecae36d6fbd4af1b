import Foundation
import GRDB

/// The latest roster's rows in file order, each as (hash of its 考生号 and values, student row id), kept in
/// `roster_sequence` in blobs of `chunkEntries` pairs of little-endian 64-bit integers: a school exports its roster from the same system in the
/// same order every night, so tonight's row *n* is mostly last night's row *n*. A row whose hash equals the
/// stored row's at its place names that student, whose stored values it repeats, without looking up its 考生号
/// (at 1M, the lookups were 2 of the 5 s of a roster with 1 % of its rows changed). Rows that do not match fall
/// back to the lookup by 考生号, so another order only costs that lookup.
///
/// It holds because only a roster import writes student rows, and each one replaces the sequence in the same
/// transaction: a schema change that rewrites student rows must empty `roster_sequence`.
enum RosterSequence {
    /// Pairs per blob (64 KB).
    static let chunkEntries = 4096

    /// The file whose sequence is stored, if any.
    static func storedFile(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT max(file_id) FROM roster_sequence")
    }

    /// Drops every sequence but `fileID`'s.
    static func keepOnly(_ fileID: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM roster_sequence WHERE file_id <> ?", arguments: [fileID])
    }

    /// Drops every sequence: the next roster is matched by lookups alone.
    static func removeAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM roster_sequence")
    }

    /// Writes one file's sequence, a blob at a time.
    final class Writer {
        private let fileID: Int64
        private var pending: [Int64] = []
        private var chunk: Int64 = 0
        private let insert: FastStatement

        init(_ db: Database, fileID: Int64) throws {
            self.fileID = fileID
            insert = try FastStatement(db, sql: "INSERT INTO roster_sequence (file_id, chunk, entries) VALUES (?, ?, ?)")
            pending.reserveCapacity(2 * RosterSequence.chunkEntries)
        }

        /// Appends the next accepted row of the file.
        func append(hash: Int64, studentID: Int64, _ db: Database) throws {
            pending.append(hash.littleEndian)
            pending.append(studentID.littleEndian)
            if pending.count == 2 * RosterSequence.chunkEntries { try flush(db) }
        }

        /// Stores what is pending (the last, shorter blob).
        func flush(_ db: Database) throws {
            guard !pending.isEmpty else { return }
            insert.bind(1, fileID)
            insert.bind(2, chunk)
            pending.withUnsafeBytes { insert.bind(3, blob: $0) }
            try insert.execute(db)
            chunk += 1
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Reads the stored sequence in order and matches tonight's rows against it.
    final class Matcher {
        /// How far ahead of the current place each row is looked for (rows removed since the stored roster).
        static let window = 256
        /// How far ahead a row is looked for after 16, 32, 64 … misses in a row (a class or more removed).
        static let reach = 1 << 16
        private let fileID: Int64
        private let select: Statement
        /// Loaded pairs, flattened; `entries[0]` is the pair at place `first`.
        private var entries: [Int64] = []
        private var first = 0
        private var nextChunk: Int64 = 0
        private var exhausted = false
        /// The place of the stored row the next row of the file is expected to repeat.
        private var place = 0
        private var misses = 0

        init(_ db: Database, fileID: Int64) throws {
            self.fileID = fileID
            select = try db.makeStatement(sql: "SELECT entries FROM roster_sequence WHERE file_id = ? AND chunk = ?")
        }

        /// The student id of the stored row at or shortly after the current place whose hash is `hash`, moving past
        /// it; nil when there is none. A changed row leaves the place where it is (the next row matches one further
        /// on), a new row too (the next matches here). When rows keep missing, the row is looked for much further
        /// ahead, less and less often: a file in another order costs a few scans, not one per row.
        func match(_ hash: Int64, _ db: Database) throws -> Int64? {
            if let id = try find(hash, from: place, count: Self.window, db) { return id }
            misses += 1
            if misses >= 16, misses & (misses - 1) == 0, let id = try find(hash, from: place + Self.window, count: Self.reach, db) {
                return id
            }
            return nil
        }

        private func find(_ hash: Int64, from start: Int, count: Int, _ db: Database) throws -> Int64? {
            for index in start..<(start + count) {
                guard let pair = try pair(at: index, db) else { return nil }
                if pair.hash == hash {
                    place = index + 1
                    misses = 0
                    dropPassed()
                    return pair.studentID
                }
            }
            return nil
        }

        private func pair(at index: Int, _ db: Database) throws -> (hash: Int64, studentID: Int64)? {
            while 2 * (index - first) + 1 >= entries.count {
                guard !exhausted else { return nil }
                guard let blob = try Data.fetchOne(select, arguments: [fileID, nextChunk]) else { exhausted = true; return nil }
                nextChunk += 1
                blob.withUnsafeBytes { raw in  // little-endian, whatever the alignment of the blob's bytes
                    for k in 0..<(raw.count / 8) { entries.append(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * k, as: Int64.self))) }
                }
            }
            let i = 2 * (index - first)
            return (entries[i], entries[i + 1])
        }

        /// Forgets the pairs behind the place once a chunk's worth has passed: memory holds about two blobs.
        private func dropPassed() {
            let passed = place - first
            guard passed >= RosterSequence.chunkEntries else { return }
            entries.removeFirst(2 * passed)
            first = place
        }
    }
}
