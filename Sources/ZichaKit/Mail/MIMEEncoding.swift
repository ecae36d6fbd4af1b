import Foundation

/// The encodings a message needs (RFC 2045, 2047, 2231, 5322), written out by hand because
/// Foundation has no MIME writer on Linux. Every output is ASCII with CRLF line ends.
enum MIMEEncoding {
    /// Longest header line that carries encoded-words (RFC 2047 §2).
    static let maxLine = 76

    /// Base64 in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8).
    static func base64Lines(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        return Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
    }

    /// `=?UTF-8?B?…?=` words, each at most 75 characters, never splitting a character's UTF-8 bytes.
    /// The first word fits after `firstLineUsed` characters already on its line; later ones after one space.
    static func encodedWords(_ text: String, firstLineUsed: Int) -> [String] {
        let overhead = "=?UTF-8?B?".count + "?=".count
        func capacity(_ used: Int) -> Int { max(3, (min(75, maxLine - used) - overhead) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(firstLineUsed)
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
                limit = capacity(1)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// True when `text` can stand in a header as it is: printable ASCII words that could not be
    /// mistaken for an encoded-word.
    static func isPlainPhrase(_ text: String) -> Bool {
        !text.isEmpty && !text.contains("=?") && text.first != " " && text.last != " " && !text.contains("  ")
            && text.unicodeScalars.allSatisfy { $0 == " " || MailAddress.isAtext($0) }
    }

    /// An unstructured header (`Subject`), encoded when not plain ASCII, folded at 76 characters.
    static func unstructured(_ name: String, _ value: String) -> String {
        let clean = MailAddress.cleanName(value)
        let used = name.count + 2
        if isPlainPhrase(clean), used + clean.count <= maxLine { return "\(name): \(clean)\r\n" }
        return "\(name): " + encodedWords(clean, firstLineUsed: used).joined(separator: "\r\n ") + "\r\n"
    }

    /// A mailbox header (`From`, `To`, `Reply-To`): `Name <addr>`, the name encoded, folded before `<`.
    static func mailbox(_ name: String, _ mailbox: MailAddress) -> String {
        let angle = "<\(mailbox.address)>"
        let used = name.count + 2
        guard !mailbox.name.isEmpty else { return "\(name): \(angle)\r\n" }
        var lines: [String]
        // A plain name only when it fits its line: a longer one is encoded, as the words fold (a roster's name of a
        // thousand letters made a To: line past RFC 5322's 998; found by an input written for the compose fuzz target).
        if isPlainPhrase(mailbox.name), used + mailbox.name.utf8.count <= maxLine {
            lines = ["\(name): \(mailbox.name)"]
        } else {
            let words = encodedWords(mailbox.name, firstLineUsed: used)
            lines = ["\(name): \(words[0])"] + words.dropFirst().map { " \($0)" }
        }
        if lines[lines.count - 1].count + 1 + angle.count <= maxLine {
            lines[lines.count - 1] += " " + angle
        } else {
            lines.append(" " + angle)
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 2231 / RFC 5987 value: `UTF-8''` and every byte outside attr-char percent-encoded.
    static func extendedValue(_ text: String) -> String {
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~".utf8)
        var out = "UTF-8''"
        for byte in text.utf8 {
            if safe.contains(byte) { out.append(Character(Unicode.Scalar(byte))) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }

    /// A file name's encoded-words for a quoted `name=` / `filename=` parameter (one line, as clients expect).
    static func quotedEncodedParameter(_ text: String) -> String {
        if isPlainPhrase(text), !text.contains(where: { $0 == "\"" || $0 == "\\" }) { return "\"\(text)\"" }
        return "\"" + encodedWords(text, firstLineUsed: 0).joined(separator: " ") + "\""
    }
}
