import Foundation

/// The student lists of `summary.html`: unassigned students, IDs not on the roster, the follow-up
/// list and the remedy legend. IDs and phones are masked: the page is forwarded to colleges.
enum SummaryLists {
    private static let fullIn = "followup.csv"

    /// Students no counselor is mailed about: no counselor, or one named without an address (NO_COUNSELOR).
    static func unassigned(_ rows: [FollowupRow], total: Int, named: Int) -> String {
        var s = "<h2 id=\"unassigned\">未分配辅导员的学生</h2>\n"
        guard total > 0 else { return s + "<p class=\"note\">每名学生都有辅导员及其邮箱。</p>\n" }
        s += "<p>共 <b>\(total)</b> 名学生没有辅导员邮箱，请补充辅导员名单；他们的辅导员收不到邮件"
        s += named > 0 ? "（其中 \(named) 名学生的辅导员有姓名、没有邮箱：其名单写在 counselors 文件夹中，但不会发出）。</p>\n"
                       : "，他们只出现在本页和 followup.csv 中。</p>\n"
        s += "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th>学院</th><th>班级</th><th>辅导员</th><th>考生号</th><th>学号</th><th>姓名</th><th>状态</th><th>问题</th></tr></thead>\n<tbody>\n"
        for r in rows {
            s += "<tr>" + [r.college, r.className, r.counselor].map { td($0, "mid") }.joined() + [r.ksh, r.xh].map { td($0, "nw") }.joined()
            s += td(r.name, "mid") + td(r.state.title, "nw")
            s += "<td class=\"wide\">\(HTML.escape(problems(r), limit: SummaryPage.cellLimit, fullIn: fullIn))</td></tr>\n"
        }
        s += "</tbody></table></div>\n"
        return s + capNote(shown: rows.count, total: total)
    }

    static func unmatched(_ ids: NightList<UnmatchedID>) throws -> String {
        var s = "<h2 id=\"not-on-roster\">不在名单的自查记录（NOT_ON_ROSTER）</h2>\n"
        guard !ids.isEmpty else { return s + "<p class=\"note\">所有自查记录都能对应到在籍学生。</p>\n" }
        s += "<p>以下 <b>\(ids.count)</b> 个身份证号出现在自查记录中，但不在在籍名单里；完整号码见 findings.json。</p>\n"
        s += "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th>身份证号</th><th>姓名</th><th class=\"num\">记录数</th><th>说明</th></tr></thead>\n<tbody>\n"
        for u in try ids.prefix(SummaryPage.cap) {
            s += "<tr>\(td(Masking.id(u.id), "nw"))\(td(u.name, "mid"))<td class=\"num\">\(u.events)</td>"
            s += "<td class=\"wide\">\(HTML.escape(Masking.text(note(u)), limit: SummaryPage.cellLimit, fullIn: "findings.json"))</td></tr>\n"
        }
        s += "</tbody></table></div>\n"
        if ids.count > SummaryPage.cap { s += "<p class=\"note\">仅列出前 \(SummaryPage.cap) 个；完整列表见 findings.json。</p>\n" }
        return s
    }

    /// What the detail adds to the row's own columns: when the IDs were logged, and the 15-digit form a legacy ID
    /// was logged under (`身份证号: …（记录中为15位 …）; 姓名: …; 记录数: 2; 时间 … 至 …` → `记录中为15位 …；时间 … 至 …`).
    static func note(_ u: UnmatchedID) -> String {
        guard let span = Text.field(u.detail, after: "时间 ") else { return u.detail }
        let id = Text.field(u.detail, after: "身份证号: ") ?? ""
        guard let open = id.firstIndex(of: "（"), id.hasSuffix("）") else { return "时间 " + span }
        return id[id.index(after: open)..<id.index(before: id.endIndex)] + "；时间 " + span
    }

    static func followup(_ rows: [FollowupRow], total: Int, colleges: [String], catalog: RemedyCatalog) -> String {
        var s = "<h2 id=\"followup\">待跟进名单</h2>\n"
        guard total > 0 else { return s + "<p class=\"note\">今晚没有需要跟进的学生。</p>\n" }
        s += "<p>共 <b>\(total)</b> 名学生需要处理（含已查但名单数据有问题的学生）。点击表头可排序。</p>\n"
        s += "<div class=\"controls\" data-for=\"followup-table\" hidden>\n"
        s += "<input type=\"search\" placeholder=\"筛选：姓名、考生号、班级、问题…\" aria-label=\"筛选待跟进名单\">\n"
        s += "<select aria-label=\"按学院筛选\"><option value=\"\">全部学院</option>"
        for c in colleges { s += "<option value=\"\(HTML.escape(c))\">\(HTML.escape(c.isEmpty ? "（未填学院）" : c))</option>" }
        s += "</select>\n<output class=\"note\"></output>\n</div>\n"
        let header = FollowupTable.header
        s += "<div class=\"scroll\"><table class=\"sortable\" id=\"followup-table\">\n<thead><tr>"
        for (i, title) in header.enumerated() where i != remedyColumn {
            s += "<th\(i == daysColumn ? " class=\"num\"" : "")>\(HTML.escape(i == refColumn ? "处理办法" : title))</th>"
        }
        s += "</tr></thead>\n<tbody>\n"
        for r in rows {
            let cells = FollowupTable.cells(r, catalog: catalog, masked: true)
            s += "<tr>"
            for (i, cell) in cells.enumerated() where i != remedyColumn {
                if i == refColumn {
                    s += "<td>" + remedyLinks(r, catalog: catalog) + "</td>"
                } else if i == daysColumn {
                    s += "<td class=\"num\">\(HTML.escape(cell))</td>"
                } else {
                    s += td(cell, i == problemColumn ? "wide" : Self.narrowColumns.contains(i) ? "nw" : "mid")
                }
            }
            s += "</tr>\n"
        }
        s += "</tbody></table></div>\n"
        return s + capNote(shown: rows.count, total: total)
    }

    static func legend(_ catalog: RemedyCatalog) -> String {
        var s = "<h2 id=\"remedies\">处理办法说明</h2>\n<dl class=\"legend\">\n"
        for id in catalog.order {
            guard let r = catalog[id] else { continue }
            s += "<dt id=\"remedy-\(HTML.escape(id))\"><b>\(HTML.escape(id))</b> \(HTML.escape(r.title))</dt>\n<dd>\(HTML.escape(r.text))</dd>\n"
        }
        return s + "</dl>\n"
    }

    private static let problemColumn = FollowupTable.header.firstIndex(of: "问题")!
    private static let remedyColumn = FollowupTable.header.firstIndex(of: "处理办法")!
    private static let refColumn = FollowupTable.header.firstIndex(of: "参考")!
    private static let daysColumn = FollowupTable.header.firstIndex(of: "未查天数")!

    /// Short codes and numbers that read badly when broken: 考生号, 学号, 身份证号, 手机号, 状态.
    private static let narrowColumns: Set<Int> = FollowupTable.textColumns.union([FollowupTable.header.firstIndex(of: "状态")!])

    private static func td(_ s: String, _ cls: String) -> String {
        "<td class=\"\(cls)\">\(HTML.escape(s, limit: SummaryPage.cellLimit, fullIn: fullIn))</td>"
    }

    private static func problems(_ r: FollowupRow) -> String {
        (r.findings.map { $0.detail.isEmpty ? $0.title : "\($0.title)（\(r.maskedDetail($0))）" }
            + (r.isUncheckedWithoutReason ? [FollowupRow.unexplained.problem] : [])).joined(separator: "；")
    }

    private static func remedyLinks(_ r: FollowupRow, catalog: RemedyCatalog) -> String {
        r.remedyIDs.map { id in
            let title = catalog[id]?.title ?? id
            return "<a href=\"#remedy-\(HTML.escape(id))\">\(HTML.escape(title))</a>"
        }.joined(separator: "\n")
    }

    private static func capNote(shown: Int, total: Int) -> String {
        guard total > shown else { return "" }
        return "<p class=\"note\">本页仅列出前 \(shown) 名（按学院、班级排序），共 \(total) 名；完整名单见 followup.csv 或 followup.xlsx。</p>\n"
    }
}
