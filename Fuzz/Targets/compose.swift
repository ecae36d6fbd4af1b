// Fuzz target: the whole counselor message — MessageComposer.compose with a RemedyCatalog made from fuzz texts,
// CounselorMailBody (text and HTML), the CSV and workbook attachments, the headers and the MIME tree.
//
// Inputs: control bytes (which headers and parts, as-of day, deadline, rows, states, findings and their remedies), then
// text fields separated by 0x01 (lists inside a field by 0x02): the counselor's name and address, the sender's name and
// address, the reply address, the deadline text, the colleges, one remedy's title and text, the changes since the night
// before, then per student college, class, 考生号, 学号, name, ID, phone and finding details.
//
// Invariants: the message is ASCII with CRLF line ends only, every line within 998 octets (RFC 5322) and every line
// holding an encoded-word within 76; the header section is printable ASCII, its fields exactly the composer's in its
// order (no fuzz text starts a header line), each continuation line starts with a space; From, To and Reply-To decode
// to the cleaned name and the checked address, the Subject to the cleaned subject, encoded-words at most 75
// characters; Date is the as-of day's; the MIME tree is multipart/mixed holding a multipart/alternative (text/plain,
// text/html) and, when the list has students, a workbook and a CSV, no boundary inside a part; the attachment names
// (quoted encoded-words and RFC 2231) decode to the composer's file name; every base64 part decodes to the intended
// bytes (text with bidi controls marked, HTML, CSV, a workbook whose bytes are a ZIP); the text part has CRLF line
// ends, no control characters and no line separators; the HTML part has no control but CRLF and only the template's
// tags, one card per student; the CSV parses back to one record per student of 14 cells; a real ID and mobile given
// as a student's own are not in any part unless some unmasked text holds them; composing twice gives the same bytes.
import Foundation

private let requiredIDs = RemedyCatalog.requiredIDs

// MARK: Reading the message

private func ascii(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }

/// Whether `needle` occurs in `haystack`, by bytes (a String search compares Characters and misses a match that a
/// combining mark follows).
private func holds(_ haystack: String, _ needle: String) -> Bool {
    let n = Array(needle.utf8)
    guard !n.isEmpty else { return true }
    var haystack = haystack
    haystack.makeContiguousUTF8()
    return haystack.utf8.withContiguousStorageIfAvailable { h in
        guard h.count >= n.count else { return false }
        for i in 0...(h.count - n.count) where h[i] == n[0] {
            var k = 1
            while k < n.count, h[i + k] == n[k] { k += 1 }
            if k == n.count { return true }
        }
        return false
    }!
}

/// The lines of `bytes`, which must be CRLF-terminated with no bare CR or LF.
private func crlfLines(_ bytes: [UInt8], _ what: String) -> [ArraySlice<UInt8>] {
    invariant(bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D && bytes[bytes.count - 1] == 0x0A, "\(what) does not end in CRLF")
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var i = 0
    while i < bytes.count {  // (plain tests first: an invariant per byte made this loop a fifth of the target's time)
        if bytes[i] == 0x0D {
            if !(i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
                invariant(false, "\(what): a bare CR at byte \(i): \(String(decoding: bytes[max(0, i - 80)..<min(bytes.count, i + 40)], as: UTF8.self).debugDescription)")
            }
            lines.append(bytes[start..<i])
            i += 2
            start = i
            continue
        }
        if bytes[i] == 0x0A {
            invariant(false, "\(what): a bare LF at byte \(i): \(String(decoding: bytes[max(0, i - 80)..<min(bytes.count, i + 40)], as: UTF8.self).debugDescription)")
        }
        i += 1
    }
    return lines
}

/// Header fields of `lines` (up to the first empty line) unfolded: names and values (CRLF removed, the folding space kept).
private func headerFields(_ lines: [ArraySlice<UInt8>], _ what: String) -> (fields: [(name: String, value: String)], rest: Int) {
    var fields: [(name: String, value: String)] = []
    var i = 0
    while i < lines.count, !lines[i].isEmpty {
        let line = lines[i]
        invariant(line.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(what): a header line that is not printable ASCII: \(ascii(line).debugDescription)")
        if line.first == 0x20 || line.first == 0x09 {
            invariant(!fields.isEmpty, "\(what): a continuation line before any field")
            fields[fields.count - 1].value += ascii(line)
        } else {
            guard let colon = line.firstIndex(of: 0x3A) else { invariant(false, "\(what): a header line without a colon: \(ascii(line).debugDescription)"); break }
            let name = ascii(line[line.startIndex..<colon])
            invariant(name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "\(what): a bad field name \(name.debugDescription)")
            var value = line[(colon + 1)...]
            if value.first == 0x20 { value = value.dropFirst() }
            fields.append((name, ascii(value)))
        }
        i += 1
    }
    invariant(i < lines.count, "\(what): no empty line after the header section")
    return (fields, i + 1)
}

/// The bytes of `=?UTF-8?B?…?=` words separated by single spaces (white space between encoded-words is not text); nil
/// when a token is not such a word or is longer than 75 characters.
private func decodeWords(_ phrase: String) -> [UInt8]? {
    var out: [UInt8] = []
    for w in phrase.split(separator: " ", omittingEmptySubsequences: false) {
        guard w.hasPrefix("=?UTF-8?B?"), w.hasSuffix("?="), w.utf8.count <= 75, w.utf8.count >= 12 else { return nil }
        let payload = String(w.dropFirst(10).dropLast(2))
        if payload.isEmpty { continue }
        guard let d = Data(base64Encoded: payload) else { return nil }
        out += d
    }
    return out
}

/// A phrase as a reader decodes it: encoded-words when it holds `=?`, else the text as it stands.
private func phraseText(_ phrase: String) -> [UInt8]? {
    phrase.contains("=?") ? decodeWords(phrase) : Array(phrase.utf8)
}

private func checkMailbox(_ value: String?, _ address: MailAddress, _ what: String) {
    guard let value else { invariant(false, "\(what) is missing"); return }
    let angle = "<\(address.address)>"
    invariant(value.hasSuffix(angle), "\(what) does not end with the address: \(value.debugDescription)")
    let phrase = String(value.utf8.dropLast(angle.utf8.count))!
    if address.name.isEmpty {
        invariant(phrase.isEmpty, "\(what) has a name where none was given: \(value.debugDescription)")
        return
    }
    invariant(phrase.hasSuffix(" "), "\(what): no space before the address")
    let name = String(phrase.utf8.dropLast())!
    invariant(!name.contains("<") && !name.contains(">") && !name.contains(",") && !name.contains("\""),
              "\(what): a name that is not one phrase: \(value.debugDescription)")
    invariant(phraseText(name) == Array(address.name.utf8), "\(what) does not decode to the cleaned name: \(value.debugDescription)")
}

/// `name="…"` in an unfolded parameter list, decoded.
private func parameter(_ value: String, _ name: String) -> [UInt8]? {
    guard let r = value.range(of: " \(name)=\"") else { return nil }
    let rest = value[r.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return phraseText(String(rest[..<end]))
}

private func percentDecoded(_ s: Substring) -> [UInt8]? {
    let b = Array(s.utf8)
    var out: [UInt8] = []
    var i = 0
    while i < b.count {
        if b[i] == 0x25 {
            guard i + 2 < b.count, let v = UInt8(String(decoding: b[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(v)
            i += 3
        } else {
            out.append(b[i])
            i += 1
        }
    }
    return out
}

/// One leaf or multipart of the tree.
private indirect enum Part {
    case leaf(type: String, fields: [(name: String, value: String)], content: [UInt8])
    case multi(type: String, parts: [Part])
}

private func field(_ fields: [(name: String, value: String)], _ name: String) -> String? {
    let found = fields.filter { $0.name.lowercased() == name.lowercased() }
    invariant(found.count <= 1, "the field \(name) is given \(found.count) times")
    return found.first?.value
}

/// Parses the body `lines` of an entity whose fields are `fields`.
private func parseEntity(_ fields: [(name: String, value: String)], _ lines: ArraySlice<ArraySlice<UInt8>>, depth: Int) -> Part {
    let type = field(fields, "Content-Type") ?? "text/plain"
    let mediaType = String(type.prefix { $0 != ";" }).lowercased()
    guard mediaType.hasPrefix("multipart/") else {
        invariant(field(fields, "Content-Transfer-Encoding") == "base64", "a \(mediaType) part is not base64")
        var b64: [UInt8] = []
        for line in lines {
            invariant(line.count <= 76, "a base64 line over 76 characters")
            b64 += line
        }
        let content: [UInt8]
        if b64.isEmpty { content = [] } else {
            guard let d = Data(base64Encoded: Data(b64)) else { invariant(false, "a \(mediaType) part is not base64"); return .leaf(type: mediaType, fields: fields, content: []) }
            content = Array(d)
        }
        return .leaf(type: mediaType, fields: fields, content: content)
    }
    invariant(depth < 2, "multipart nested too deep")
    guard let r = type.range(of: "boundary=\"") else { invariant(false, "a multipart without a boundary"); return .multi(type: mediaType, parts: []) }
    let boundary = String(type[r.upperBound...].prefix { $0 != "\"" })
    invariant(!boundary.isEmpty && boundary.utf8.count <= 70, "a bad boundary \(boundary.debugDescription)")
    let open = Array("--\(boundary)".utf8), close = Array("--\(boundary)--".utf8)
    var delimiters: [Int] = []
    var closing: Int?
    for i in lines.indices {
        let line = lines[i]
        if line.elementsEqual(open) {
            invariant(closing == nil, "a part after the closing boundary")
            delimiters.append(i)
        } else if line.elementsEqual(close) {
            invariant(closing == nil, "two closing boundaries")
            closing = i
        } else {
            // No other line holds the boundary: it could end a part early.
            invariant(!holds(ascii(line), boundary), "the boundary inside a part")
        }
    }
    guard let closing, !delimiters.isEmpty else { invariant(false, "a multipart without parts or its closing boundary"); return .multi(type: mediaType, parts: []) }
    var parts: [Part] = []
    for (k, d) in delimiters.enumerated() {
        let end = k + 1 < delimiters.count ? delimiters[k + 1] : closing
        var body = Array(lines[(d + 1)..<end])
        // The CRLF before a delimiter belongs to the delimiter: the composer writes an empty line there.
        if end != d + 1, body.last?.isEmpty == true { body.removeLast() }
        let (partFields, rest) = headerFields(body, "a part's header")
        parts.append(parseEntity(partFields, body[rest...], depth: depth + 1))
    }
    return .multi(type: mediaType, parts: parts)
}

// MARK: Building the inputs

private struct Fields {
    var list: [String]
    var next = 0
    mutating func take() -> String {
        defer { next += 1 }
        return next < list.count ? list[next] : ""
    }
    mutating func takeList() -> [String] {
        let s = take()
        return s.isEmpty ? [] : s.split(separator: "\u{2}", omittingEmptySubsequences: false).map(String.init)
    }
}

private let plantedID = "110105199001010021", plantedPhone = "13800138000"

private func day(_ n: Int) -> String { EventTime.day(daysSince1970: n) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompose(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let flags = input.byte()
    let hasReplyTo = flags & 1 != 0, hasChanges = flags & 2 != 0, hasDeadline = flags & 4 != 0, hasDeadlineText = flags & 8 != 0
    let rowCount = Int(flags >> 4 & 3), planted = flags & 0x40 != 0, twice = flags & 0x80 != 0
    // The as-of day: mail refuses anything but a real YYYY-MM-DD (CounselorMailer), so the fuzz picks one: 1900 to 2079.
    let dayIndex = Int(input.byte()) << 8 | Int(input.byte())
    var asOf = day(-25567 + dayIndex)
    if EventTime.dayNumber(asOf) == nil { asOf = "2026-11-29" }
    let deadline = hasDeadline ? day(EventTime.dayNumber(asOf)! + Int(Int8(bitPattern: input.byte()))) : nil
    let remedyIndex = Int(input.byte()) % requiredIDs.count
    let extraAdded = Int(input.byte() % 4), extraRemoved = Int(input.byte() % 4)

    struct RowChoice { var state: CheckState; var days: Int; var findings: [(FindingCode, FindingChange, [String])] }
    var choices: [RowChoice] = []
    for _ in 0..<rowCount {
        let state = CheckState.allCases[Int(input.byte()) % CheckState.allCases.count]
        let daysByte = input.byte()
        let days = daysByte < 0xF0 ? Int(daysByte) : Int(daysByte - 0xF0) * 100_000  // a few huge counts too
        var findings: [(FindingCode, FindingChange, [String])] = []
        for _ in 0..<Int(input.byte() % 4) {
            let code = FindingCode.allCases[Int(input.byte()) % FindingCode.allCases.count]
            let change: FindingChange = input.byte() & 1 == 0 ? .new : .persisting
            let mask = Int(input.byte()) | Int(input.byte()) << 8
            var ids = requiredIDs.indices.filter { mask >> $0 & 1 != 0 }.map { requiredIDs[$0] }
            if mask & 0x8000 != 0 { ids.append("NO-SUCH-ID") }
            if mask & 0x4000 != 0 { ids.reverse() }
            findings.append((code, change, ids))
        }
        choices.append(RowChoice(state: state, days: days, findings: findings))
    }

    let text = String(decoding: input.rest, as: UTF8.self)
    var f = Fields(list: text.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init))
    let counselor = f.take(), toAddress = f.take(), fromName = f.take(), fromAddress = f.take(), replyAddress = f.take()
    let deadlineText = f.take(), colleges = f.takeList(), remedyTitle = f.take(), remedyText = f.take()
    let since = f.take(), added = f.takeList(), removed = f.takeList()

    // The catalog: every id, one of them with the fuzz's title and text (a school may replace the file).
    var remedies = requiredIDs.map { Remedy(id: $0, faq: nil, title: "标题\($0)", text: "处理\($0)") }
    remedies[remedyIndex].title = remedyTitle
    if !remedyText.isEmpty { remedies[remedyIndex].text = remedyText }
    struct File: Encodable { var remedies: [Remedy] }
    let catalog = try! RemedyCatalog(json: try! JSONEncoder().encode(File(remedies: remedies)), source: "fuzz.json")

    var rows: [FollowupRow] = []
    var unmasked: [String] = [counselor, fromName, deadlineText, remedyTitle, remedyText, since] + colleges + added + removed
    for choice in choices {
        let college = f.take(), className = f.take(), ksh = f.take(), xh = f.take(), name = f.take()
        var id = f.take(), phone = f.take()
        if planted { id = plantedID; phone = plantedPhone }
        let details = f.takeList()
        var findings: [FindingLine] = []
        for (k, (code, change, ids)) in choice.findings.enumerated() {
            findings.append(FindingLine(code: code, detail: k < details.count ? details[k] : "", remedies: ids, change: change))
        }
        unmasked += [college, className, ksh, xh, name]
        rows.append(FollowupRow(college: college, className: className, counselor: counselor, counselorEmail: toAddress, ksh: ksh, xh: xh,
                                name: name, idNumber: id, phone: phone, state: choice.state, daysOutstanding: choice.days, findings: findings))
    }
    let list = CounselorList(counselor: counselor, email: toAddress, colleges: colleges, rows: rows)

    var changes: CounselorListChanges?
    if hasChanges {
        var c = CounselorListChanges(since: since)
        c.added = added
        c.addedCount = added.count + extraAdded
        c.removed = removed.map { item in
            let pair = item.split(separator: "\u{3}", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(pair[0]), why: pair.count > 1 ? String(pair[1]) : "")
        }
        c.removedCount = c.removed.count + extraRemoved
        changes = c
    }

    let to = (try? MailAddress(address: toAddress, name: counselor)) ?? (try! MailAddress(address: "fdy0001@example.edu.cn", name: counselor))
    let from = (try? MailAddress(address: fromAddress, name: fromName)) ?? (try! MailAddress(address: "xueji@example.edu.cn", name: fromName))
    let replyTo = hasReplyTo ? ((try? MailAddress(address: replyAddress)) ?? (try! MailAddress(address: "office@example.edu.cn"))) : nil
    let composer = MessageComposer(from: from, replyTo: replyTo, catalog: catalog, asOf: asOf, deadline: deadline,
                                   deadlineText: hasDeadlineText ? deadlineText : nil)

    let message: ComposedMessage
    do { message = try composer.compose(list, to: to, changes: changes) } catch {
        invariant(false, "compose threw: \(error)")
        return 0
    }
    if twice {
        invariant((try? composer.compose(list, to: to, changes: changes))?.bytes == message.bytes, "composing twice gave other bytes")
    }
    invariant(message.to == to && message.from == from, "the envelope is not the mailboxes given")

    // The whole message: ASCII, CRLF only, lines within 998 octets.
    let bytes = message.bytes
    invariant(bytes.allSatisfy { $0 < 0x80 }, "the message is not ASCII")
    let lines = crlfLines(bytes, "the message")
    for line in lines {
        invariant(line.count <= 998, "a line of \(line.count) octets (RFC 5322: at most 998): \(ascii(line.prefix(120)).debugDescription)…")
    }
    // Encoded-words in the message's own header are folded at 76 (a file name parameter keeps its words on one line).
    for line in lines.prefix(while: { !$0.isEmpty }) where holds(ascii(line), "=?") {
        invariant(line.count <= MIMEEncoding.maxLine, "a header line with encoded-words over 76 characters: \(ascii(line).debugDescription)")
    }

    // The header section: exactly the composer's fields, in order.
    let (fields, bodyStart) = headerFields(lines, "the message header")
    var expected = ["From", "To"]
    if replyTo != nil { expected.append("Reply-To") }
    expected += ["Subject", "Date", "Message-ID", "MIME-Version", "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type"]
    invariant(fields.map(\.name) == expected, "header fields \(fields.map(\.name)) (a header injected or lost)")
    checkMailbox(field(fields, "From"), from, "From")
    checkMailbox(field(fields, "To"), to, "To")
    if let replyTo { checkMailbox(field(fields, "Reply-To"), replyTo, "Reply-To") }
    let subject = MailAddress.cleanName(composer.subject(for: list))
    invariant(phraseText(field(fields, "Subject") ?? "") == Array(subject.utf8), "the Subject does not decode to \(subject.debugDescription)")
    invariant(field(fields, "Date") == MessageDate.header(asOf: asOf), "the Date is not the as-of day's")
    invariant(field(fields, "Message-ID") == "<\(message.messageID)>", "the Message-ID field is not the message's")

    // The MIME tree and every part's content.
    let tree = parseEntity(fields, lines[bodyStart...], depth: 0)
    guard case .multi("multipart/mixed", let top) = tree else { invariant(false, "not multipart/mixed"); return 0 }
    invariant(top.count == (rows.isEmpty ? 1 : 3), "\(top.count) parts in multipart/mixed for \(rows.count) students")
    guard case .multi("multipart/alternative", let alternatives) = top[0], alternatives.count == 2,
          case .leaf("text/plain", _, let plain) = alternatives[0], case .leaf("text/html", _, let htmlBytes) = alternatives[1] else {
        invariant(false, "the first part is not multipart/alternative of text/plain and text/html")
        return 0
    }
    let cells = composer.cells(for: list)
    let shown = Array(cells.prefix(CounselorMailBody.rowsShown))
    let body = CounselorMailBody(counselorName: to.name, asOf: asOf, deadline: deadline, deadlineText: hasDeadlineText ? deadlineText : nil,
                                 rows: shown, total: rows.count, changes: changes,
                                 disputed: rows.filter { $0.state == .disputed }.count)
    invariant(plain == Array(CSVText.markingBidiControls(body.text).utf8), "the text part does not decode to the body's text")
    invariant(htmlBytes == Array(body.html.utf8), "the HTML part does not decode to the body's HTML")

    // The text part: CRLF lines, no control character, no line separator, no bidi control.
    let plainLines = crlfLines(plain, "the text part")
    for line in plainLines {
        for u in ascii(line).unicodeScalars
        where Text.isC0C1Control(u.value) || Text.isBidiControl(u.value) || u.value == 0x2028 || u.value == 0x2029 {
            invariant(false, "the text part holds U+\(String(u.value, radix: 16, uppercase: true)) in \(ascii(line).debugDescription)")
        }
    }
    // The HTML part: CRLF lines, no control character, only the template's tags, one card per student shown.
    let htmlLines = crlfLines(htmlBytes, "the HTML part")
    let tags: Set<String> = ["!DOCTYPE", "html", "/html", "head", "/head", "meta", "title", "/title", "body", "/body", "div", "/div", "p", "/p",
                             "span", "/span", "br"]
    for line in htmlLines {
        let s = ascii(line)
        for u in s.unicodeScalars where Text.isC0C1Control(u.value) || Text.isBidiControl(u.value) {
            invariant(false, "the HTML part holds a control U+\(String(u.value, radix: 16))")
        }
        for piece in line.split(separator: 0x3C, omittingEmptySubsequences: false).dropFirst() {
            let name = ascii(piece.prefix { $0 != 0x20 && $0 != 0x3E })
            invariant(tags.contains(name), "a tag <\(name)> the template does not write: \(s.debugDescription)")
        }
    }
    let cards = String(decoding: htmlBytes, as: UTF8.self).components(separatedBy: "<div style=\"border:1px solid #ddd").count - 1
    invariant(cards == shown.count, "\(cards) cards for \(shown.count) students")

    // The attachments.
    let baseName = composer.attachmentName(for: list)
    if !rows.isEmpty {
        for (k, (type, ext)) in [("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"), ("text/csv", ".csv")].enumerated() {
            guard case .leaf(type, let partFields, let content) = top[k + 1] else { invariant(false, "attachment \(k + 1) is not \(type)"); return 0 }
            let name = Array((baseName + ext).utf8)
            invariant(parameter(field(partFields, "Content-Type") ?? "", "name") == name, "the \(ext) name= does not decode to the file name")
            let disposition = field(partFields, "Content-Disposition") ?? ""
            invariant(disposition.hasPrefix("attachment;"), "not an attachment")
            invariant(parameter(disposition, "filename") == name, "the \(ext) filename= does not decode to the file name")
            if let r = disposition.range(of: " filename*=UTF-8''") {
                invariant(percentDecoded(disposition[r.upperBound...].prefix { $0 != ";" && $0 != " " }) == name, "filename* does not decode to the file name")
            } else { invariant(false, "no filename*") }
            if ext == ".csv" {
                invariant(content == Array(MessageComposer.csv(cells).utf8), "the CSV part does not decode to the list's CSV")
                var parser = RecordParser(delimiter: 0x2C)
                var records: [[String]] = []
                try! parser.feed(content) { records.append($0.cells) }
                let open = try! parser.finish { records.append($0.cells) }
                invariant(open == nil, "the CSV leaves a quote open")
                invariant(records.count == rows.count + 1 && records.allSatisfy { $0.count == FollowupTable.header.count },
                          "the CSV does not parse back to \(rows.count + 1) records of \(FollowupTable.header.count) cells")
            } else {
                invariant(content.starts(with: [0x50, 0x4B, 0x03, 0x04]) && content.count > 22
                          && content[(content.count - 22)...].starts(with: [0x50, 0x4B, 0x05, 0x06]), "the workbook is not a ZIP")
            }
        }
    }

    // Privacy: a student's own real ID and mobile are masked in every part, details included.
    if planted, !rows.isEmpty {
        let anywhere = unmasked.contains { holds($0, plantedID) || holds($0, plantedPhone) }
        if !anywhere {
            let csv = Array(MessageComposer.csv(cells).utf8)
            for (what, part) in [("text", plain), ("HTML", htmlBytes), ("CSV", csv)] {
                let s = String(decoding: part, as: UTF8.self)
                invariant(!holds(s, plantedID) && !holds(s, plantedPhone), "the \(what) part shows the student's ID or mobile")
            }
        }
    }
    return 0
}
