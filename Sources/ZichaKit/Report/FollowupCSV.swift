/// The follow-up table's columns, shared by `followup.csv`, `followup.xlsx`, counselor lists and mail attachments.
extension FollowupRow {
    /// The row as counselors see it: ID number, phone and the numbers inside finding details masked.
    var maskedForCounselors: FollowupRow {
        var row = self
        row.idNumber = Masking.id(idNumber)
        row.phone = Masking.phone(phone)
        for i in row.findings.indices { row.findings[i].detail = Masking.text(row.findings[i].detail) }
        return row
    }
}

public enum FollowupTable {
    /// Column titles in Chinese, in order.
    public static let header = ["学院", "班级", "辅导员", "考生号", "学号", "姓名", "身份证号", "手机号", "状态",
                                "问题", "处理办法", "参考", "未查天数", "变化"]

    /// Index of the ID and phone columns (typed as text in workbooks).
    public static let textColumns: Set<Int> = [3, 4, 6, 7]

    /// The cells of one student. `masked` hides ID numbers and phones (counselor-facing output).
    public static func cells(_ row: FollowupRow, catalog: RemedyCatalog, masked: Bool) -> [String] {
        var problems = row.findings.map { f -> String in
            let detail = masked ? Masking.text(f.detail) : f.detail
            return detail.isEmpty ? f.code.title : "\(f.code.title)（\(detail)）"
        }
        if row.isUncheckedWithoutReason { problems.append(FollowupRow.unexplained.problem) }
        let remedies = catalog.tableCell(for: row.remedyIDs)
        let changes = row.findings.map { "\($0.code.title)：\($0.change.title)" }
        return [
            row.college, row.className, row.counselor, row.ksh, row.xh, row.name,
            masked ? Masking.id(row.idNumber) : row.idNumber,
            masked ? Masking.phone(row.phone) : row.phone,
            row.state.title,
            problems.joined(separator: "；"),
            remedies.text,
            remedies.ids,
            row.state == .checked ? "" : String(row.daysOutstanding),
            changes.joined(separator: "；"),
        ]
    }
}
