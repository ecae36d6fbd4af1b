import Foundation

/// One counselor's files, `<name>.csv` and `<name>.html`, written student by student.
/// Masked (counselor-facing) unless `masked` is false (the office's copies).
final class CounselorListFiles {
    let counselor: String
    let email: String
    let fileName: String
    private let masked: Bool
    private let catalog: RemedyCatalog
    private let csv: ReportFile
    private let html: ReportFile
    private(set) var students = 0

    static let cellLimit = 2_000

    /// The two files.
    var urls: [URL] { [csv.url, html.url] }

    init(counselor: String, email: String, fileName: String, in folder: URL, summary: NightSummary,
         catalog: RemedyCatalog, masked: Bool) throws {
        self.counselor = counselor
        self.email = email
        self.fileName = fileName
        self.masked = masked
        self.catalog = catalog
        csv = try ReportFile(fileName + ".csv", in: folder)
        html = try ReportFile(fileName + ".html", in: folder)
        try csv.write(CSVText.bom + CSVText.line(FollowupTable.header))
        var head = HTML.head(title: "学籍自查待跟进名单 \(counselor) \(summary.asOf)")
        head += "<header>\n<h1>学籍自查待跟进名单</h1>\n<p>辅导员：<b>\(HTML.escape(counselor))</b>"
        if !email.isEmpty { head += "（\(HTML.escape(email))）" }
        head += "<br>数据截至 <b>\(HTML.escape(summary.asOf))</b>"
        if let d = summary.deadline {
            head += "，截止日期 <b>\(HTML.escape(d))</b>"
            if let left = ReportFormat.days(from: summary.asOf, to: d), left >= 0 {
                head += left == 0 ? "（今天截止）" : "（还剩 \(left) 天）"
            }
        }
        head += "</p>\n<p class=\"note\">以下学生尚未完成学籍自查或自查遇到问题，请逐一联系，按“怎么办”一栏指导学生处理。"
        head += masked ? "身份证号、手机号已部分隐藏。" : "本文件含完整身份证号和手机号，仅供学籍科使用。"
        head += "</p>\n</header>\n"
        try html.write(head)
    }

    /// Adds one student to both files.
    func append(_ row: FollowupRow) throws {
        students += 1
        let cells = FollowupTable.cells(row, catalog: catalog, masked: masked)
        try csv.writeCSV(cells)
        let limit = Self.cellLimit, full = fileName + ".csv"
        var s = "<article class=\"student\">\n<h3>\(students). \(HTML.escape(row.name, limit: limit, fullIn: full))"
        s += " <span class=\"state-\(row.state.rawValue)\">\(HTML.escape(row.state.title))</span></h3>\n<dl>\n"
        let fields: [(String, String)] = [
            ("学院班级", [row.college, row.className].filter { !$0.isEmpty }.joined(separator: " ")),
            ("考生号", row.ksh), ("学号", row.xh),
            ("身份证号", masked ? Masking.id(row.idNumber) : row.idNumber),
            ("手机号", masked ? Masking.phone(row.phone) : row.phone),
            ("未查天数", row.state == .checked ? "" : String(row.daysOutstanding)),
        ]
        for (label, value) in fields where !value.isEmpty {
            s += "<dt>\(HTML.escape(label))</dt><dd>\(HTML.escape(value, limit: limit, fullIn: full))</dd>\n"
        }
        s += "</dl>\n<p><b>问题</b></p>\n<ol>\n"
        for f in row.findings {
            let detail = masked ? Masking.text(f.detail) : f.detail
            s += "<li>\(HTML.escape(f.code.title))"
            if !detail.isEmpty { s += "（\(HTML.escape(detail, limit: limit, fullIn: full))）" }
            if f.change == .new { s += " <span class=\"new\">新增</span>" }
            s += "</li>\n"
        }
        s += "</ol>\n<p><b>怎么办</b></p>\n<ol>\n"
        var ids: [String] = []
        for f in row.findings { for id in f.remedies where !ids.contains(id) { ids.append(id) } }
        for id in ids { if let item = catalog.htmlItem[id] { s += item } }
        s += "</ol>\n</article>\n"
        try html.write(s)
    }

    /// Finishes both files.
    func close() throws {
        try csv.close()
        try html.write(HTML.tail(footer: "共 \(students) 名学生。此名单由学籍科通过 zicha 生成，同一名单的 CSV 文件可用 Excel 或 WPS 打开。"))
        try html.close()
    }
}
