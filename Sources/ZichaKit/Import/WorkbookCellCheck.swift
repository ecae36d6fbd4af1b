/// Workbook cells whose value is unknown (a formula nobody computed) or an Excel error, where they matter.
extension RowPreparer {
    /// The key fields whose cell holding an Excel error sets the row aside: what a row is matched by.
    private static let errorKeys: [TableKind: [String]] = [.roster: ["ksh", "xh", "id"], .log: ["id"], .counselors: ["class", "college"]]

    /// For a data row with cells `XLSXSheetHandler` marked: throws when a column of the table holds a formula without
    /// a saved value; returns the row set aside when one of its key cells holds an Excel error; nil otherwise.
    func workbookCellProblem(_ record: TableRecord, _ map: HeaderMap) throws -> PreparedRow? {
        // A formula nobody computed matters only in a column the table reads. In such a column (学院 = IF(…), 身份证号 =
        // TRIM(…)) it is every row the program wrote, not one: read as empty, every student would lose their 学院 (no
        // counselor mailed, no warning) or be set aside; so the workbook is refused at the first such cell and the
        // night with it (its transaction rolls back), the way Excel or WPS fix it said. Beside the table — a column the
        // table does not use (学院代码 feeding 学院), one without a header, a title above the header — it changes
        // nothing, and refusing the night for it would stop the import for nothing: it is ignored, as those columns are.
        // A formula with a saved value is read as that value, as Excel shows it.
        if !record.formulasWithoutValue.isEmpty {
            let used = Set(map.columns.values)
            if let column = record.formulasWithoutValue.filter(used.contains).min() {
                throw ZichaError(.unreadableInput,
                                 "the cell holds a formula without a saved value (the workbook was written by a program that does not compute formulas)",
                                 at: reader.location(line: record.line, column: column),
                                 hint: "open it in Excel or WPS and save it again: they compute the formulas and save their values")
            }
        }
        // An Excel error (#N/A from a VLOOKUP that found nothing) in a key cell is no 考生号 or 身份证号: read as text, two
        // such rows would be one student seen twice, and another student could take the first one's history.
        let keys = (Self.errorKeys[kind] ?? []).compactMap { field in map.columns[field].map { (field, $0) } }
        guard let (field, column) = keys.filter({ record.errors.contains($0.1) }).min(by: { $0.1 < $1.1 }) else { return nil }
        let name = kind.fields.first { $0.name == field }?.aliases.first ?? field
        let reason = "\(name): the cell holds the Excel error \(HeaderMap.cell(column, in: record.cells).prefix(20)) (a formula that failed)"
        if kind == .roster, let key = map.columns["ksh"] ?? map.columns["xh"], !record.errors.contains(key), let ksh = rosterKey(record) {
            // The student is still on tonight's roster, as the previous one had them.
            return .rejectStudent(record, reason: reason, column: column, ksh: ksh)
        }
        return .reject(record, reason: reason, column: column)
    }
}
