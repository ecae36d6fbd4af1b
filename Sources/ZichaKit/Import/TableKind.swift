/// The three kinds of input table and the headers accepted for each field (SPEC, Inputs).
public enum TableKind: String, Sendable, CaseIterable {
    case roster, counselors, log

    /// One field: its canonical name and the header texts accepted for it.
    public struct Field: Sendable {
        public let name: String
        public let aliases: [String]
        public let required: Bool
    }

    public var title: String {
        switch self {
        case .roster: return "roster (在籍名单)"
        case .counselors: return "counselor list (辅导员名单)"
        case .log: return "self-check log (自查记录)"
        }
    }

    /// 学院 and 班级, read alike in the roster and in the counselor list (whose rows are matched on them).
    static let college = Field(name: "college", aliases: ["学院", "院系", "分院", "学院名称", "YX", "FY", "YXMC", "college"], required: false)
    static let className = Field(name: "class", aliases: ["班级", "班级名称", "班号", "行政班", "BJ", "BJMC", "BH", "class"], required: false)

    public var fields: [Field] {
        switch self {
        case .roster:
            return [
                Field(name: "ksh", aliases: ["考生号", "考生编号", "KSH", "exam_no", "exam no"], required: false),
                Field(name: "xh", aliases: ["学号", "XH", "student_no", "student no"], required: false),
                Field(name: "name", aliases: ["姓名", "学生姓名", "XM", "name", "现用名"], required: true),
                Field(name: "admission_name", aliases: ["录取姓名", "原姓名", "LQXM", "admission_name"], required: false),
                Field(name: "id", aliases: ["身份证号", "身份证号码", "证件号码", "证件号", "SFZH", "ZJHM", "id_number", "id"], required: true),
                Field(name: "sex", aliases: ["性别", "XB", "sex", "gender"], required: false),
                Field(name: "birthdate", aliases: ["出生日期", "CSRQ", "birthdate"], required: false),
                Field(name: "phone", aliases: ["手机号", "手机号码", "手机", "联系电话", "SJH", "LXDH", "phone", "mobile"], required: false),
                Self.college,
                Field(name: "major", aliases: ["专业", "专业名称", "ZYMC", "major"], required: false),
                Self.className,
                Field(name: "counselor", aliases: ["辅导员", "FDY", "counselor"], required: false),
                Field(name: "counselor_email", aliases: ["辅导员邮箱", "邮箱", "FDYYX", "counselor_email"], required: false),
            ]
        case .counselors:
            return [
                Self.className,
                Self.college,
                Field(name: "counselor", aliases: ["辅导员", "辅导员姓名", "姓名", "FDY", "counselor", "name"], required: true),
                Field(name: "email", aliases: ["邮箱", "辅导员邮箱", "电子邮箱", "email", "e-mail", "mail", "FDYYX"], required: true),
            ]
        case .log:
            return [
                Field(name: "time", aliases: ["时间", "操作时间", "日期", "自查时间", "time", "timestamp"], required: false),
                Field(name: "id", aliases: ["身份证号", "身份证号码", "证件号码", "SFZH", "ZJHM", "id_number", "id"], required: true),
                Field(name: "name", aliases: ["姓名", "学生姓名", "XM", "name"], required: false),
                Field(name: "event", aliases: ["事件", "操作", "状态", "自查状态", "event", "status"], required: true),
                Field(name: "detail", aliases: ["说明", "备注", "详情", "原因", "detail"], required: false),
            ]
        }
    }
}

/// Which column holds which of a `TableKind`'s fields, decided from a header row.
public struct HeaderMap: Sendable {
    public let kind: TableKind
    /// Field name → column index.
    public let columns: [String: Int]
    /// Header cells that matched no field.
    public let unknown: [String]
    /// Header cells naming a field an earlier column already gives (联系电话 after 手机号), with that column's header.
    public let repeated: [(header: String, first: String)]
    /// Field name → the first column after its own that names it again (a log's 时间 beside its 日期).
    public let secondColumns: [String: Int]

    /// Matches header cells after trimming, full-width folding and lowercasing. The first column wins a field.
    public init(kind: TableKind, header: [String]) {
        self.kind = kind
        var lookup: [String: String] = [:]
        for field in kind.fields { for alias in field.aliases { lookup[Text.headerKey(alias)] = field.name } }
        var columns: [String: Int] = [:]
        var unknown: [String] = []
        var repeated: [(header: String, first: String)] = []
        var secondColumns: [String: Int] = [:]
        for (i, cell) in header.enumerated() {
            let key = Text.headerKey(cell)
            if key.isEmpty { continue }
            if let field = lookup[key] {
                if let first = columns[field] {
                    repeated.append((Text.trimmed(cell), Text.trimmed(header[first])))
                    if secondColumns[field] == nil { secondColumns[field] = i }
                } else {
                    columns[field] = i
                }
            } else {
                unknown.append(Text.trimmed(cell))
            }
        }
        self.columns = columns
        self.unknown = unknown
        self.repeated = repeated
        self.secondColumns = secondColumns
    }

    /// Required fields with no column. A roster needs 考生号 or, failing that, 学号; counselor lists need a scope.
    public var missing: [TableKind.Field] {
        var missing = kind.fields.filter { $0.required && columns[$0.name] == nil }
        let field = { (name: String) in kind.fields.first { $0.name == name }! }
        if kind == .roster, columns["ksh"] == nil, columns["xh"] == nil { missing.insert(field("ksh"), at: 0) }
        if kind == .counselors, columns["class"] == nil, columns["college"] == nil { missing.insert(field("class"), at: 0) }
        return missing
    }

    /// Whether the row could be this table's header.
    public var isComplete: Bool { missing.isEmpty }

    /// The trimmed cell of a field, or "" when the column is absent or the row short.
    @inline(__always)
    public func value(_ field: String, in cells: [String]) -> String {
        Self.cell(columns[field], in: cells)
    }

    /// The trimmed cell at a column looked up before (`columns`), or "" when absent or the row short.
    @inline(__always)
    public static func cell(_ column: Int?, in cells: [String]) -> String {
        guard let i = column, i < cells.count else { return "" }
        return Text.trimmed(cells[i])
    }
}
