/// Builds one counselor's message (RFC 5322 + MIME): multipart/mixed holding a multipart/alternative
/// (text/plain, text/html) and the list as two attachments: a workbook for Excel and WPS (考生号, 学号, 班级 as text:
/// Excel shows a CSV's 14-digit 考生号 as 2.64201E+13, drops a 学号's leading zeros and makes 班级 1-2 a date) and the
/// same list as CSV. Pure: the same inputs give the same bytes.
struct MessageComposer {
    var from: MailAddress
    var replyTo: MailAddress?
    var catalog: RemedyCatalog
    /// `YYYY-MM-DD`.
    var asOf: String
    var deadline: String?
    var deadlineText: String?

    /// `【学籍自查】2026-11-29 待跟进学生 12 人（计算机学院）`.
    func subject(for list: CounselorList) -> String {
        if list.rows.isEmpty { return "【学籍自查】\(asOf) 您名下已无待跟进学生" }  // a closing message
        var colleges: [String] = []
        for college in list.colleges.map(MailAddress.cleanName) where !college.isEmpty && !colleges.contains(college) {
            colleges.append(college)
        }
        let scope: String
        switch colleges.count {
        case 0: scope = ""
        case 1...2: scope = "（\(colleges.joined(separator: "、"))）"
        default: scope = "（\(colleges[0])等 \(colleges.count) 个学院）"
        }
        return "【学籍自查】\(asOf) 待跟进学生 \(list.rows.count) 人\(scope)"
    }

    /// `学籍自查待跟进_2026-11-29_张老师`: no path separators, quotes or controls; `.xlsx` and `.csv` follow.
    func attachmentName(for list: CounselorList) -> String {
        let name = String(MailAddress.cleanName(list.counselor).map { "/\\:*?\"<>|".contains($0) ? "_" : $0 })
        // At most 40 characters and 160 bytes (40 of the longest): a character may carry any number of combining marks,
        // and the name's encoded-words stay on one line (a name of 40 marked letters made a `name=` line of 4,000
        // octets, past RFC 5322's 998; found by an input written for the compose fuzz target).
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in String(name.prefix(40)).unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > 160 { break }
            kept.append(scalar)
        }
        let who = kept.isEmpty ? "" : "_" + String(kept)
        return "学籍自查待跟进_\(asOf)\(who)"
    }

    /// The list's rows as the attachments and the body show them (`FollowupTable.cells`, masked).
    func cells(for list: CounselorList) -> [[String]] {
        list.rows.map { FollowupTable.cells($0, catalog: catalog, masked: true) }
    }

    /// The CSV attachment's text: BOM, header, one CRLF line per row of cells (`FollowupTable.cells`, masked).
    static func csv(_ rows: [[String]]) -> String {
        var text = CSVText.bom + CSVText.line(FollowupTable.header)
        for cells in rows { text += CSVText.line(cells) }
        return text
    }

    /// The whole message for `to`.
    /// `changes`: how the list differs from the counselor's list of the night before, said at the top of the body.
    func compose(_ list: CounselorList, to: MailAddress, changes: CounselorListChanges? = nil) throws -> ComposedMessage {
        let subject = subject(for: list)
        let baseName = attachmentName(for: list)
        let fileName = baseName + ".csv", workbookName = baseName + ".xlsx"
        let rows = cells(for: list)
        let body = CounselorMailBody(counselorName: to.name, asOf: asOf, deadline: deadline,
                                     deadlineText: deadlineText, rows: Array(rows.prefix(CounselorMailBody.rowsShown)), total: list.rows.count,
                                     changes: changes, disputed: list.rows.reduce(0) { $0 + ($1.state == .disputed ? 1 : 0) })
        let textPart = MIMEEncoding.base64Lines(Array(CSVText.markingBidiControls(body.text).utf8))  // as the CSV and HTML parts show them
        let htmlPart = MIMEEncoding.base64Lines(Array(body.html.utf8))
        let workbookPart = MIMEEncoding.base64Lines(try FollowupWorkbook.bytes(rows, asOf: asOf))
        let csvPart = MIMEEncoding.base64Lines(Array(Self.csv(rows).utf8))

        // Everything the reader sees feeds the hash: the same night and list give the same ID and boundaries.
        let fingerprint = SHA256.hex(Array("\(asOf)\n\(to.ledgerKey)\n\(to.name)\n\(from.address)\n\(subject)\n\(fileName)\n".utf8)
                                     + Array(textPart.utf8) + Array(htmlPart.utf8) + Array(workbookPart.utf8) + Array(csvPart.utf8))
        let messageID = "zicha.\(asOf).\(fingerprint.prefix(32))@\(from.domain)"
        let mixed = "=_zicha_mixed_\(fingerprint.prefix(16))"
        let alternative = "=_zicha_alt_\(fingerprint.prefix(16))"

        var m = MIMEEncoding.mailbox("From", from)
        m += MIMEEncoding.mailbox("To", to)
        if let replyTo { m += MIMEEncoding.mailbox("Reply-To", replyTo) }
        m += MIMEEncoding.unstructured("Subject", subject)
        m += "Date: \(MessageDate.header(asOf: asOf) ?? asOf)\r\n"
        m += "Message-ID: <\(messageID)>\r\n"
        m += "MIME-Version: 1.0\r\n"
        m += "Auto-Submitted: auto-generated\r\n"
        m += "X-Auto-Response-Suppress: All\r\n"
        m += "Content-Type: multipart/mixed;\r\n boundary=\"\(mixed)\"\r\n"
        m += "\r\n"
        m += "This is a multi-part message in MIME format.\r\n"
        m += "\r\n--\(mixed)\r\n"
        m += "Content-Type: multipart/alternative;\r\n boundary=\"\(alternative)\"\r\n"
        m += "\r\n"
        m += "--\(alternative)\r\n"
        m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        m += textPart
        m += "\r\n--\(alternative)\r\n"
        m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        m += htmlPart
        m += "\r\n--\(alternative)--\r\n"
        if !list.rows.isEmpty {  // a closing message (nobody left to chase) has no list to attach
            m += Self.attachment(workbookName, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base64: workbookPart,
                                 boundary: mixed)
            m += Self.attachment(fileName, type: "text/csv; charset=utf-8", base64: csvPart, boundary: mixed)
        }
        m += "\r\n--\(mixed)--\r\n"
        return ComposedMessage(from: from, to: to, messageID: messageID, bytes: Array(m.utf8))
    }

    /// One attachment part of the multipart/mixed body, after its boundary: the file name quoted and RFC 2231-encoded.
    private static func attachment(_ name: String, type: String, base64 part: String, boundary: String) -> String {
        let quoted = MIMEEncoding.quotedEncodedParameter(name)
        return "\r\n--\(boundary)\r\n"
            + "Content-Type: \(type);\r\n name=\(quoted)\r\n"
            + "Content-Disposition: attachment;\r\n filename=\(quoted);\r\n filename*=\(MIMEEncoding.extendedValue(name))\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + part
    }
}
