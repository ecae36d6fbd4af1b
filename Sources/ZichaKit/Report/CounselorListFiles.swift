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
    /// The CSV file named when a long value is cut in the HTML list.
    private let csvName: String

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
        csvName = fileName + ".csv"
        csv = try ReportFile(fileName + ".csv", in: folder)
        html = try ReportFile(fileName + ".html", in: folder)
        try csv.write(CSVText.bom + CSVText.line(FollowupTable.header))
        var head = HTML.head(title: "学籍自查待跟进名单 \(counselor) \(summary.asOf)", portrait: true)
        head += "<header>\n<h1>学籍自查待跟进名单</h1>\n<p>辅导员：<b>\(HTML.escape(counselor))</b>"
        if !email.isEmpty, email != counselor { head += "（\(HTML.escape(email))）" }
        head += "<br>数据截至 <b>\(HTML.escape(summary.asOf))</b>"
        if let d = summary.deadline {
            head += "，截止日期 <b>\(HTML.escape(d))</b>"
            if let left = EventTime.daysBetween(summary.asOf, d) {
                head += left > 0 ? "（还剩 \(left) 天）" : left == 0 ? "（今天截止）" : "（已过截止日期 \(-left) 天）"
            }
        }
        head += "</p>\n<p class=\"note\">以下学生尚未完成学籍自查或自查遇到问题，请逐一联系，按“处理办法”指导学生办理。"
        head += masked ? "身份证号、手机号已部分隐藏。" : "本文件含完整身份证号和手机号，仅供学籍科使用。"
        head += "</p>\n</header>\n"
        try html.write(head)
    }

    /// Adds one student to both files.
    func append(_ row: FollowupRow) throws {
        students += 1
        let row = masked ? row.maskedForCounselors : row  // masked once for both files
        let cells = FollowupTable.cells(row, catalog: catalog, masked: false)
        try csv.writeCSV(cells)
        let limit = Self.cellLimit, full = csvName, number = students, catalog = catalog
        // Built as bytes in the file's buffer: a String grown piece by piece cost twice the rest of the row.
        try html.write { b in
            b.text("<article class=\"student\">\n<h3>"); b.text(String(number)); b.text(". ")
            b.text(HTML.escape(row.name, limit: limit, fullIn: full))
            b.text(" <span class=\"state-"); b.text(row.state.rawValue); b.text("\">"); b.html(row.state.title)
            b.text("</span></h3>\n<dl>\n")
            func field(_ label: String, _ value: String) {
                guard !value.isEmpty else { return }
                b.text("<dt>"); b.text(label); b.text("</dt><dd>"); b.text(HTML.escape(value, limit: limit, fullIn: full)); b.text("</dd>\n")
            }
            field("学院班级", row.college.isEmpty || row.className.isEmpty ? row.college + row.className : row.college + " " + row.className)
            field("考生号", row.ksh)
            field("学号", row.xh)
            field("身份证号", row.idNumber)
            field("手机号", row.phone)
            if row.state != .checked { field("未查天数", String(row.daysOutstanding)) }
            b.text("</dl>\n<p><b>问题</b></p>\n<ol>\n")
            for f in row.findings {
                b.text("<li>"); b.html(f.title)
                if !f.detail.isEmpty { b.text("（"); b.text(HTML.escape(f.detail, limit: limit, fullIn: full)); b.text("）") }
                if f.change == .new { b.text(" <span class=\"new\">新增</span>") }
                b.text("</li>\n")
            }
            if row.isUncheckedWithoutReason { b.text("<li>"); b.html(FollowupRow.unexplained.problem); b.text("</li>\n") }
            b.text("</ol>\n<p><b>处理办法</b></p>\n<ol>\n")
            for id in row.remedyIDs { if let item = catalog.htmlItem[id] { b.text(item) } }
            b.text("</ol>\n</article>\n")
        }
    }

    /// Finishes both files.
    func close() throws {
        try csv.close()
        try html.write(HTML.tail(footer: "共 \(students) 名学生。此名单由学籍科通过 zicha 生成，同一名单的 CSV 文件可用 Excel 或 WPS 打开。"))
        try html.close()
    }
}
