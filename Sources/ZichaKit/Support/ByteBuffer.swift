#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes built up piece by piece: a report row before it goes to a file or to the workbook's deflater, a cell
/// of an imported file while it is parsed.
///
/// Written by hand rather than an `[UInt8]`: a report row is dozens of small appends (a tag, a cell, a comma),
/// and `Array.append(contentsOf:)` of a few bytes goes through the standard library's generic sequence copy
/// and a uniqueness check each time — 9 % of a 100k night's report instructions (callgrind, session 15); and
/// emptying an array for the next cell (`removeAll(keepingCapacity:)`) is a generic `replaceSubrange`. Here an
/// append is a capacity check and a `memcpy`, and emptying sets the count. Not copyable, so it never needs
/// copy-on-write.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes held.
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The byte at `index` (which must be below `count`).
    @inline(__always) subscript(index: Int) -> UInt8 {
        precondition(index >= 0 && index < count, "ByteBuffer index out of range")
        return base[index]
    }

    /// The bytes held, valid until the next change.
    @inline(__always) var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Makes room for `extra` more bytes (at least doubling, so appends stay amortized constant).
    private mutating func grow(_ extra: Int) {
        let newCapacity = Swift.max(count + extra, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        if count == capacity { grow(1) }
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        if capacity - count < n { grow(n) }
        memcpy(base + count, bytes.baseAddress!, n)
        count += n
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends the UTF-8 bytes of `s` as they are (markup, punctuation, numbers), in one copy.
    @inline(__always) mutating func text(_ s: String) {
        s.withBytes { append(contentsOf: $0) }
    }

    /// Forgets the bytes, keeping the memory.
    mutating func removeAll() { count = 0 }

    /// Drops the bytes after the first `n` (what was appended since `count` was `n`).
    mutating func truncate(to n: Int) { count = Swift.min(count, Swift.max(0, n)) }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The bytes as text (they are UTF-8).
    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}
