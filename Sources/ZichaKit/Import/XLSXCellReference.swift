/// Cell references like `D21`: column letters and row number, both as Excel writes them.
enum XLSXCellReference {
    /// Parses `D21` into a 0-based column and a 1-based row; nil parts when absent or malformed.
    static func parse(_ ref: XMLBytes) -> (column: Int?, row: Int?) {
        var column = 0, row = 0, letters = 0, digits = 0
        for i in 0..<ref.count {
            let byte = ref.base[i]
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "a")) + 1
                letters += 1
            case UInt8(ascii: "$"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return (nil, nil)
            }
            if letters > 3 || digits > 7 { return (nil, nil) }  // Excel stops at XFD1048576
        }
        guard column <= 16_384 else { return (nil, nil) }  // past XFD: no sheet of Excel's has it (ZZZ made rows 18,278 cells wide)
        return (letters > 0 ? column - 1 : nil, digits > 0 && row > 0 ? row : nil)
    }

    /// Parses a plain decimal number (a row's `r`, a style index, a shared-string index).
    static func integer(_ bytes: XMLBytes) -> Int? {
        guard bytes.count > 0, bytes.count <= 18 else { return nil }
        var value = 0
        for i in 0..<bytes.count {
            let byte = bytes.base[i]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Parses a plain decimal number held in a buffer.
    static func integer(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { integer(XMLBytes(base: $0, count: buffer.count)) }
        }
    }

    /// The letters of a 0-based column: 0 → `A`, 3 → `D`, 26 → `AA`.
    static func columnName(_ column: Int) -> String {
        var n = column + 1
        var letters: [Character] = []
        while n > 0 {
            let rest = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(rest))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }
}
