import Foundation
import Testing
@testable import ZichaKit

/// The report writers skip clean text eight bytes at a time (`ByteScan`): every special byte must still be
/// found wherever it sits in a word — first, last, across two words, in the tail — and the output must equal
/// what a plain byte-by-byte writer makes.
@Suite struct ByteScanTests {
    /// Texts with `special` at every offset 0…19 of clean runs of Chinese, ASCII and mixed text, of lengths
    /// around one, two and three words.
    static func placements(of special: String) -> [String] {
        var texts: [String] = [special, special + special]
        for filler in ["学籍自查完成", "abcdefghijklmnopqrstuvwxyz", "张a三b（注册）c"] {
            let scalars = Array(filler.unicodeScalars)
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 63, 64, 65, 90] {  // long cells take CSVText's memchr path
                var clean = String.UnicodeScalarView()
                while clean.count < length { clean.append(scalars[clean.count % scalars.count]) }
                let cleanText = String(clean)
                for offset in 0..<20 where offset <= cleanText.utf8.count {
                    // Cut on a scalar boundary at or before `offset` bytes.
                    var cut = cleanText.utf8.index(cleanText.utf8.startIndex, offsetBy: offset)
                    while !cleanText.unicodeScalars.indices.contains(cut) && cut != cleanText.endIndex { cut = cleanText.utf8.index(before: cut) }
                    texts.append(String(cleanText[..<cut]) + special + String(cleanText[cut...]))
                }
            }
        }
        return texts
    }

    static let specials: [String] = [",", "\"", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\\", "&", "<", ">", "_x0041_", "_X00ff_", "_x12_",
                           "\u{2028}", "\u{2029}", "\u{2027}", "“", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "（", "=", "a,b\"c"]

    @Test func csvCellsQuoteExactlyWhenAByteNeedsIt() {
        for special in Self.specials {
            for text in Self.placements(of: special) {
                let bytes = Array(text.utf8)
                let needsQuotes = bytes.contains { (b: UInt8) -> Bool in [0x2C, 0x22, 0x0A, 0x0D].contains(b) }
                let cell = CSVText.cell(text)
                #expect(cell.hasPrefix("\"") == needsQuotes, "\(text.debugDescription)")
                let formula = "=+-@\t\r＝＋－＠".unicodeScalars.contains { text.unicodeScalars.first == $0 }
                if needsQuotes { #expect(cell == "\"" + (formula ? "'" : "") + Self.quotedInside(text) + "\"") }
            }
        }
    }

    /// A quoted cell's inside, by scalar: quotes doubled, and every line break (LF, CR, CRLF) written CRLF.
    static func quotedInside(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for u in text.unicodeScalars {
            defer { previousCR = u == "\r" }
            switch u {
            case "\"": out.append(contentsOf: "\"\"".unicodeScalars)
            case "\n" where previousCR: continue
            case "\n", "\r": out.append(contentsOf: "\r\n".unicodeScalars)
            default: out.append(u)
            }
        }
        return String(out)
    }

    @Test func jsonStringsEqualAPlainEscape() {
        func reference(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{2028}": out += "\\u2028"
                case "\u{2029}": out += "\\u2029"
                default: out += u.value < 0x20 ? String(format: "\\u%04x", u.value) : String(u)
                }
            }
            return out + "\""
        }
        for special in Self.specials {
            for text in Self.placements(of: special) {
                #expect(JSONText.string(text) == reference(text), "\(text.debugDescription)")
            }
        }
    }

    @Test func workbookTextEqualsAPlainEscape() {
        func referenceEscape(_ s: String) -> String {
            let b = Array(s.utf8)
            var out: [UInt8] = []
            for (i, c) in b.enumerated() {
                switch c {
                case 0x26: out += Array("&amp;".utf8)
                case 0x3C: out += Array("&lt;".utf8)
                case 0x3E: out += Array("&gt;".utf8)
                case 0x5F where i + 6 < b.count && (b[i + 1] == 0x78 || b[i + 1] == 0x58) && b[i + 6] == 0x5F
                    && b[(i + 2)..<(i + 6)].allSatisfy({ $0.isHexDigit }):
                    out += Array("_x005F_".utf8)
                default: out.append(c)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        func referenceClean(_ s: String) -> Bool {
            !s.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0xFFFE || $0.value == 0xFFFF }
        }
        for special in Self.specials {
            for text in Self.placements(of: special) {
                var out = ByteBuffer()
                XLSXWriterBook.appendEscaped(text, to: &out)
                #expect(out.string == referenceEscape(text), "\(text.debugDescription)")
                #expect((XLSXWriterBook.cellText(text, note: "…") == text) == referenceClean(text), "\(text.debugDescription)")
            }
        }
    }

    @Test func wordTestsAnswerForEveryByteInEveryPlace() {
        for byte in UInt8.min...UInt8.max {
            for place in 0..<8 {
                for background: UInt8 in [0x00, 0x41, 0x80, 0xE5, 0xFF] where background != byte {
                    var word = UInt64(background) &* 0x0101_0101_0101_0101
                    word &= ~(UInt64(0xFF) << (8 * place))
                    word |= UInt64(byte) << (8 * place)
                    #expect(ByteScan.has(word, byte))
                    #expect(ByteScan.hasLess(word, 0x20) == (byte < 0x20 || background < 0x20))
                    #expect(ByteScan.has(word, 0x2C) == (byte == 0x2C))
                }
            }
        }
    }
}

private extension UInt8 {
    var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}
