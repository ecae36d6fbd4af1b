import Foundation

/// A block of cells merged down one column (`<mergeCell ref="I2:I11"/>`): Excel keeps the value in the top cell
/// only, and a roster that merges 学院 or 班级 over each block of students means it for every row of the block.
struct XLSXVerticalMerge: Equatable {
    /// 0-based column.
    let column: Int
    let firstRow: Int
    let lastRow: Int
}

/// Finds a sheet's vertical merges in its unpacked bytes, chunk by chunk. A sheet lists its merges after its rows,
/// so the reader needs them before it streams the rows; a byte search is a fraction of parsing the XML again.
struct XLSXMergeScanner {
    private(set) var merges: [XLSXVerticalMerge] = []
    /// The end of the previous chunk, kept in case a `<mergeCell ref="…"` straddles two chunks.
    private var carry: [UInt8] = []
    private static let marker = Array("<mergeCell ref=\"".utf8)

    mutating func feed(_ chunk: some Collection<UInt8>) {
        let bytes = carry + chunk
        var i = 0, consumed = 0
        while let start = Self.find(Self.marker, in: bytes, from: i) {
            let refStart = start + Self.marker.count
            guard let end = bytes[refStart...].firstIndex(of: UInt8(ascii: "\"")) else { break }  // in the next chunk
            if let merge = Self.verticalMerge(bytes[refStart..<end]) { merges.append(merge) }
            i = end + 1
            consumed = i
        }
        // Keep what may begin a marker or hold an unfinished reference (a reference is at most 21 bytes).
        let keep = max(consumed, bytes.count - (Self.marker.count + 24))
        carry = Array(bytes[min(keep, bytes.count)...])
    }

    /// `I2:I11` → column 8, rows 2…11; nil for a merge within one row or across columns.
    static func verticalMerge(_ ref: ArraySlice<UInt8>) -> XLSXVerticalMerge? {
        let parts = ref.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, let a = cell(parts[0]), let b = cell(parts[1]), a.column == b.column, b.row > a.row else { return nil }
        return XLSXVerticalMerge(column: a.column, firstRow: a.row, lastRow: b.row)
    }

    private static func cell(_ bytes: ArraySlice<UInt8>) -> (column: Int, row: Int)? {
        Array(bytes).withUnsafeBufferPointer { buffer -> (column: Int, row: Int)? in
            guard let base = buffer.baseAddress else { return nil }
            let parsed = XLSXCellReference.parse(XMLBytes(base: base, count: buffer.count))
            guard let column = parsed.column, let row = parsed.row else { return nil }
            return (column, row)
        }
    }

    /// The first place of `needle` in `haystack` at or after `start` (memchr for its first byte: the sheet's bytes go
    /// by fast; Swift's Glibc module does not export memmem).
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        haystack.withUnsafeBytes { h -> Int? in
            guard let base = h.baseAddress else { return nil }
            var i = start
            while i + needle.count <= h.count {
                guard let hit = memchr(base + i, Int32(needle[0]), h.count - i) else { return nil }
                let at = UnsafeRawPointer(hit) - base
                guard at + needle.count <= h.count else { return nil }
                if memcmp(hit, needle, needle.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }
}
