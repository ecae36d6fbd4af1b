/// Decides a text file's encoding from its first bytes: BOM first, then whether the bytes read as UTF-8.
public enum EncodingDetector {
    /// The detected encoding and how many BOM bytes to skip.
    public static func detect(_ head: ArraySlice<UInt8>) -> (encoding: TextEncoding, bomLength: Int) {
        let b = Array(head.prefix(4))
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if b.starts(with: [0xFF, 0xFE]) { return (.utf16le, 2) }
        if b.starts(with: [0xFE, 0xFF]) { return (.utf16be, 2) }
        if let utf16 = utf16WithoutBOM(head) { return (utf16, 0) }
        if headerReadsAsUTF8(head) { return (.utf8, 0) }
        // A header whose only non-ASCII bytes pair up as two-byte UTF-8 (状态 is D7 B4 CC AC in GB18030): Chinese, which
        // is three bytes a character in UTF-8, so GB18030 when the rows are not UTF-8 and are GB18030 (found by an
        // audit: `SFZH,XM,状态` in GB18030 was read as UTF-8, every row set aside).
        let line = head.prefix { $0 != 0x0A }
        if line.contains(where: { $0 >= 0x80 }), !isUTF8(head), isGB18030(head) { return (.gb18030, 0) }
        return (looksLikeUTF8(head) ? .utf8 : .gb18030, 0)
    }

    /// Whether `bytes` are valid UTF-8 up to their last line break (a sample may end inside a character).
    static func isUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        let lines = bytes.lastIndex(of: 0x0A).map { bytes[...$0] } ?? bytes
        return String(validating: lines, as: UTF8.self) != nil
    }

    /// Whether text read as UTF-8 may be GBK all the same — said as a warning, never acted on: a small GBK file with
    /// pinyin headers can be valid UTF-8 by chance (郑强 is D6 A3 C7 BF in GBK: a Hebrew accent and ǿ in UTF-8), but no
    /// rule on bytes alone tells it from a UTF-8 roster of Cyrillic, Greek or Arabic names, so the file is read as
    /// UTF-8 and the office told how to read it otherwise. The signs: no sequence of three or four bytes (where
    /// Chinese is in UTF-8); every two-byte one a common GBK character (second byte A1 or above, as GB2312's) and none
    /// beside an ASCII letter (é in José, ǚ in Lǚ: a Latin word's accents sit among its letters, a Chinese name between
    /// separators); the bytes valid GB18030.
    static func mayBeGBK(_ bytes: ArraySlice<UInt8>) -> Bool {
        func isLetter(_ i: Int) -> Bool {
            guard i >= bytes.startIndex, i < bytes.endIndex else { return false }
            let c = bytes[i] | 0x20
            return c >= 0x61 && c <= 0x7A
        }
        var pairs = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            guard i + 1 < bytes.endIndex else { break }  // a character cut at the end of the sample
            guard (0xC2...0xDF).contains(c), bytes[i + 1] >= 0xA1, !isLetter(i - 1), !isLetter(i + 2) else { return false }
            pairs += 1
            i += 2
        }
        return pairs > 0 && isGB18030(bytes)
    }

    /// Whether `bytes` are well-formed GB18030 (a sample's last character may be cut).
    static func isGB18030(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            guard (0x81...0xFE).contains(c) else { return false }
            guard i + 1 < end else { return true }
            let t = bytes[i + 1]
            if (0x40...0x7E).contains(t) || (0x80...0xFE).contains(t) { i += 2; continue }
            guard (0x30...0x39).contains(t) else { return false }
            guard i + 3 < end else { return true }
            guard (0x81...0xFE).contains(bytes[i + 2]), (0x30...0x39).contains(bytes[i + 3]) else { return false }
            i += 4
        }
        return true
    }

    /// Whether the first line holds Chinese (or other text of three- or four-byte characters) that is valid UTF-8: then
    /// the file is UTF-8, whatever a few GBK rows further down say (they become row errors). Chinese headers in
    /// GB18030 are practically never valid UTF-8 of that kind; an ASCII header says nothing either way.
    static func headerReadsAsUTF8(_ head: ArraySlice<UInt8>) -> Bool {
        let line = head.prefix { $0 != 0x0A }
        guard line.contains(where: { $0 >= 0xE0 }) else { return false }
        return String(validating: line, as: UTF8.self) != nil
    }

    /// UTF-16 without a byte order mark (some exports leave it out): a table's digits, separators and line ends are
    /// ASCII, whose code units have a zero high byte — a zero in every other place for at least a quarter of the units,
    /// and hardly any in the places between (the low byte of a few characters, 一 U+4E00). A binary file has its zeros
    /// anywhere (and UTF-8 or GB18030 text none).
    static func utf16WithoutBOM(_ head: ArraySlice<UInt8>) -> TextEncoding? {
        let sample = head.prefix(8192)
        guard sample.count >= 16 else { return nil }
        var zeros = (even: 0, odd: 0)
        for (i, c) in sample.enumerated() where c == 0 {
            if i & 1 == 0 { zeros.even += 1 } else { zeros.odd += 1 }
        }
        let units = sample.count / 2
        if zeros.odd * 4 >= units, zeros.even * 16 <= zeros.odd { return .utf16le }
        if zeros.even * 4 >= units, zeros.odd * 16 <= zeros.even { return .utf16be }
        return nil
    }

    /// Counts valid multi-byte UTF-8 sequences against invalid bytes. A few invalid bytes among Chinese text
    /// read as UTF-8 are row errors; GB18030 text is almost never valid multi-byte UTF-8.
    static func looksLikeUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var valid = 0, invalid = 0
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0...0xEF: need = 2
            case 0xF0...0xF4: need = 3
            default: invalid += 1; i += 1; continue
            }
            if i + need >= end { break }  // cut at the end of the sample
            var ok = true
            for k in 1...need where bytes[i + k] & 0xC0 != 0x80 { ok = false }
            if ok { valid += 1; i += need + 1 } else { invalid += 1; i += 1 }
        }
        return invalid == 0 || valid >= invalid * 4
    }

    /// Up to 64 KiB from the first byte of `chunks` that is not ASCII (nil when none is): a file whose first chunk is
    /// ASCII is detected from there. The scan stops at that byte; the reader reads the file again from its start.
    static func firstNonASCII(in chunks: FileChunks) throws -> ArraySlice<UInt8>? {
        var sample: [UInt8] = []
        while let chunk = try chunks.next() {
            if sample.isEmpty {
                guard let start = chunk.firstIndex(where: { $0 >= 0x80 }) else { continue }
                sample.append(contentsOf: chunk[start...].prefix(1 << 16))
            } else {
                sample.append(contentsOf: chunk.prefix((1 << 16) - sample.count))
            }
            if sample.count >= 1 << 16 { break }
        }
        return sample.isEmpty ? nil : sample[...]
    }

    /// Whether the bytes look like a binary file rather than text: more than eight control characters (NUL among them).
    static func looksBinary(_ bytes: ArraySlice<UInt8>) -> Bool {
        var control = 0
        // A NUL or two is a damaged row, set aside as such (`RecordParser`); a binary file has them by the hundred.
        for c in bytes.prefix(8192) where c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D && c != 0x0C { control += 1 }
        return control > 8
    }
}
