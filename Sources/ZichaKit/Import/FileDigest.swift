import CCrypto
import Foundation

/// SHA-256 of a file, streamed (OpenSSL's libcrypto: Foundation on Linux has no digest API).
public enum FileDigest {
    /// Hex SHA-256 and size of the file at `path`.
    public static func sha256(path: String, source: String) throws -> (hex: String, size: Int64) {
        let chunks = try FileChunks(path: path, source: source)
        guard let ctx = EVP_MD_CTX_new() else { throw ZichaError(.config, "libcrypto cannot create a digest context") }
        defer { EVP_MD_CTX_free(ctx) }
        EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
        var size: Int64 = 0
        while let chunk = try chunks.next() {
            size += Int64(chunk.count)
            chunk.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &digest, &length)
        return (digest.map { String(format: "%02x", $0) }.joined(), size)
    }

    /// The digests of `paths`, in order, read two files at a time (a night's roster and log are each hundreds of
    /// megabytes at a million students: hashed side by side on two cores). Throws the first failure in order.
    public static func sha256(paths: [String]) throws -> [(hex: String, size: Int64)] {
        let state = SharedWork(count: paths.count)
        let worker = { @Sendable in
            while let i = state.take() {
                state.finish(i, Result { try sha256(path: paths[i], source: paths[i]) })
            }
        }
        let second = BackgroundWork(worker)
        worker()
        try second.wait()
        return try state.results.map { try $0!.get() }
    }

    /// Hands out file indexes to the two workers and keeps their results.
    private final class SharedWork: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private var next = 0
        private var slots: [Result<(hex: String, size: Int64), Error>?]

        init(count: Int) {
            self.count = count
            slots = Array(repeating: nil, count: count)
        }

        func take() -> Int? {
            lock.withLock {
                guard next < count else { return nil }
                next += 1
                return next - 1
            }
        }

        func finish(_ i: Int, _ result: Result<(hex: String, size: Int64), Error>) { lock.withLock { slots[i] = result } }

        var results: [Result<(hex: String, size: Int64), Error>?] { lock.withLock { slots } }
    }
}
