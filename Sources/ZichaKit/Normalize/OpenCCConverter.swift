import COpenCC
import Foundation

/// The one file that talks to OpenCC (Debian libopencc-dev): traditional → simplified, character by character.
///
/// Names are not phrases: OpenCC's phrase tables read 沈思 as 沉思, so each character is converted
/// alone. Results are cached per character — names draw on a few thousand characters.
public final class OpenCCConverter: @unchecked Sendable {
    private let handle: opencc_t
    private var cache: [Unicode.Scalar: String] = [:]
    private let lock = NSLock()

    /// Opens OpenCC's `t2s.json` configuration (looked up in /usr/share/opencc).
    public init(config: String = "t2s.json") throws {
        let candidates = [config, "/usr/share/opencc/\(config)", "/usr/local/share/opencc/\(config)"]
        for path in candidates {
            if let h = opencc_open(path), Int(bitPattern: h) != -1 {
                handle = h
                return
            }
        }
        throw ZichaError(.config, "OpenCC cannot open \(config)", hint: "install Debian's libopencc-dev and opencc data (apt-get install libopencc1.1 opencc)")
    }

    deinit { opencc_close(handle) }

    /// The simplified form of one character (itself when OpenCC has no conversion).
    public func simplified(_ scalar: Unicode.Scalar) -> String {
        if scalar.value < 0x2E80 { return String(scalar) }  // below CJK: nothing to convert
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[scalar] { return hit }
        let input = String(scalar)
        var result = input
        input.withCString { ptr in
            if let out = opencc_convert_utf8(handle, ptr, strlen(ptr)) {
                result = String(cString: out)
                opencc_convert_utf8_free(out)
            }
        }
        cache[scalar] = result
        return result
    }
}
