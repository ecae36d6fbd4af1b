import Foundation

/// The plain-text and HTML bodies of a counselor's message. Values come from
/// `FollowupTable.cells(masked: true)`, so IDs and phones are masked; HTML escapes every value
/// and styles inline only (mail clients drop `<style>`).
struct CounselorMailBody {
    var counselorName: String
    var asOf: String
    var deadline: String?
    var deadlineText: String?
    /// Masked follow-up cells, one array per student shown (see `FollowupTable.header`): the first `rowsShown`.
    var rows: [[String]]
    /// Students in the list (the attachment holds them all).
    var total: Int
    /// How the list differs from the counselor's list of the night before (nil on a first night).
    var changes: CounselorListChanges? = nil
    /// Students of the list whose state is 有异议 (they checked and said their record is wrong: the office's to settle).
    var disputed = 0

    /// Students listed in the body at most: a list of thousands (a college mapped to one counselor) is read in the
    /// attachment, and three full copies of it — text, HTML and CSV — would make a message no server takes.
    static let rowsShown = 500

    private var greeting: String {
        if counselorName.isEmpty { return "老师：您好！" }
        return counselorName.hasSuffix("老师") ? "\(counselorName)：您好！" : "\(counselorName)老师：您好！"
    }

    private var introduction: String {
        if total == 0 { return "截至 \(asOf)，您负责的学生中已没有需要跟进学籍自查的学生。" }
        let list = total > rows.count
            ? "正文列出前 \(rows.count) 人，完整名单见附件的 Excel 文件（.xlsx）或 CSV 文件。"
            : "名单如下，附件是同一名单的 Excel 文件（.xlsx）和 CSV 文件。"
        let among = disputed > 0 ? "（其中 \(disputed) 人对学籍信息有异议，由学籍科核实处理）" : ""
        return "截至 \(asOf)，您负责的学生中有 \(total) 人尚未完成学籍自查\(among)，\(list)身份证号和手机号已部分隐藏。"
    }

    private var deadlineLine: String? {
        guard let deadline, !deadline.isEmpty else { return nil }
        guard let left = EventTime.daysBetween(asOf, deadline) else { return "自查截止日期：\(deadline)。" }
        // As summary.html says it: on the last day students can still act, and "0 days left" reads as over.
        let words = left > 0 ? "还剩 \(left) 天" : left == 0 ? "今天截止" : "已过截止日期 \(-left) 天"
        return "自查截止日期：\(deadline)（\(words)）。"
    }

    /// `与 11-24 的名单相比：新列入 2 人（周杰、吴思远）；不再列出 1 人：孙浩（已完成自查）。`
    private var changesLine: String? {
        guard let changes else { return nil }
        let day = changes.since
        guard changes.addedCount > 0 || changes.removedCount > 0 else { return "与 \(day) 的名单相比，没有学生新列入或移出。" }
        func more(_ shown: Int, _ count: Int) -> String { count > shown ? " 等" : "" }
        var parts: [String] = []
        if changes.addedCount > 0 {
            parts.append("新列入 \(changes.addedCount) 人（\(changes.added.joined(separator: "、"))\(more(changes.added.count, changes.addedCount))）")
        }
        if changes.removedCount > 0 {
            let names = changes.removed.map { "\($0.name)（\($0.why)）" }.joined(separator: "、")
            parts.append("不再列出 \(changes.removedCount) 人：\(names)\(more(changes.removed.count, changes.removedCount))")
        }
        return "与 \(day) 的名单相比：" + parts.joined(separator: "；") + "。"
    }

    private var extraLines: [String] {
        (deadlineText ?? "").split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    }

    private static let footer = "此邮件由学籍自查系统自动发送，请督促学生尽快登录学信网完成自查。"
    private static let closingFooter = "此邮件由学籍自查系统自动发送；如再有学生需要跟进，系统会另行发送名单。"
    private var footer: String { total == 0 ? Self.closingFooter : Self.footer }

    /// The text/plain alternative.
    var text: String {
        var lines = [greeting, "", introduction]
        if let changesLine { lines.append(changesLine) }
        if let deadlineLine { lines.append(deadlineLine) }
        lines += extraLines
        lines.append("")
        for (index, cells) in rows.enumerated() {
            let days = cells[12].isEmpty || cells[12] == "0" ? cells[8] : "\(cells[8])，已 \(cells[12]) 天"
            let numbers = cells[4].isEmpty ? "考生号 \(cells[3])" : "考生号 \(cells[3])，学号 \(cells[4])"
            lines.append("\(index + 1). \(cells[1]) \(cells[5])（\(numbers)）— \(days)")
            let contact = Self.contact(cells)
            if !contact.isEmpty { lines.append("   " + contact) }
            lines.append("   问题：\(cells[9])")
            lines.append("   处理办法：")
            for remedy in cells[10].split(whereSeparator: \.isNewline) { lines.append("   \(remedy)") }
            lines.append("")
        }
        lines.append(footer)
        return lines.map(Self.oneLine).joined(separator: "\r\n") + "\r\n"
    }

    /// The text/html alternative: one card per student, as the text lists them, with inline styles (mail clients drop
    /// `<style>`) and every value escaped. Cards stack on a phone's narrow screen, where a table of eleven columns put
    /// the problem and its remedy off to the right; on a wide one they keep to a readable width.
    var html: String {
        let muted = "color:#555;font-size:13px"
        var out = "<!DOCTYPE html>\r\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>\(Self.escape("学籍自查待跟进学生 \(asOf)"))</title></head>\r\n"
        out += "<body style=\"margin:0;padding:12px;font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;color:#222;line-height:1.6\">\r\n"
        out += "<div style=\"max-width:760px\">\r\n"
        out += "<p style=\"margin:0 0 8px\">\(Self.escape(greeting))</p>\r\n"
        out += "<p style=\"margin:0 0 8px\">\(Self.escape(introduction))</p>\r\n"
        if let changesLine { out += "<p style=\"margin:0 0 8px\">\(Self.escape(changesLine))</p>\r\n" }
        if let deadlineLine { out += "<p style=\"margin:0 0 8px;font-weight:bold;color:#b00\">\(Self.escape(deadlineLine))</p>\r\n" }
        for line in extraLines { out += "<p style=\"margin:0 0 8px\">\(Self.escape(line))</p>\r\n" }
        for (index, cells) in rows.enumerated() {
            let state = cells[12].isEmpty || cells[12] == "0" ? cells[8] : "\(cells[8])，已 \(cells[12]) 天"
            let numbers = cells[4].isEmpty ? "考生号 \(cells[3])" : "考生号 \(cells[3])，学号 \(cells[4])"
            out += "<div style=\"border:1px solid #ddd;border-radius:6px;padding:8px 10px;margin:10px 0;overflow-wrap:anywhere;word-break:break-word\">\r\n"
            out += "<div style=\"font-weight:bold\">\(index + 1). \(Self.escape(cells[1])) \(Self.escape(cells[5]))"
                + " <span style=\"color:#b00;font-weight:normal\">\(Self.escape(state))</span></div>\r\n"
            let contact = Self.contact(cells)
            out += "<div style=\"\(muted)\">\(Self.escape(numbers))\(contact.isEmpty ? "" : "<br>" + Self.escape(contact))</div>\r\n"
            out += "<div style=\"margin-top:4px\"><span style=\"font-weight:bold\">问题：</span>\(Self.escape(cells[9]))</div>\r\n"
            out += "<div style=\"margin-top:4px\"><span style=\"font-weight:bold\">处理办法：</span><br>\(Self.escape(cells[10]))</div>\r\n"
            out += "</div>\r\n"
        }
        out += "<p style=\"margin:8px 0 0;color:#666;font-size:12px\">\(Self.escape(footer))</p>\r\n</div>\r\n</body></html>\r\n"
        return out
    }

    /// `身份证号 …，手机号 …`, leaving out a value the roster did not have.
    private static func contact(_ cells: [String]) -> String {
        [("身份证号", cells[6]), ("手机号", cells[7])].filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }.joined(separator: "，")
    }

    /// HTML text with `& < > " '` escaped (the reports' one escape function) and line breaks as `<br>`.
    static func escape(_ text: String) -> String {
        let escaped = HTML.escape(text)
        guard escaped.utf8.contains(0x0A) else { return escaped }
        // By bytes: Foundation's replacingOccurrences does not match a line break that a combining mark follows, and
        // left it as it was, a bare LF in the part (found by the compose fuzz target).
        var out: [UInt8] = []
        out.reserveCapacity(escaped.utf8.count + 16)
        for byte in escaped.utf8 {
            if byte == 0x0A { out += [0x3C, 0x62, 0x72, 0x3E] } else { out.append(byte) }  // <br>
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A value on one text line: line breaks and other controls become spaces.
    private static func oneLine(_ text: String) -> String {
        // Most values hold no control character and no line break: keep them as they are.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) { return text }
        // DEL and the C1 controls too (U+0080–009F; U+0085 is a line break): a roster's cell or a configured text
        // may hold them, and the HTML part shows them as marks (found by the compose fuzz target).
        return String(text.map { $0.isNewline || $0.unicodeScalars.contains { Text.isC0C1Control($0.value) } ? " " : $0 })
    }
}
