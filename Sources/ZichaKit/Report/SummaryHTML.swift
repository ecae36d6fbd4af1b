import Foundation

/// One counselor's list as written tonight, for the summary's table of counselors.
struct CounselorListing {
    var counselor: String
    var email: String
    var students: Int
    /// The base file name inside `counselors/`.
    var fileName: String
}

/// `summary.html`: the administrator's page. Rendered from the night's summary plus a bounded
/// sample of rows (the follow-up list is capped; the full list is in followup.csv/xlsx).
struct SummaryPage {
    var summary: NightSummary
    var catalog: RemedyCatalog
    /// The first `cap` students needing action, by college and class.
    var followup: [FollowupRow] = []
    var followupTotal = 0
    var unassigned: [FollowupRow] = []
    var unassignedTotal = 0
    /// Of `unassignedTotal`, the students whose counselor is named without an address.
    var unassignedNamed = 0
    var counselors: [CounselorListing] = []

    /// Rows embedded in the page at most, per list.
    static let cap = 2_000
    /// Characters of one cell shown at most; the files hold the rest.
    static let cellLimit = 600

    /// The whole page as one String (tests and small nights).
    func render() throws -> String {
        var s = ""
        try render { s += $0 }
        return s
    }

    /// Writes the page section by section (a table row at a time where tables grow with the night), so that
    /// a night of many classes never holds the page in memory.
    func render(_ write: (String) throws -> Void) throws {
        let t = summary.totals
        var s = HTML.head(title: "学籍自查日报 \(summary.asOf)")
        s += "<header>\n<h1>学籍自查日报</h1>\n<p>数据截至 <b>\(HTML.escape(summary.asOf))</b>"
        if let prev = summary.previousAsOf { s += "，与 \(HTML.escape(prev)) 相比" }
        s += "</p>\n" + deadline() + setAside() + "</header>\n"
        s += "<section class=\"cards\" aria-label=\"总体\">\n"
        for (label, value) in [("在籍学生", "\(t.students)"), ("已查", "\(t.checked)"), ("未查", "\(t.unchecked)"),
                               ("有异议", "\(t.disputed)"), ("完成率", ReportFormat.percent(t.checked, of: t.students)),
                               ("待跟进", "\(followupTotal)"), ("新增问题", "\(summary.newFindings)"),
                               ("已解决", "\(summary.resolved.count)"), ("未分配辅导员", "\(unassignedTotal)")] {
            s += "<div class=\"card\"><span>\(HTML.escape(label))</span><b>\(HTML.escape(value))</b></div>\n"
        }
        s += "</section>\n"
        try write(s)
        try progress("各学院进度", NightList(summary.colleges), withClass: false, write)
        try progress("各班级进度", summary.classes, withClass: true, write)
        try write("<h2 id=\"trend\">近几晚完成率</h2>\n" + TrendChart.html(summary.trend))
        try write(try changes() + byCode())
        try counselorTable(write)
        try write(SummaryLists.unassigned(unassigned, total: unassignedTotal, named: unassignedNamed))
        try write(try SummaryLists.unmatched(summary.unmatched))
        try write(SummaryLists.followup(followup, total: followupTotal, colleges: summary.colleges.map(\.college), catalog: catalog))
        try write(SummaryLists.legend(catalog))
        try write(HTML.tail(footer: "本页身份证号、手机号已部分隐藏；完整信息见 followup.csv、followup.xlsx 和 findings.json。由 zicha 生成。"))
    }

    /// Rows of tonight's files that were not imported: the night's numbers leave them out, so the page says so.
    private func setAside() -> String {
        guard !summary.setAside.isEmpty else { return "" }
        let total = summary.setAsideRows
        let files = summary.setAside.map { "\($0.file) \($0.rows) 行" }.joined(separator: "；")
        return "<p class=\"deadline late\">名单和自查记录中有 \(total) 行未导入（格式或数据有误），不计入以下统计：\(HTML.escape(files))。"
            + "原因和原始内容见 rejects.csv。</p>\n"
    }

    private func deadline() -> String {
        guard let d = summary.deadline else { return "" }
        guard let left = EventTime.daysBetween(summary.asOf, d) else {
            return "<p class=\"deadline\">截止日期：\(HTML.escape(d))</p>\n"
        }
        let words = left > 0 ? "还剩 \(left) 天" : left == 0 ? "今天截止" : "已过截止日期 \(-left) 天"
        return "<p class=\"deadline\(left < 0 ? " late" : "")\">截止日期：\(HTML.escape(d))，\(HTML.escape(words))</p>\n"
    }

    private func progress(_ title: String, _ groups: NightList<GroupProgress>, withClass: Bool, _ write: (String) throws -> Void) throws {
        var s = "<h2>\(HTML.escape(title))</h2>\n"
        guard !groups.isEmpty else { return try write(s + "<p class=\"note\">无数据。</p>\n") }
        s += "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th>学院</th>"
        if withClass { s += "<th>班级</th>" }
        s += "<th class=\"num\">在籍</th><th class=\"num\">已查</th><th class=\"num\">未查</th><th class=\"num\">有异议</th><th class=\"num\">完成率</th></tr></thead>\n<tbody>\n"
        try write(s)
        try groups.forEach { g in
            var row = "<tr><td>\(HTML.escape(g.college.isEmpty ? "（未填学院）" : g.college))</td>"
            if withClass { row += "<td>\(HTML.escape(g.className.isEmpty ? "（未填班级）" : g.className))</td>" }
            row += "<td class=\"num\">\(g.students)</td><td class=\"num\">\(g.checked)</td>"
            row += "<td class=\"num\">\(g.students - g.checked - g.disputed)</td><td class=\"num\">\(g.disputed)</td>"
            row += "<td class=\"num\">\(HTML.bar(part: g.checked, of: g.students))</td></tr>\n"
            try write(row)
        }
        try write("</tbody></table></div>\n")
    }

    private func changes() throws -> String {
        var s = "<h2 id=\"changes\">与上一晚相比</h2>\n"
        guard let prev = summary.previousAsOf else { return s + "<p class=\"note\">这是第一晚，没有可比较的数据。</p>\n" }
        s += "<p>自 \(HTML.escape(prev)) 以来：新增问题 <b>\(summary.newFindings)</b> 个，已解决 <b>\(summary.resolved.count)</b> 个。</p>\n"
        guard !summary.resolved.isEmpty else { return s }
        s += "<details><summary>已解决的问题</summary>\n<div class=\"scroll\"><table class=\"sortable\">\n"
        s += "<thead><tr><th>考生号</th><th>姓名</th><th>已解决的问题</th></tr></thead>\n<tbody>\n"
        for r in try summary.resolved.prefix(Self.cap) {
            s += "<tr><td class=\"nw\">\(HTML.escape(r.ksh))</td><td>\(HTML.escape(r.name))</td><td>\(HTML.escape(r.code.title))</td></tr>\n"
        }
        s += "</tbody></table></div>\n"
        if summary.resolved.count > Self.cap { s += "<p class=\"note\">仅列出前 \(Self.cap) 个；完整列表见 findings.json。</p>\n" }
        return s + "</details>\n"
    }

    private func byCode() -> String {
        var s = "<h2 id=\"codes\">问题分类</h2>\n"
        let codes = summary.findingsByCode.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        guard !codes.isEmpty else { return s + "<p class=\"note\">今晚没有发现问题。</p>\n" }
        s += "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th>问题</th><th>代码</th><th class=\"num\">人数</th></tr></thead>\n<tbody>\n"
        for (code, n) in codes {
            s += "<tr><td>\(HTML.escape(code.title))</td><td>\(HTML.escape(code.rawValue))</td><td class=\"num\">\(n)</td></tr>\n"
        }
        return s + "</tbody></table></div>\n"
    }

    private func counselorTable(_ write: (String) throws -> Void) rethrows {
        let s = "<h2 id=\"counselors\">辅导员名单</h2>\n"
        guard !counselors.isEmpty else { return try write(s + "<p class=\"note\">今晚没有需要辅导员跟进的学生。</p>\n") }
        try write(s + "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th>辅导员</th><th>邮箱</th><th class=\"num\">待跟进</th><th>名单</th></tr></thead>\n<tbody>\n")
        for c in counselors {
            let base = "counselors/" + (c.fileName.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")
            try write("<tr><td>\(HTML.escape(c.counselor))</td><td class=\"nw\">\(HTML.escape(c.email))</td><td class=\"num\">\(c.students)</td>"
                      + "<td class=\"nw\"><a href=\"\(HTML.escape(base)).html\">网页</a> · <a href=\"\(HTML.escape(base)).csv\">CSV</a></td></tr>\n")
        }
        try write("</tbody></table></div>\n")
    }
}
