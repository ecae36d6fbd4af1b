/// The check rate over past nights as an inline SVG line chart (no script, no external file).
enum TrendChart {
    /// The chart and, for printouts and screen readers, the same numbers as a table.
    static func html(_ trend: [TrendPoint]) -> String {
        guard !trend.isEmpty else { return "<p class=\"note\">暂无历史数据。</p>\n" }
        let w = 720, h = 240, left = 48, right = 16, top = 14, bottom = 34
        let plotW = w - left - right, plotH = h - top - bottom
        func x(_ i: Int) -> Int { trend.count == 1 ? left + plotW / 2 : left + i * plotW / (trend.count - 1) }
        func y(_ p: TrendPoint) -> Int {
            p.students == 0 ? top + plotH : top + plotH - (p.checked * plotH + p.students / 2) / p.students
        }
        var s = "<figure>\n<svg class=\"trend\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" aria-labelledby=\"trend-title\">\n"
        s += "<title id=\"trend-title\">各晚自查完成率</title>\n"
        for pct in stride(from: 0, through: 100, by: 25) {
            let gy = top + plotH - pct * plotH / 100
            s += "<line x1=\"\(left)\" y1=\"\(gy)\" x2=\"\(w - right)\" y2=\"\(gy)\" stroke=\"#d5dbe3\" stroke-width=\"1\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(gy + 4)\" text-anchor=\"end\" font-size=\"12\" fill=\"#5f6b7a\">\(pct)%</text>\n"
        }
        let step = max(1, (trend.count + 7) / 8)
        for (i, p) in trend.enumerated() where i % step == 0 || i == trend.count - 1 {
            let label = p.asOf.count == 10 ? String(p.asOf.suffix(5)) : p.asOf
            s += "<text x=\"\(x(i))\" y=\"\(h - 12)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5f6b7a\">\(HTML.escape(label))</text>\n"
        }
        let points = trend.enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
        s += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#1556a8\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n"
        for (i, p) in trend.enumerated() {
            let tip = "\(p.asOf)：\(p.checked)/\(p.students)（\(ReportFormat.percent(p.checked, of: p.students))）"
            s += "<circle cx=\"\(x(i))\" cy=\"\(y(p))\" r=\"4\" fill=\"#1556a8\"><title>\(HTML.escape(tip))</title></circle>\n"
        }
        s += "</svg>\n</figure>\n"
        s += "<details><summary>各晚数据</summary>\n<div class=\"scroll\"><table>\n"
        s += "<thead><tr><th>日期</th><th class=\"num\">在籍</th><th class=\"num\">已查</th><th class=\"num\">完成率</th></tr></thead>\n<tbody>\n"
        for p in trend {
            s += "<tr><td>\(HTML.escape(p.asOf))</td><td class=\"num\">\(p.students)</td><td class=\"num\">\(p.checked)</td>"
            s += "<td class=\"num\">\(HTML.escape(ReportFormat.percent(p.checked, of: p.students)))</td></tr>\n"
        }
        s += "</tbody></table></div>\n</details>\n"
        return s
    }
}
