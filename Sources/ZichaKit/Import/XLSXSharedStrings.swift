/// Reads `xl/sharedStrings.xml` into an array: cells refer to it by index, in any order.
/// Rich-text runs are joined; phonetic guides (`<rPh>`, furigana/pinyin) are left out.
final class XLSXSharedStringsHandler: XMLEventHandler {
    private(set) var strings: [String] = []
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
            strings.append(XLSXText.decode(buffer))
        }
    }

    func characters(_ text: XMLBytes) {
        if collecting { buffer.append(contentsOf: UnsafeBufferPointer(start: text.base, count: text.count)) }
    }
}

/// Text as stored in cells.
enum XLSXText {
    /// UTF-8 bytes to a string, undoing Excel's `_x000D_` escapes for characters XML cannot hold.
    static func decode(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("_x") else { return text }
        var result = "", rest = Substring(text)
        while let range = rest.range(of: "_x") {
            result += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            let hex = after.prefix(4)
            if hex.count == 4, after.dropFirst(4).first == "_", let code = UInt32(hex, radix: 16),
               let scalar = Unicode.Scalar(code) {
                result.unicodeScalars.append(scalar)
                rest = after.dropFirst(5)
            } else {
                result += "_x"
                rest = after
            }
        }
        return result + rest
    }
}
