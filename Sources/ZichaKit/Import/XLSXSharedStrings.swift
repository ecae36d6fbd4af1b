/// Reads `xl/sharedStrings.xml` into a table: cells refer to it by index, in any order.
/// Rich-text runs are joined; phonetic guides (`<rPh>`, furigana/pinyin) are left out.
final class XLSXSharedStringsHandler: XMLEventHandler {
    private(set) var strings = XLSXStringTable()
    private var buffer: [UInt8] = []
    private var collecting = false
    private var inPhonetic = false

    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) {
        if name.equals("si") {
            buffer.removeAll(keepingCapacity: true)
        } else if name.equals("t") {
            collecting = !inPhonetic
        } else if name.equals("rPh") {
            inPhonetic = true
        } else if name.equals("sst"), let count = attributes["uniqueCount"].flatMap(XLSXCellReference.integer) {
            strings.reserveCapacity(min(count, 1 << 20))
        }
    }

    func endElement(_ name: XMLBytes) {
        if name.equals("t") {
            collecting = false
        } else if name.equals("rPh") {
            inPhonetic = false
        } else if name.equals("si") {
            strings.append(buffer)
        }
    }

    func characters(_ text: XMLBytes) {
        if collecting { buffer.append(contentsOf: UnsafeBufferPointer(start: text.base, count: text.count)) }
    }
}

/// A workbook's shared strings as one run of UTF-8 bytes and the end of each string. A million-row roster shares
/// millions of distinct strings (IDs, phones, names); a Swift String each held about twice the memory (a 1M-row
/// roster workbook with 4.5M of them: peak 198 → 131 MB).
struct XLSXStringTable {
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []
    /// Set when the strings passed 4 GiB or `maxCount`, past any workbook Excel or WPS writes; the rest are not kept.
    private(set) var overflowed = false

    init() {}

    /// For tests: a table of these strings.
    init(_ strings: [String]) {
        for string in strings { append(Array(string.utf8)) }
    }

    var count: Int { ends.count }

    mutating func reserveCapacity(_ count: Int) { ends.reserveCapacity(count) }

    /// The most strings kept: 16.7 million, three times the distinct texts of a full sheet of a roster (1,048,576 rows
    /// with an ID, a phone, a name, a 考生号 and a 学号 each). Each costs 4 bytes even when empty, and a table of empty
    /// strings packs to almost nothing (found by an audit: 2.9 MB held 2.7 GB).
    static let maxCount = 1 << 24

    /// Adds the text of one `<si>` as stored, undoing Excel's escapes.
    mutating func append(_ stored: [UInt8]) {
        let text = XLSXText.unescaped(stored) ?? stored
        guard !overflowed, bytes.count + text.count <= UInt32.max, ends.count < Self.maxCount else { return overflowed = true }
        bytes.append(contentsOf: text)
        ends.append(UInt32(bytes.count))
    }

    /// The string at `index` (`0..<count`).
    subscript(index: Int) -> String {
        let start = index == 0 ? 0 : Int(ends[index - 1])
        return bytes.withUnsafeBufferPointer { String(decoding: $0[start..<Int(ends[index])], as: UTF8.self) }
    }
}

/// Text as stored in cells.
enum XLSXText {
    /// UTF-8 bytes to a string, undoing Excel's `_xHHHH_` escapes for characters XML cannot hold (`_x000D_` for
    /// a carriage return; a UTF-16 surrogate pair as two escapes).
    static func decode(_ bytes: [UInt8]) -> String {
        String(decoding: unescaped(bytes) ?? bytes, as: UTF8.self)
    }

    /// The bytes with Excel's escapes undone and every line break a LF, as a CSV's are read (`_x000D_` before a line
    /// break is how Excel keeps a cell's CR LF: found by an audit, a 说明 read from a workbook kept `\r\n` where the
    /// same cell in a CSV had `\n`); nil when nothing changes. Scanned as bytes: every cell of a workbook passes here,
    /// and a search in a String (Foundation's `range(of:)`) cost more than the rest of the cell.
    static func unescaped(_ bytes: [UInt8]) -> [UInt8]? {
        let escaped = escapesUndone(bytes)
        let text = escaped ?? bytes
        guard text.contains(0x0D) else { return escaped }
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        for (i, c) in text.enumerated() where !(c == 0x0D && i + 1 < text.count && text[i + 1] == 0x0A) {
            result.append(c == 0x0D ? 0x0A : c)
        }
        return result
    }

    /// The bytes with Excel's `_xHHHH_` escapes undone; nil when there is none.
    private static func escapesUndone(_ bytes: [UInt8]) -> [UInt8]? {
        guard let first = firstEscape(in: bytes) else { return nil }
        var result = [UInt8](bytes[..<first])
        result.reserveCapacity(bytes.count)
        var index = first
        while index < bytes.count {
            guard bytes[index] == underscore, let unit = escapedUnit(bytes, at: index) else {
                result.append(bytes[index])
                index += 1
                continue
            }
            var scalar = Unicode.Scalar(unit)
            var length = 7
            if scalar == nil, UTF16.isLeadSurrogate(UInt16(unit)), let low = escapedUnit(bytes, at: index + 7),
               UTF16.isTrailSurrogate(UInt16(low)) {
                scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                length = 14
            }
            // A control character other than tab and line breaks (`_x0000_`, `_x001B_`) is kept as written: a NUL or an
            // escape sequence is no text of a roster (found by an audit: `王_x0000_一` put a NUL past the reader's check
            // into the database and every CSV).
            if let s = scalar, s.value < 0x20 ? ![0x09, 0x0A, 0x0D].contains(s.value) : (0x7F...0x9F).contains(s.value) { scalar = nil }
            guard let scalar else {  // a lone surrogate: not a character, kept as written
                result.append(bytes[index])
                index += 1
                continue
            }
            result.append(contentsOf: UTF8.encode(scalar)!)
            index += length
        }
        return result
    }

    private static let underscore = UInt8(ascii: "_")

    private static func firstEscape(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 6 < bytes.count {
            if bytes[index] == underscore, escapedUnit(bytes, at: index) != nil { return index }
            index += 1
        }
        return nil
    }

    /// The code unit of an escape `_xHHHH_` starting at `index`, if there is one.
    private static func escapedUnit(_ bytes: [UInt8], at index: Int) -> UInt32? {
        guard index + 6 < bytes.count, bytes[index] == underscore, bytes[index + 1] == UInt8(ascii: "x"),
              bytes[index + 6] == underscore else { return nil }
        var unit: UInt32 = 0
        for byte in bytes[(index + 2)..<(index + 6)] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): unit = unit << 4 | UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): unit = unit << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): unit = unit << 4 | UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return unit
    }
}
