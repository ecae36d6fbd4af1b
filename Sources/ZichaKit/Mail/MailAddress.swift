import Foundation

/// One mailbox: a checked addr-spec and a display name safe to encode into a header.
///
/// Roster cells are untrusted: an address is accepted only as a plain RFC 5322 dot-atom addr-spec
/// (ASCII, one `@`, no spaces, no CR/LF, no second address), and a name loses every control character.
public struct MailAddress: Sendable, Equatable {
    /// The addr-spec, e.g. `zhang@example.edu.cn`.
    public let address: String
    /// The display name, control characters removed; may be empty.
    public let name: String

    /// Checks `address` and cleans `name`; throws a `MailAddress.Problem` saying what is wrong.
    public init(address raw: String, name: String = "") throws {
        address = try Self.check(raw)
        self.name = Self.cleanName(name)
    }

    /// Why an address was refused, in plain words.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// E.g. `it contains a line break`.
        public let reason: String
        /// The reason.
        public var description: String { reason }
    }

    /// The domain part, for Message-IDs and the EHLO name.
    public var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    /// The key of the delivery ledger: the address in lower case.
    public var ledgerKey: String { address.lowercased() }

    /// The address exactly as it may appear between `<` and `>`; callers must only pass checked values.
    static func check(_ raw: String) throws -> String {
        if raw.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw Problem(reason: "it contains a line break")
        }
        let trimmed = raw.trimmingCharacters(in: CharacterSet(charactersIn: " \t\u{3000}"))
        if trimmed.isEmpty { throw Problem(reason: "it is empty") }
        if trimmed.contains(where: { $0 == "," || $0 == ";" }) {
            throw Problem(reason: "it holds more than one address (a comma or semicolon)")
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw Problem(reason: "it contains a space")
        }
        if trimmed.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x21 || $0.value == 0x7F }) {
            throw Problem(reason: "it contains a character that is not plain ASCII")
        }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw Problem(reason: parts.count < 2 ? "it has no @" : "it holds more than one @")
        }
        let local = String(parts[0]), domain = String(parts[1])
        guard !local.isEmpty, local.utf8.count <= 64, isDotAtom(local) else {
            throw Problem(reason: "the part before @ is not a valid mailbox name")
        }
        guard isHostName(domain) else { throw Problem(reason: "the part after @ is not a valid domain") }
        guard trimmed.utf8.count <= 254 else { throw Problem(reason: "it is longer than 254 characters") }
        return trimmed
    }

    /// An address cell as a message quotes it: cut to 80 characters, quoted with its control characters escaped.
    static func shown(_ raw: String) -> String {
        String(String(reflecting: String(raw.prefix(80))).prefix(120))
    }

    /// RFC 5322 atext, without quoting: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) { return true }
        return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(c)
    }

    private static func isDotAtom(_ s: String) -> Bool {
        let atoms = s.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(isAtext) }
    }

    /// Letters, digits and inner hyphens in dot-separated labels, with at least two labels.
    static func isHostName(_ s: String) -> Bool {
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, s.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }

    /// Drops C0/C1 controls (CR and LF among them), bidi controls and line separators; folds runs of white space.
    static func cleanName(_ name: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in name.unicodeScalars {
            let v = scalar.value
            let isControl = Text.isC0C1Control(v) || Text.isBidiControl(v) || v == 0x2028 || v == 0x2029
            if isControl || scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
