// Fuzz target: MIME composition of counselor mail — MailAddress (untrusted roster cells) and the
// header encoders of Mail/MIMEEncoding.swift.
//
// Invariants: an accepted address is plain ASCII without spaces, controls, commas, angle brackets or
// a second @; every header is ASCII, ends in CRLF, has no bare CR or LF, continues folded lines with a
// space, keeps lines within 998 characters (RFC 5322) and encoded-words within 75; encoded-words
// decode back to the cleaned text; cleaned names hold no controls or bidi overrides; parameters stay
// inside their quotes; base64 bodies decode back.
import Foundation

private func decodeWords(_ words: [String]) -> [UInt8]? {
    var bytes: [UInt8] = []
    for w in words {
        guard w.hasPrefix("=?UTF-8?B?"), w.hasSuffix("?="), w.count <= 75 else { return nil }
        let payload = String(w.dropFirst(10).dropLast(2))
        if payload.isEmpty { continue }  // "=?UTF-8?B??=": the empty word (Foundation's decoder refuses "")
        guard let d = Data(base64Encoded: payload) else { return nil }
        bytes += d
    }
    return bytes
}

private func checkHeader(_ header: String, _ what: String) {
    let b = Array(header.utf8)
    invariant(b.allSatisfy { $0 < 0x80 }, "\(what) header is not ASCII")
    invariant(b.count >= 2 && b[b.count - 2] == 0x0D && b[b.count - 1] == 0x0A, "\(what) header does not end in CRLF")
    var lineLength = 0
    for i in b.indices {
        if b[i] == 0x0D {
            invariant(i + 1 < b.count && b[i + 1] == 0x0A, "\(what): a bare CR")
            invariant(i + 2 == b.count || b[i + 2] == 0x20 || b[i + 2] == 0x09, "\(what): a line break not followed by folding white space")
        } else if b[i] == 0x0A {
            invariant(i > 0 && b[i - 1] == 0x0D, "\(what): a bare LF")
            lineLength = 0
            continue
        }
        lineLength += 1
        invariant(lineLength <= 998, "\(what): a line longer than 998 characters")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let used = Int(input.byte() % 80)
    let text = String(decoding: input.rest, as: UTF8.self)
    let parts = text.split(separator: "\u{1}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let addressText = parts[0], nameText = parts.count > 1 ? parts[1] : text

    // Names.
    let clean = MailAddress.cleanName(nameText)
    invariant(!clean.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
        || (0x2066...0x2069).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}" }, "cleanName left a control")
    invariant(MailAddress.cleanName(clean) == clean, "cleanName is not idempotent")

    // Encoded words.
    let words = MIMEEncoding.encodedWords(clean, firstLineUsed: used)
    invariant(decodeWords(words) == Array(clean.utf8), "encoded-words do not decode back")
    invariant(words.dropFirst().allSatisfy { $0.count + 1 <= MIMEEncoding.maxLine }, "a continuation word overflows its line")

    // Unstructured header.
    let subject = MIMEEncoding.unstructured("Subject", nameText)
    checkHeader(subject, "Subject")
    if subject.contains("=?UTF-8?B?") {
        let u = Array(subject.utf8)  // bytes: "\r\n" is a single Character
        let body = String(decoding: u[9..<(u.count - 2)], as: UTF8.self)
        let ws = body.components(separatedBy: "\r\n ")
        invariant(decodeWords(ws) == Array(clean.utf8), "Subject does not decode to the cleaned text")
    }

    // Parameters.
    let quoted = MIMEEncoding.quotedEncodedParameter(clean)
    invariant(quoted.hasPrefix("\"") && quoted.hasSuffix("\"") && quoted.count >= 2, "parameter not quoted")
    invariant(!quoted.dropFirst().dropLast().contains { $0 == "\"" || $0 == "\\" || $0 == "\r" || $0 == "\n" }, "a parameter escapes its quotes")
    invariant(quoted.utf8.allSatisfy { $0 < 0x80 }, "parameter not ASCII")
    let ext = MIMEEncoding.extendedValue(clean)
    invariant(ext.hasPrefix("UTF-8''") && ext.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x3B && $0 != 0x27 || $0 == 0x27 }, "extended value unsafe")

    // Addresses.
    if let address = try? MailAddress(address: addressText, name: nameText) {
        let a = address.address
        invariant(a.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } && !a.contains(where: { ",;<>\"() ".contains($0) }), "unsafe address accepted")
        invariant(a.utf8.filter { $0 == 0x40 }.count == 1 && a.utf8.count <= 254, "address shape")
        checkHeader(MIMEEncoding.mailbox("To", address), "To")
        invariant(MIMEEncoding.mailbox("To", address).hasSuffix("<\(a)>\r\n"), "To does not end with the address")
    }

    // Base64 bodies.
    let raw = Array(input.rest)
    let lines = MIMEEncoding.base64Lines(raw)
    invariant(lines.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 }, "base64 line over 76")
    invariant(Data(base64Encoded: lines.replacingOccurrences(of: "\r\n", with: "")).map(Array.init) ?? [] == raw || raw.isEmpty, "base64 does not decode back")
    return 0
}
