/// Turns counselor names into file names that are safe on Linux, macOS and Windows, whatever a
/// name holds (`../../x`, slashes, control characters, bidi overrides), and unique within one night.
struct CounselorFileNames {
    /// Longest base name, in characters (CJK names are short; this leaves room for the hash).
    static let maxCharacters = 40
    private var used: Set<String> = []

    /// A unique safe base name (no extension) for one counselor; call once per counselor, in a stable order.
    mutating func name(counselor: String, email: String) -> String {
        let base = Self.sanitize(counselor)
        var candidate = base
        if used.contains(candidate.lowercased()) {
            let hash = Self.shortHash(counselor + "\u{0}" + email)
            candidate = "\(base)-\(hash)"
            var n = 2
            while used.contains(candidate.lowercased()) { candidate = "\(base)-\(hash)-\(n)"; n += 1 }
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    /// The name with every character a file system or a shell could misread replaced by `_`.
    static func sanitize(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars {
            let v = scalar.value
            let unsafe = Text.isC0C1Control(v) || "/\\:*?\"<>|".unicodeScalars.contains(scalar)
                || (0x200B...0x200F).contains(v) || Text.isBidiControl(v)
                || v == 0xFEFF || scalar.properties.generalCategory == .format
            if unsafe { out.unicodeScalars.append("_") }
            else if scalar.properties.isWhitespace { out.unicodeScalars.append(" ") }
            else { out.unicodeScalars.append(scalar) }
        }
        // No "..", no leading dots (hidden files) or dashes (read as options), no trailing dots or spaces (Windows).
        // By scalar: a Character comparison misses a dot or dash that carries a combining mark.
        var scalars: [Unicode.Scalar] = []
        for u in out.unicodeScalars {
            if u == ".", scalars.last == "." { scalars[scalars.count - 1] = "_" } else { scalars.append(u) }
        }
        let start = scalars.firstIndex { !(".  _-".unicodeScalars.contains($0)) } ?? scalars.endIndex
        var end = scalars.endIndex
        while end > start, scalars[end - 1] == "." || scalars[end - 1] == " " { end -= 1 }
        out = String(String.UnicodeScalarView(scalars[start..<end]))
        out = String(out.prefix(maxCharacters))
        while out.utf8.count > 120 { out.removeLast() }
        if out.isEmpty { out = "辅导员" }
        let reserved = Set(["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] })
        if reserved.contains(out.uppercased()) { out = "_" + out }
        return out
    }

    /// FNV-1a, 32 bits, as 8 hex digits. Hand-written because Swift's `Hasher` is seeded per process
    /// and file names must be the same every night; this is not a security hash and needs none.
    static func shortHash(_ s: String) -> String {
        var h: UInt32 = 0x811C_9DC5
        for byte in s.utf8 { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
