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

    /// Whether a stored number is a whole 18-digit 身份证号: its 18 digits written as they are, without exponent or point
    /// (openpyxl and pandas write an integer so), its check character right, and not digits a program could have
    /// printed from a double, which holds 15 to 17 of them. Such a number lost none of its digits; the others may have
    /// lost their last ones and still pass the check by chance (one in eleven), so the importer keeps refusing them:
    /// - Excel's 15 significant digits: `1.10105200701010E+17`, or `110105200701010000` without exponent;
    /// - a double's shortest digits, as JavaScript or Go print it without exponent (`110105200701010020`): at most 17
    ///   significant digits, so a trailing 0;
    /// - a double's exact value (`110105200701010016`, `'%.0f'`, or pandas turning a column of floats into integers):
    ///   a multiple of 16 (below 1.44E17: provinces 11–14) or 32 at this size.
    /// A real ID whose digits happen to be one of these cannot be told from them and is refused too, as every ID stored
    /// as a number was before: about 3 in 100 (11 in 100 for provinces 11–14). An ID ending in X can never be a number.
    /// A 15-digit ID fits whole in a double and is read as it is elsewhere.
    static func isWholeIDNumber(_ raw: String) -> Bool {
        guard raw.utf8.count == 18 else { return false }  // the common case, for every number of a sheet: no copy
        let digits = Array(raw.utf8)
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              digits.withUnsafeBufferPointer({ IDNumber.checkCharacter($0) }) == digits[17],
              let integer = UInt64(raw), let double = Double(raw) else { return false }
        if UInt64(exactly: double) == integer { return false }  // a double's exact value
        if expand("\(double)") == raw { return false }  // a double's shortest digits (Excel's 15 among them)
        return true
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
