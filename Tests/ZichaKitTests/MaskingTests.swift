import Testing
@testable import ZichaKit

@Suite struct MaskingTests {
    @Test func idKeepsRegionAndSequence() {
        #expect(Masking.id("110105199001010021") == "110105********0021")
        #expect(Masking.id("44030520060715103X") == "440305********103X")
        #expect(Masking.id("440305060715103") == "440305******103", "a 15-digit ID shows no digit of the birth date")
        #expect(Masking.id("110105900101002") == "110105******002")
    }

    @Test func phoneKeepsFirstThreeAndLastFour() {
        #expect(Masking.phone("13800138000") == "138****8000")
    }

    @Test func shortValuesAreFullyHidden() {
        #expect(Masking.id("1234567890") == "**********")
        #expect(Masking.phone("10086") == "*****")
        #expect(Masking.id("") == "")
    }

    @Test func textMasksEveryIDAndMobileInASentence() {
        // Given a finding detail with a mobile, an 18-digit and a 15-digit ID, a 考生号 and a time
        let detail = "与 王芳 (24110101000007) 共用 13800138000；身份证号 110105199001010021，请用本人15位身份证号 110105900101002 注册，2026-09-01 08:00:00"
        // When
        let masked = Masking.text(detail)
        // Then the personal numbers are masked and the rest stays
        #expect(masked == "与 王芳 (24110101000007) 共用 138****8000；身份证号 110105********0021，请用本人15位身份证号 110105******002 注册，2026-09-01 08:00:00")
    }

    @Test func textMasksAnIDEndingInX() {
        #expect(Masking.text("证件号码44030520060715103X已被注册") == "证件号码440305********103X已被注册")
    }

    @Test func textMasksIDsAndMobilesAsPeopleTypeThem() {
        // Given the ways a log's remarks write an ID or a mobile: grouped, full-width, a lower-case x, a country code
        // Then each is masked as the lists mask the columns, and a 考生号 beside a mobile stays
        #expect(Masking.text("身份证 440103 20050505 5553 已注册") == "身份证 440103 ******** 5553 已注册")
        #expect(Masking.text("44010320050506007x") == "440103********007x")
        #expect(Masking.text("４４０１０３２００５０５０６００７Ｘ") == "４４０１０３********００７Ｘ")
        #expect(Masking.text("联系 +8613800138000") == "联系 +86138****8000")
        #expect(Masking.text("联系 138-0013-8000") == "联系 138-****-8000")
        #expect(Masking.text("0086 138 0013 8000") == "0086 138 **** 8000")
        #expect(Masking.text("(24110101000007) 13800138000") == "(24110101000007) 138****8000")
        #expect(Masking.text("24110101000007 13800138000") == "24110101000007 138****8000")
    }

    @Test func textLeavesOtherNumbersAlone() {
        #expect(Masking.text("找回用户名 3 次提示姓名不符") == "找回用户名 3 次提示姓名不符")
        #expect(Masking.text("电话 010-62751234") == "电话 010-62751234")
        #expect(Masking.text("") == "")
    }

    @Test func textMasksRunsByTheirLengthWhateverSurroundsThem() {
        // Given texts whose digit runs sit beside Chinese, full-width digits, combining marks and each other
        let texts = [
            "24110101000007", "2411010100000713800138000", "110105199001010021X", "1101051990010100211",
            "12345678901234", "123456789012345", "1234567890123456", "12345678901234567", "23800138000", "13800138000",
            "１３８００１３８０００", "13800138000\u{301}", "号110105199001010021\u{301}号", "X13800138000X",
            "电话13800138000和110105900101002。", "🙂13800138000🙂", "13800138000\r\n110105199001010021",
            "440103 20050505 5553", "44010320050506007x", "４４０１０３２００５０５０６００７Ｘ", "+8613800138000", "138-0013-8000",
            "0086 138 0013 8000", "24110101000007 13800138000", "2026-11-28 13800138000", "电话 010-62751234", "138 0013 8000 。",
            "2026-11-28 10:00", "1 3 8 0 0 1 3 8 0 0 0", "138--0013-8000", "13800138000-", "x13800138000", "86 13800138000",
        ]
        // Then the byte scan masks exactly what the scalar-by-scalar reference masks
        for text in texts { #expect(Masking.text(text) == Self.referenceText(text), "\(text)") }
    }

    @Test func theStudentsOwnInvalidIDAndPhoneAreMaskedInTheirFindings() throws {
        // Given a student whose ID and phone are invalid: neither looks like an ID or a mobile to `Masking.text`
        let findings = [
            FindingLine(code: .idInvalid, detail: "身份证号 11010519990101001：长度不是18位（或15位）", remedies: ["ADMIN"], change: .new),
            FindingLine(code: .duplicateID, detail: "与 王芳 (24110101000007) 共用身份证号 11010519990101001", remedies: ["FAQ-3", "ADMIN"], change: .new),
            FindingLine(code: .phoneInvalid, detail: "手机号 027-87654321 不是大陆手机号", remedies: ["ADMIN"], change: .new),
        ]
        let row = FollowupRow(college: "计算机学院", className: "计科2601", counselor: "李老师", counselorEmail: "li@example.com",
                              ksh: "24110101000001", xh: "", name: "张三", idNumber: "11010519990101001",
                              phone: "027-87654321", state: .unchecked, daysOutstanding: 1, findings: findings)
        // When the row is shown to counselors
        let masked = row.maskedForCounselors.findings.map(\.detail)
        let cell = FollowupTable.cells(row, catalog: try RemedyCatalog.bundled(), masked: true)[9]
        // Then the values are masked as the ID and phone columns are, the 考生号 stays
        #expect(masked == ["身份证号 110105*******1001：长度不是18位（或15位）",
                           "与 王芳 (24110101000007) 共用身份证号 110105*******1001",
                           "手机号 027*****4321 不是大陆手机号"])
        #expect(!cell.contains("11010519990101001") && !cell.contains("87654321") && cell.contains("110105*******1001"))
        // And the administrator's own file keeps them whole
        #expect(FollowupTable.cells(row, catalog: try RemedyCatalog.bundled(), masked: false)[9].contains("11010519990101001"))
    }

    /// Masking by Unicode scalars: a run of digits (ASCII or full-width) and X/x, in groups separated by single spaces or
    /// hyphens, masked whole when it is an ID or a mobile as a whole, else group by group.
    private static func referenceText(_ s: String) -> String {
        func digit(_ u: Unicode.Scalar) -> Character? {
            if ("0"..."9").contains(u) { return Character(u) }
            if ("\u{FF10}"..."\u{FF19}").contains(u) { return Character(Unicode.Scalar(u.value - 0xFF10 + 0x30)!) }
            return ["X", "x", "\u{FF38}", "\u{FF58}"].contains(u) ? "X" : nil
        }
        func span(_ d: [Character]) -> (Int, Int)? {
            let t = String(d)
            if d.count >= 18 { return (6, 4) }
            if d.count == 15 { return t.hasPrefix("00861") ? (7, 4) : (6, 3) }
            if d.count == 13, t.hasPrefix("861") { return (5, 4) }
            if d.count == 11, t.hasPrefix("1") { return (3, 4) }
            return nil
        }
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard digit(scalars[i]) != nil else { out.append(scalars[i]); i += 1; continue }
            var groups: [[Int]] = [[]]  // scalar indexes of each group's digits
            var j = i
            while j < scalars.count {
                if digit(scalars[j]) != nil { groups[groups.count - 1].append(j); j += 1 }
                else if (scalars[j] == " " || scalars[j] == "-"), j + 1 < scalars.count, digit(scalars[j + 1]) != nil { groups.append([]); j += 1 }
                else { break }
            }
            var hidden = Set<Int>()
            let all = groups.flatMap { $0 }
            var parts = groups
            if groups.count > 1, all.count <= 18, span(all.map { digit(scalars[$0])! }) != nil { parts = [all] }
            for part in parts {
                guard let (first, last) = span(part.map { digit(scalars[$0])! }) else { continue }
                for k in first..<(part.count - last) { hidden.insert(part[k]) }
            }
            for k in i..<j { out.append(hidden.contains(k) ? "*" : scalars[k]) }
            i = j
        }
        return String(out)
    }
}
