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

    @Test func theShortestValuesShownInPartAreShownAsTheCharacterPathShowsThem() {
        // The byte path (ASCII) and the character path (full-width digits) agree at the boundary: an ID of 11
        // characters and a phone of 8 are the first shown in part, one shorter is hidden whole.
        #expect(Masking.id("11010519900") == "110105*9900")
        #expect(Masking.id("１１０１０５１９９００") == "１１０１０５*９９００")
        #expect(Masking.phone("13800138") == "138*0138")
        #expect(Masking.phone("１３８００１３８") == "１３８*０１３８")
        #expect(Masking.phone("1380013") == "*******")
        #expect(Masking.phone("１３８００１３") == "*******")
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
        #expect(Masking.text("2024-11-27 139 1234 5678 2 次") == "2024-11-27 139 **** 5678 2 次")
        #expect(Masking.text("微信 wx13912345678，13912345678x2 分机") == "微信 wx139****5678，139****5678x2 分机")
        #expect(Masking.text("１３９－１２３４－５６７８") == "１３９－****－５６７８")
        #expect(Masking.text("1999-44030520060715103X08-11") == "1999-440305********103X08-11", "an ID glued after a date (found by fuzzing)")
    }

    @Test func textMasksNumbersGroupedWithOtherSpacesDashesAndDots() {
        // Given a log's remarks copied from web pages: non-breaking, thin and zero-width spaces, en dashes, dots, and a
        // check character typed as × or Ⅹ (an audit found each shown whole to counselors, or with 17 digits)
        // Then each is masked as its plain form is, and a date or an address with dots stays readable
        #expect(Masking.text("手机号码139\u{A0}1234\u{A0}5602已存在") == "手机号码139\u{A0}****\u{A0}5602已存在")
        #expect(Masking.text("139\u{2009}1234\u{2009}5603") == "139\u{2009}****\u{2009}5603")
        #expect(Masking.text("139\u{200B}12345604") == "139\u{200B}****5604")
        #expect(Masking.text("139–1234–5605") == "139–****–5605")
        #expect(Masking.text("139.1234.5606") == "139.****.5606")
        #expect(Masking.text("证件44010320050506007×已注册") == "证件440103********007×已注册")
        #expect(Masking.text("440103\u{A0}20050505\u{A0}5553") == "440103\u{A0}********\u{A0}5553")
        for text in ["2024.09.05 19:26:26", "192.168.100.100", "v1.2.3"] { #expect(Masking.text(text) == text) }
    }

    @Test func textLeavesNumbersThatAreNoIDOrMobileReadable() {
        // A 考生号 and a grade, a 学号 and a class, a landline with its extension, a count and a date
        for text in ["考生号 26420101000099 2026级", "学号 1202600001 2班", "请致电 010-62751234-8021", "共 120 2024-11-27", "26420101000099 1班"] {
            #expect(Masking.text(text) == text)
        }
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
            "微信 wx13912345678", "13912345678x2 分机", "考生号 26420101000099 2026级", "学号 1202600001 2班", "请致电 010-62751234-8021",
            "共 120 2024-11-27", "2024-11-27 139 1234 5678", "139 1234 5678 2 次", "440103 20050505 5553 2026级", "139　1234　5678",
            "１３９－１２３４－５６７８", "440103 2005 0506 007X", "420102 990208 001", "+86 139 1234 5678", "0086-13912345678",
            "1999-65777519990101990X08-11", "12 44030520060715103x",
            // Separators and check characters copied from web pages and other keyboards (an audit found them shown whole)
            "139\u{A0}1234\u{A0}5602", "139\u{2009}1234\u{2009}5603", "139\u{200B}12345604", "139–1234–5605", "139.1234.5606",
            "44010320050506007×", "44010320050506007Ⅹ", "440103\u{A0}20050505\u{A0}5553", "2024.09.05 19:26", "192.168.100.100",
            "13800138000.0", "139\u{2060}1234\u{2060}5678", "139\u{200D}1234 5678", "4401032005\u{AD}0506007x",
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

    /// Masking by Unicode scalars, as the rules read: a run of digits (ASCII or full-width; X, x or a character typed for
    /// it only as the 18th character) in groups separated by single spaces, hyphens or dots (half or full width, and the
    /// other Unicode spaces and dashes; an invisible character joins two groups); a typed shape of groups masked as
    /// a whole, else each group by its length.
    private static func referenceText(_ s: String) -> String {
        func digit(_ u: Unicode.Scalar) -> Character? {
            if ("0"..."9").contains(u) { return Character(u) }
            if ("\u{FF10}"..."\u{FF19}").contains(u) { return Character(Unicode.Scalar(u.value - 0xFF10 + 0x30)!) }
            return nil
        }
        func isX(_ u: Unicode.Scalar) -> Bool { ["X", "x", "\u{FF38}", "\u{FF58}", "\u{D7}", "\u{2169}", "\u{425}", "\u{445}"].contains(u) }
        func isSeparator(_ u: Unicode.Scalar) -> Bool {
            [" ", "-", ".", "\u{A0}", "\u{202F}", "\u{205F}", "\u{2212}", "\u{3000}", "\u{FF0D}", "\u{FF0E}"].contains(u)
                || (0x2000...0x200A).contains(u.value) || (0x2010...0x2015).contains(u.value)
        }
        func isJoiner(_ u: Unicode.Scalar) -> Bool { ["\u{AD}", "\u{2060}", "\u{FEFF}"].contains(u) || (0x200B...0x200F).contains(u.value) }
        func span(_ d: String) -> (Int, Int)? {
            if d.count >= 18 { return (6, 4) }
            if d.count == 15 { return d.hasPrefix("00861") ? (7, 4) : (6, 3) }
            if d.count == 13, d.hasPrefix("861") { return (5, 4) }
            if d.count == 11, d.hasPrefix("1") { return (3, 4) }
            return nil
        }
        let shapes: [([Int], String, Int, Int)] = [([4, 3, 4, 4], "00861", 7, 4), ([2, 3, 4, 4], "861", 5, 4), ([4, 11], "00861", 7, 4),
                                                   ([2, 11], "861", 5, 4), ([3, 4, 4], "1", 3, 4), ([6, 8, 4], "", 6, 4), ([6, 4, 4, 4], "", 6, 4),
                                                   ([6, 6, 3], "", 6, 3)]
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard digit(scalars[i]) != nil else { out.append(scalars[i]); i += 1; continue }
            var groups: [[Int]] = [[]]  // scalar indexes of each group's characters
            var j = i, count = 0
            while j < scalars.count {
                if digit(scalars[j]) != nil { groups[groups.count - 1].append(j); count += 1; j += 1; continue }
                if isX(scalars[j]), count == 17 || groups[groups.count - 1].count == 17 { groups[groups.count - 1].append(j); count += 1; j += 1; break }
                if isSeparator(scalars[j]) || isJoiner(scalars[j]), j + 1 < scalars.count, digit(scalars[j + 1]) != nil || (isX(scalars[j + 1]) && count == 17) {
                    if !isJoiner(scalars[j]) { groups.append([]) }
                    j += 1; continue
                }
                break
            }
            var hidden = Set<Int>()
            if count >= 11 {
                func text(_ indexes: [Int]) -> String { String(indexes.map { digit(scalars[$0]) ?? "X" }) }
                var g = 0
                while g < groups.count {
                    var taken = 1
                    var found: (Int, Int)? = nil
                    for (lengths, prefix, first, last) in shapes where g + lengths.count <= groups.count
                        && Array(groups[g..<(g + lengths.count)].map(\.count)) == lengths {
                        let joined = groups[g..<(g + lengths.count)].flatMap { $0 }
                        guard text(joined).hasPrefix(prefix), !text(joined).dropLast().contains("X"),
                              !text(joined).hasSuffix("X") || joined.count == 18 else { continue }
                        taken = lengths.count
                        found = (first, last)
                        break
                    }
                    if found == nil { found = span(text(groups[g])) }
                    let part = groups[g..<(g + taken)].flatMap { $0 }
                    if let (first, last) = found { for k in first..<(part.count - last) { hidden.insert(part[k]) } }
                    g += taken
                }
            }
            for k in i..<j { out.append(hidden.contains(k) ? "*" : scalars[k]) }
            i = j
        }
        return String(out)
    }
}
