/// Finding the few bytes a writer must look at (a quote, a comma, a control character) eight bytes at a time.
///
/// Every cell of every report is scanned for them, and the long ones are Chinese remedy paragraphs with none:
/// a byte-by-byte loop was 8 % of a 100k night's report instructions (callgrind, session 15). The word tests
/// are the classic bit tricks ("Bit Twiddling Hacks": haszero, hasless): exact as yes/no answers for a word.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte of `word` is zero.
    @inline(__always) static func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }

    /// Whether some byte of `word` equals `byte`.
    @inline(__always) static func has(_ word: UInt64, _ byte: UInt8) -> Bool { hasZero(word ^ (ones &* UInt64(byte))) }

    /// Whether some byte of `word` is 0x80 or above (not ASCII).
    @inline(__always) static func hasHigh(_ word: UInt64) -> Bool { word & highs != 0 }

    /// Whether some byte of `word` is below `limit` (at most 128).
    @inline(__always) static func hasLess(_ word: UInt64, _ limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highs != 0
    }

    /// The first index at or after `start` where `isSpecial(bytes, index)` holds, or `bytes.count`. Words of
    /// eight bytes for which `mayHold` is false are skipped whole; the bytes of the others are asked one by one,
    /// from `lookBehind` bytes before the word (for a test that recognises a sequence by a later byte of it).
    @inline(__always)
    static func firstIndex(in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, lookBehind: Int = 0,
                           mayHold: (UInt64) -> Bool,
                           isSpecial: (UnsafeBufferPointer<UInt8>, Int) -> Bool) -> Int {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return n }
        let raw = UnsafeRawPointer(base)
        var i = start
        while i + 8 <= n {
            if mayHold(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                var j = Swift.max(start, i - lookBehind)
                while j < i + 8 {
                    if isSpecial(bytes, j) { return j }
                    j += 1
                }
            }
            i += 8
        }
        var j = Swift.max(start, i - lookBehind)
        while j < n {
            if isSpecial(bytes, j) { return j }
            j += 1
        }
        return n
    }
}
