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
}
