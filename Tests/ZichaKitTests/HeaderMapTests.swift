import Testing
@testable import ZichaKit

@Suite struct HeaderMapTests {
    /// The SPEC's accepted headers (SPEC, Inputs): (table, header text, field).
    static let specAliases: [(TableKind, String, String)] = {
        let roster: [(String, [String])] = [
            ("ksh", ["考生号", "考生编号", "KSH", "ksh", "exam_no"]), ("xh", ["学号", "XH", "student_no"]),
            ("name", ["姓名", "XM", "name"]), ("admission_name", ["录取姓名", "原姓名", "LQXM", "admission_name"]),
            ("id", ["身份证号", "身份证号码", "证件号码", "证件号", "SFZH", "ZJHM", "id_number"]), ("sex", ["性别", "XB", "sex"]),
            ("birthdate", ["出生日期", "CSRQ", "birthdate"]),
            ("phone", ["手机号", "手机号码", "手机", "联系电话", "SJH", "LXDH", "phone", "mobile"]),
            ("college", ["学院", "院系", "分院", "学院名称", "YX", "FY", "YXMC", "college"]),
            ("major", ["专业", "专业名称", "ZYMC", "major"]),
            ("class", ["班级", "班级名称", "班号", "行政班", "BJ", "BJMC", "BH", "class"]),
            ("counselor", ["辅导员", "FDY", "counselor"]), ("counselor_email", ["辅导员邮箱", "邮箱", "FDYYX", "counselor_email"]),
        ]
        let counselors: [(String, [String])] = [
            ("class", ["班级", "class"]), ("college", ["学院", "college"]), ("counselor", ["辅导员", "counselor"]), ("email", ["邮箱", "email"]),
        ]
        let log: [(String, [String])] = [
            ("time", ["时间", "操作时间", "日期", "自查时间", "time", "timestamp"]), ("id", ["身份证号", "证件号码", "SFZH", "id_number"]),
            ("name", ["姓名", "XM", "name"]), ("event", ["事件", "操作", "状态", "自查状态", "event", "status"]),
            ("detail", ["说明", "备注", "详情", "原因", "detail"]),
        ]
        return [(TableKind.roster, roster), (.counselors, counselors), (.log, log)].flatMap { kind, fields in
            fields.flatMap { field, aliases in aliases.map { (kind, $0, field) } }
        }
    }()

    @Test(arguments: specAliases)
    func everySpecHeaderIsAccepted(_ kind: TableKind, _ header: String, _ field: String) {
        // Given the header alone, then in folded and padded writings
        for written in [header, " \(header)\u{3000}", header.uppercased(), header.lowercased(), Text.fullWidth(header)] {
            let map = HeaderMap(kind: kind, header: ["其他", written])
            #expect(map.columns[field] == 1, "\(written.debugDescription)")
        }
    }

    @Test func unknownColumnsAreListedTrimmed() {
        let map = HeaderMap(kind: .roster, header: ["考生号", " 民族 ", "姓名", "身份证号", "籍贯", ""])
        #expect(map.isComplete)
        #expect(map.unknown == ["民族", "籍贯"])
    }

    @Test func unknownColumnsAreNamedShortlyInTheWarning() {
        // Given 5,000 unknown columns, one of them a whole file's worth of text
        let columns = ["备注" + String(repeating: "长", count: 100)] + (1...4999).map { "列\($0)" }
        let text = RowPreparer.names(columns)
        // Then ten are named, the long one cut, and the rest counted
        #expect(text == "备注" + String(repeating: "长", count: 38) + "…, 列1, 列2, 列3, 列4, 列5, 列6, 列7, 列8, 列9 and 4990 more")
        #expect(RowPreparer.names(["a", "b"]) == "a, b")
    }

    @Test func theFirstColumnWinsAField() {
        let map = HeaderMap(kind: .roster, header: ["考生号", "姓名", "身份证号", "证件号码"])
        #expect(map.columns["id"] == 2)
        #expect(map.unknown.isEmpty)
        #expect(map.repeated.map(\.header) == ["证件号码"] && map.repeated.map(\.first) == ["身份证号"])
    }

    @Test func missingRequiredColumnsAreNamed() {
        let map = HeaderMap(kind: .roster, header: ["考生号", "手机号"])
        #expect(!map.isComplete)
        #expect(map.missing.map(\.name) == ["name", "id"])
        #expect(map.missing.last?.aliases.contains("SFZH") == true)
    }

    @Test func aRosterWithoutKSHUsesXH() {
        #expect(HeaderMap(kind: .roster, header: ["学号", "姓名", "身份证号"]).isComplete)
        #expect(HeaderMap(kind: .roster, header: ["姓名", "身份证号"]).missing.map(\.name) == ["ksh"])
    }

    @Test func aCounselorListNeedsAScope() {
        #expect(HeaderMap(kind: .counselors, header: ["学院", "辅导员", "邮箱"]).isComplete)
        #expect(HeaderMap(kind: .counselors, header: ["辅导员", "邮箱"]).missing.map(\.name) == ["class"])
    }

    @Test func aLogNeedsIDAndEventOnly() {
        #expect(HeaderMap(kind: .log, header: ["SFZH", "状态"]).isComplete)
        #expect(HeaderMap(kind: .log, header: ["时间", "姓名", "身份证号"]).missing.map(\.name) == ["event"])
    }

    @Test func valueTrimsAndToleratesShortRows() {
        let map = HeaderMap(kind: .roster, header: ["考生号", "姓名", "身份证号", "手机号"])
        #expect(map.value("name", in: ["1", "\u{3000}王芳 ", "x"]) == "王芳")
        #expect(map.value("phone", in: ["1", "王芳", "x"]) == "")
        #expect(map.value("college", in: ["1", "王芳", "x", "y"]) == "")
    }

    @Test func headerKeyFoldsWidthCaseAndSpaces() {
        #expect(Text.headerKey("\u{FEFF} ＫＳＨ\u{3000}") == "ksh")
        #expect(Text.headerKey("Exam No") == "examno")
        #expect(Text.headerKey("身份证 号") == "身份证号")
        // a colon after the name, a Kangxi radical copied from a PDF, an invisible character (an audit, session 32)
        #expect(Text.headerKey("身份证号：") == "身份证号")
        #expect(Text.headerKey("\u{2F9D}份证号") == "身份证号")
        #expect(Text.headerKey("身份\u{00AD}证号") == "身份证号")
        #expect(HeaderMap(kind: .roster, header: ["考生号：", "姓名", "\u{2F9D}份证号"]).isComplete)
    }

    @Test func aMissingColumnsMessageShowsTheHeaderAsRead() {
        // Given a header whose 身份证号 carries a zero-width joiner: the office sees 身份证号 in its own file
        let shown = RowPreparer.shownHeader(["考生号", "姓名", "身份证号（18位）", "手机\u{200D}号"])
        // Then the message shows what zicha read, the invisible character as its code point
        #expect(shown == "; this file's first row reads: 考生号 | 姓名 | 身份证号（18位） | 手机[U+200D]号")
    }
}

extension Text {
    /// Half-width ASCII to full-width (the inverse of `halfWidth`), for writing test headers.
    static func fullWidth(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u in
            (0x21...0x7E).contains(u.value) ? Unicode.Scalar(u.value + 0xFEE0)! : u
        }))
    }
}
