import Foundation

/// Turns the text of a numeric cell (`2.4110101000001E13`, `13800138000`, `5.0`) into the digits
/// a person sees in Excel: whole numbers without exponent or `.0`, fractions to Excel's 15 digits.
enum XLSXNumber {
    /// The display text of a stored number; the stored text itself when it is not a number.
    static func text(_ raw: String) -> String {
        guard let expanded = expand(raw) else { return raw }
        guard expanded.contains("."), let value = Double(raw) else { return expanded }
        // A fraction: Excel keeps 15 significant digits, so 0.30000000000000004 shows as 0.3.
        return expand(String(format: "%.15g", value)) ?? expanded
    }

    /// Writes a decimal number in plain positional notation, exactly, from its text (no Double
    /// round trip: 3.4010420060203E+17 must become 340104200602030000, not …030016).
    static func expand(_ raw: String) -> String? {
        var bytes = Array(raw.utf8)[...]
        while let first = bytes.first, first == UInt8(ascii: " ") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") { bytes.removeLast() }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var digits: [UInt8] = [], integerCount = 0, seenPoint = false, exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte)
                if !seenPoint { integerCount += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)), abs(e) <= 400
                else { return nil }
                exponent = e
                break
            } else {
                return nil
            }
            index += 1
        }
        guard !digits.isEmpty else { return nil }
        let point = integerCount + exponent
        var integer: [UInt8], fraction: [UInt8]
        if point <= 0 {
            integer = [UInt8(ascii: "0")]
            fraction = Array(repeating: UInt8(ascii: "0"), count: -point) + digits
        } else if point >= digits.count {
            integer = digits + Array(repeating: UInt8(ascii: "0"), count: point - digits.count)
            fraction = []
        } else {
            integer = Array(digits[..<point])
            fraction = Array(digits[point...])
        }
        while integer.count > 1, integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        var text = String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty { text += "." + String(decoding: fraction, as: UTF8.self) }
        if negative, text != "0" { text = "-" + text }
        return text
    }
}
