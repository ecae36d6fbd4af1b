/// Reads `xl/styles.xml` just enough to know how each cell style (`s="3"`) shows a number: as a date, padded with
/// zeros, or as itself.
final class XLSXStylesHandler: XMLEventHandler {
    private var customFormats: [Int: String] = [:]
    private var formatIDs: [Int] = []
    private var inCellXfs = false

    /// Per cell style index, how it shows numbers.
    var numberStyles: XLSXNumberStyles {
        XLSXNumberStyles(formatIDs.map { id in
            if let code = customFormats[id] { return XLSXNumberStyles.display(code) }
            return XLSXDate.isBuiltInDate(id) ? .date : .plain
        })
    }

    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) {
        if name.equals("numFmt") {
            if let id = attributes["numFmtId"].flatMap(XLSXCellReference.integer), let code = attributes["formatCode"] {
                customFormats[id] = code.string
            }
        } else if name.equals("cellXfs") {
            inCellXfs = true
        } else if inCellXfs, name.equals("xf") {
            // Only <cellXfs> counts: <cellStyleXfs> holds named styles, not the ones cells point at.
            formatIDs.append(attributes["numFmtId"].flatMap(XLSXCellReference.integer) ?? 0)
        }
    }

    func endElement(_ name: XMLBytes) {
        if name.equals("cellXfs") { inCellXfs = false }
    }

    func characters(_ text: XMLBytes) {}
}

/// How each cell style of a workbook shows a number, as far as zicha reads it the way Excel shows it: a date, a
/// whole number padded with zeros (`0000000000`: a 学号 or 考生号 stored as 12345 shows, and exports to CSV, as
/// 0000012345), or the number itself.
struct XLSXNumberStyles: Sendable {
    enum Display: Equatable, Sendable {
        case plain
        case date
        /// Digits padded with zeros to `width`, between literal texts (`"XH"000000` → XH012345).
        case padded(prefix: String, width: Int, suffix: String)
    }

    private let displays: [Display]

    init(_ displays: [Display] = []) { self.displays = displays }

    /// Styles 0, 1, … showing numbers as dates where `dates` says so (and otherwise as themselves).
    init(dates: [Bool]) { displays = dates.map { $0 ? .date : .plain } }

    /// Styles 0, 1, … by their format codes (nil: General).
    init(codes: [String?]) { displays = codes.map { $0.map(Self.display) ?? .plain } }

    /// How cell style `style` shows numbers (a style the workbook does not have shows them plain, as Excel does).
    subscript(style: Int) -> Display { style >= 0 && style < displays.count ? displays[style] : .plain }

    /// How a custom format code shows a number.
    static func display(_ code: String) -> Display {
        if XLSXDate.isDateFormat(code) { return .date }
        return padding(code) ?? .plain
    }

    /// The zero padding a format code gives whole numbers: a run of `0` with, around it, only literal text (quoted,
    /// escaped with `\`, or the signs Excel shows as they are) and `[$-804]` locale or `[Red]` colour marks. Any other
    /// format (`#`, `,`, `.`, `E+`, `%`, `?`, `@`, a `[>100]` condition) is not read: the number is read as itself, as before.
    /// Only the first section counts (the one for positive numbers).
    static func padding(_ code: String) -> Display? {
        var prefix = "", suffix = "", zeros = 0
        var characters = code[...]
        func literal(_ text: some StringProtocol) -> Bool {
            if zeros == 0 { prefix += text } else { suffix += text }
            return true
        }
        while let ch = characters.popFirst() {
            switch ch {
            case ";":
                characters = ""
            case "0":
                guard suffix.isEmpty else { return nil }  // 00"-"00: digits split by text
                zeros += 1
            case "\"":
                guard let end = characters.firstIndex(of: "\"") else { return nil }
                _ = literal(characters[..<end])
                characters = characters[characters.index(after: end)...]
            case "\\":
                guard let escaped = characters.popFirst() else { return nil }
                _ = literal(String(escaped))
            case "[":
                guard let end = characters.firstIndex(of: "]") else { return nil }
                let mark = characters[..<end]
                let isLocale = mark.hasPrefix("$-") && mark.dropFirst(2).allSatisfy(\.isHexDigit)
                guard isLocale || (!mark.isEmpty && mark.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } && mark.first!.isLetter)
                else { return nil }
                characters = characters[characters.index(after: end)...]
            case "$", "-", "+", "/", "(", ")", ":", "!", "^", "&", "'", "~", "{", "}", "<", ">", "=", " ":
                _ = literal(String(ch))
            default:
                return nil
            }
        }
        guard zeros > 1 || !(prefix.isEmpty && suffix.isEmpty) else { return nil }  // `0` alone is General for whole numbers
        return zeros > 0 ? .padded(prefix: prefix, width: zeros, suffix: suffix) : nil
    }

    /// `digits` (a whole number's, as `XLSXNumber.text` writes it) as `display` shows them; nil when the display does
    /// not apply (a fraction, a negative number, a date: read as before).
    static func text(_ digits: String, _ display: Display) -> String? {
        guard case .padded(let prefix, let width, let suffix) = display, !digits.isEmpty,
              digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let count = digits.utf8.count
        return prefix + (count < width ? String(repeating: "0", count: width - count) + digits : digits) + suffix
    }
}
