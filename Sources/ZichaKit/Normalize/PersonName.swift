import Foundation

/// A person's name as given: trimmed, in its compatibility form, white space inside it folded, the minority-name middle
/// dot folded to U+00B7.
public struct PersonName: Sendable, Equatable {
    /// The cell as given.
    public let raw: String
    /// Trimmed; in its compatibility form without invisible characters (`Text.compatibilityForm`: `Lu\u{0308}` is `Lü`,
    /// U+F90F 羅, ⼈ 人, `Ｌｉ Ｎａ` `Li Na`, `张\u{200D}伟` 张伟); middle dots (· • ・ ‧ ･ ⸱, and `.` or `。` between two
    /// Chinese characters) folded to U+00B7; white space inside dropped beside a Chinese character
    /// or a middle dot (`王　一`: a two-character name padded with U+3000 to line up with three-character ones is
    /// 王一, the name on the ID card), and one ASCII space between other letters (`Li  Na` → `Li Na`).
    public let normalized: String

    public init(_ text: String) {
        raw = text
        let t = Text.trimmed(text)
        normalized = PersonName.mayNeedFolding(t) ? PersonName.fold(Text.compatibilityForm(t)) : t
    }

    /// The compatibility form has already made U+FF0E a `.`, U+FF65 U+30FB and U+0387 U+00B7.
    static let dots: Set<UInt32> = [0x2022, 0x30FB, 0x2027, 0x2219, 0x22C5, 0x2E31]

    /// The folding of `normalized`, scalar by scalar (`text` is trimmed).
    static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var spaceBefore = false
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if Text.isSpace(scalar) { spaceBefore = true; continue }
            // An ASCII full stop between two Chinese characters is the middle dot typed on a keyboard without one
            // (米娜.依明); elsewhere (`Li Na.`, `J.K.`) it stays.
            // The next character is looked for past white space, as the white space itself is dropped beside a Chinese
            // character: `米娜 .依明` folds to what `米娜.依明` does (found by the fuzzer: normalizing twice differed).
            let typedDot = (scalar == "." || scalar == "\u{3002}") && (out.last.map { $0.value >= 0x2E80 } ?? false)
                && (scalars[(i + 1)...].first { !Text.isSpace($0) }.map { $0.value >= 0x2E80 } ?? false)
            let s: Unicode.Scalar = typedDot || dots.contains(scalar.value) ? "\u{00B7}" : scalar
            if spaceBefore, let last = out.last, !isWide(last), !isWide(s) { out.append(" ") }
            spaceBefore = false
            out.append(s)
        }
        return String(out)
    }

    /// Chinese characters (and the other CJK blocks) and the middle dot: no space is kept beside them.
    private static func isWide(_ s: Unicode.Scalar) -> Bool { s.value == 0xB7 || s.value >= 0x2E80 }

    /// False when no byte of `text` can be or lead a white space, a full stop, one of `dots` or a character the
    /// compatibility form changes in UTF-8 (controls, space, `.`; any lead byte but E4–E9, and but C2 B7, the dot names
    /// are folded to): a name of Han characters
    /// (lead bytes E4–E9) is settled by one pass over its bytes instead of a set lookup per character (3.9 % of the
    /// reading thread of a million-row log).
    @inline(__always)
    static func mayNeedFolding(_ text: String) -> Bool {
        return text.withBytes { b in
            for i in b.indices {
                let c = b[i]
                if c < 0x80 {
                    if c <= 0x20 || c == 0x2E { return true }
                } else if Text.mayLeadCompatibilityChange(c), c != 0xC2 || i + 1 == b.count || b[i + 1] != 0xB7 {
                    return true
                }
            }
            return false
        }
    }
}

/// Finds traditional characters in names with OpenCC, honouring the exception list of name characters.
public final class TraditionalNameCheck: @unchecked Sendable {
    private let converter: OpenCCConverter
    /// Characters never flagged nor converted (name_exceptions.json).
    public let exceptions: Set<Unicode.Scalar>
    /// What is known of each character from U+2E80 to U+9FFF (the CJK blocks names are written in): 0 not yet
    /// asked, 1 stays as it is (simplified, or an exception), 2 is converted. A name of characters known to stay is
    /// settled by a table lookup per character, instead of a set lookup, a cache lookup and a string per character
    /// (≈ 2,900 instructions a student; every student is checked every night).
    private var stays = [UInt8](repeating: 0, count: 0xA000 - 0x2E80)
    private let lock = NSLock()

    /// Traditional characters whose simplified form in names is not OpenCC's (name_exceptions.json's "simplified"): the
    /// 通用规范汉字表 has 鉅 written 钜 in names, where OpenCC gives 巨, another character.
    public let nameForms: [Unicode.Scalar: String]

    public init(converter: OpenCCConverter, exceptions: Set<Unicode.Scalar>, nameForms: [Unicode.Scalar: String] = [:]) {
        self.converter = converter
        self.exceptions = exceptions
        self.nameForms = nameForms
    }

    /// Opens OpenCC and the bundled exception list.
    public static func bundled() throws -> TraditionalNameCheck {
        let data = Data(PackageResources.name_exceptions_json)
        struct File: Decodable { struct Entry: Decodable { var char: String; var simplified: String? }; var characters: [Entry] }
        let file = try JSONDecoder().decode(File.self, from: data)
        var chars = Set<Unicode.Scalar>(), forms: [Unicode.Scalar: String] = [:]
        for entry in file.characters {
            if let form = entry.simplified, let scalar = entry.char.unicodeScalars.first { forms[scalar] = form }
            else { chars.formUnion(entry.char.unicodeScalars) }
        }
        return TraditionalNameCheck(converter: try OpenCCConverter(), exceptions: chars, nameForms: forms)
    }

    /// The simplified form when the name holds traditional characters, else nil.
    public func simplified(_ name: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if name.unicodeScalars.allSatisfy(staysAsItIs) { return nil }
        var changed = false
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.value < 0x2E80 || exceptions.contains(scalar) {
                out.unicodeScalars.append(scalar)
                continue
            }
            let s = simplified(scalar)
            if s != String(scalar) { changed = true }
            out += s
        }
        return changed ? out : nil
    }

    /// Whether `scalar` is left alone (called with `lock` held); false for a character outside the table.
    private func staysAsItIs(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x2E80 { return true }
        guard v < 0xA000 else { return false }
        let i = Int(v - 0x2E80)
        if stays[i] == 0 { stays[i] = exceptions.contains(scalar) || simplified(scalar) == String(scalar) ? 1 : 2 }
        return stays[i] == 1
    }

    /// One character's form in a name: the table's where name_exceptions.json gives one, else OpenCC's.
    private func simplified(_ scalar: Unicode.Scalar) -> String { nameForms[scalar] ?? converter.simplified(scalar) }
}
