// Shared by every fuzz target: invariant checks that stop the run (libFuzzer then saves the input).
#if canImport(Glibc)
import Glibc
#endif

/// Fails the run with `message` when `condition` is false. `precondition` would do, but it is
/// compiled out under -Ounchecked and prints no context; this always runs and says what broke.
@inline(__always)
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        let line = Array("fuzz invariant violated: \(message())\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        abort()
    }
}

/// A small deterministic reader over the fuzz input: lets a target draw sizes and choices from it.
struct FuzzInput {
    let bytes: [UInt8]
    private(set) var position = 0

    init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    }

    /// The next byte (0 when exhausted).
    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// What is left.
    var rest: ArraySlice<UInt8> { bytes[min(position, bytes.count)...] }
}

/// Splits `bytes` into chunks whose sizes cycle through `sizes` (each at least 1).
func chunked(_ bytes: ArraySlice<UInt8>, sizes: [Int]) -> [ArraySlice<UInt8>] {
    var out: [ArraySlice<UInt8>] = []
    var i = bytes.startIndex, k = 0
    while i < bytes.endIndex {
        let n = max(1, sizes.isEmpty ? bytes.count : sizes[k % sizes.count])
        let end = min(bytes.endIndex, i + n)
        out.append(bytes[i..<end])
        i = end
        k += 1
    }
    return out
}

/// Whether `s` is a maximal run of ASCII digits (and X) of exactly `length` somewhere in `text`.
func hasDigitRun(_ text: String, length: Int, allowX: Bool) -> Bool {
    var run = 0
    for u in text.unicodeScalars {
        if (u.value >= 0x30 && u.value <= 0x39) || (allowX && u == "X") { run += 1 } else {
            if run == length { return true }
            run = 0
        }
    }
    return run == length
}

/// Paths a target writes scratch files to, removed when the fuzzer exits (libFuzzer ends a run with `exit`);
/// a crash leaves them, next to the saved input.
nonisolated(unsafe) private var scratchPaths: [String] = []  // a fuzzer runs its target on one thread

/// Registers `path` for removal at exit, the last registered first: register a folder before the files in it.
func scratch(_ path: String) -> String {
    if scratchPaths.isEmpty {
        atexit {
            for path in scratchPaths.reversed() where unlink(path) != 0 { rmdir(path) }
        }
    }
    scratchPaths.append(path)
    return path
}
