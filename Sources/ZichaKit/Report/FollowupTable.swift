/// The masking of what counselors see of a row: their lists, the summary page's excerpts, the masked table cells.
extension FollowupRow {
    /// The row as counselors see it: ID number, phone and the numbers inside finding details masked.
    var maskedForCounselors: FollowupRow {
        var row = self
        row.idNumber = Masking.id(idNumber)
        row.phone = Masking.phone(phone)
        for i in row.findings.indices { row.findings[i].detail = maskedDetail(findings[i]) }
        return row
    }

    /// A finding's evidence as counselors see it: every ID and mobile masked (`Masking.text`), and the student's own
    /// ID and phone wherever the detail repeats them — an invalid one too (`11010519990101001`, `027-87654321`),
    /// which looks like no ID or mobile.
    func maskedDetail(_ finding: FindingLine) -> String {
        switch finding.code {
        case .idInvalid, .idFormat, .duplicateID, .phoneInvalid:
            return Masking.text(Masking.hiding(idNumber, as: Masking.id(idNumber),
                                               phone, as: Masking.phone(phone), in: finding.detail))
        default:
            return Masking.text(finding.detail)
        }
    }
}

/// The follow-up table's columns, shared by `followup.csv`, `followup.xlsx`, counselor lists and mail attachments.
public enum FollowupTable {
    /// Column titles in Chinese, in order.
    public static let header = ["学院", "班级", "辅导员", "考生号", "学号", "姓名", "身份证号", "手机号", "状态",
                                "问题", "处理办法", "参考", "未查天数", "变化"]

    /// Indexes of the number columns kept as text in workbooks: 考生号, 学号, ID and phone (Excel would round them).
    public static let textColumns: Set<Int> = [3, 4, 6, 7]

    /// The cells of one student. `masked` hides ID numbers and phones (counselor-facing output).
    public static func cells(_ row: FollowupRow, catalog: RemedyCatalog, masked: Bool) -> [String] {
        // The two cells that join the findings are built as bytes: appending Strings checks each seam for a grapheme
        // boundary, several hundred instructions per piece of Chinese (≈ 1 % of a night's reconcile and report),
        // and a String's bytes are exactly its pieces' bytes one after the other.
        var problems = ByteBuffer(capacity: 256), changes = ByteBuffer(capacity: 128)
        for (i, f) in row.findings.enumerated() {
            if i > 0 { problems.text("；"); changes.text("；") }
            problems.text(f.title)
            let detail = masked ? row.maskedDetail(f) : f.detail
            if !detail.isEmpty { problems.text("（"); problems.text(detail); problems.text("）") }
            changes.text(f.title); changes.text("："); changes.text(f.change.title)
        }
        if row.isUncheckedWithoutReason {
            if !row.findings.isEmpty { problems.text("；") }
            problems.text(FollowupRow.unexplained.problem)
        }
        let remedies = catalog.tableCell(for: row.remedyIDs)
        return [
            row.college, row.className, row.counselor, row.ksh, row.xh, row.name,
            masked ? Masking.id(row.idNumber) : row.idNumber,
            masked ? Masking.phone(row.phone) : row.phone,
            row.state.title,
            problems.string,
            remedies.text,
            remedies.ids,
            row.state == .checked ? "" : String(row.daysOutstanding),
            changes.string,
        ]
    }
}
