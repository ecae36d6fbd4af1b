import Testing
@testable import ZichaKit

/// One row of the name table: the roster cell, its normalized form, and the simplified proposal (nil: not flagged).
struct NameVector: Sendable, CustomTestStringConvertible {
    let input: String
    let normalized: String
    let proposal: String?

    init(_ input: String, _ proposal: String?, normalized: String? = nil) {
        self.input = input
        self.normalized = normalized ?? input
        self.proposal = proposal
    }

    var testDescription: String { input.debugDescription }
}

@Suite struct PersonNameTests {
    /// OpenCC (Debian libopencc-dev) and the bundled exception list, opened once.
    static let check: TraditionalNameCheck = try! TraditionalNameCheck.bundled()

    static let vectors: [NameVector] = [
        // Traditional names: the simplified form is proposed, character by character.
        NameVector("張偉", "张伟"), NameVector("劉德華", "刘德华"), NameVector("陳嘉樂", "陈嘉乐"),
        NameVector("趙麗穎", "赵丽颖"), NameVector("鄭爽", "郑爽"), NameVector("馮小剛", "冯小刚"),
        NameVector("蔣雯麗", "蒋雯丽"), NameVector("楊紫瓊", "杨紫琼"), NameVector("鄧麗君", "邓丽君"),
        NameVector("蘇軾", "苏轼"), NameVector("盧靖姍", "卢靖姗"), NameVector("葉問", "叶问"),
        NameVector("萬曉東", "万晓东"), NameVector("莊子軒", "庄子轩"), NameVector("顏真卿", "颜真卿"),
        NameVector("韓紅", "韩红"), NameVector("孫儷", "孙俪"), NameVector("錢學森", "钱学森"),
        NameVector("閻學晉", "阎学晋"), NameVector("嚴歌苓", "严歌苓"), NameVector("蕭敬騰", "萧敬腾"),
        NameVector("龍應台", "龙应台"), NameVector("鍾漢良", "钟汉良"), NameVector("黃曉明", "黄晓明"),
        NameVector("吳謹言", "吴谨言"), NameVector("許晴", "许晴"), NameVector("王小明", nil),
        // Compound surnames.
        NameVector("歐陽娜娜", "欧阳娜娜"), NameVector("司馬遷", "司马迁"), NameVector("諸葛亮", "诸葛亮"),
        NameVector("歐陽修", "欧阳修"), NameVector("上官婉兒", "上官婉儿"), NameVector("東方朔", "东方朔"),
        NameVector("皇甫謐", "皇甫谧"), NameVector("長孫無忌", "长孙无忌"), NameVector("慕容復", "慕容复"),
        NameVector("司徒雷登", nil), NameVector("夏侯惇", nil), NameVector("端木蕻良", nil),
        NameVector("欧阳娜娜", nil), NameVector("司马迁", nil), NameVector("诸葛亮", nil),
        // Simplified names stay as they are.
        NameVector("张伟", nil), NameVector("王芳", nil), NameVector("李娜", nil), NameVector("刘德华", nil),
        // Phrase trap: 沈思 is a name (沈 surname), not 沉思.
        NameVector("沈思", nil), NameVector("沈阳", nil), NameVector("沈從文", "沈从文"),
        // Exception characters the 通用规范汉字表 allows in names: never flagged, never converted.
        NameVector("乾隆", nil), NameVector("於文", nil), NameVector("甯浩", nil), NameVector("李昇", nil),
        NameVector("張陞", "张陞"), NameVector("王甦", nil), NameVector("氾勝之", "氾胜之"), NameVector("麴秀", nil),
        NameVector("陈著", nil), NameVector("李釐", nil), NameVector("哪吒", nil), NameVector("王脩", nil),
        NameVector("魏徵", nil), NameVector("於文華", "於文华"), NameVector("甯靜", "甯静"),
        // Traditional characters the table simplifies otherwise in names than OpenCC does (an audit found 王鉅 → 王巨).
        NameVector("王鉅", "王钜"), NameVector("鉅鹿", "钜鹿"), NameVector("王钜", nil),
        // 锺, the table's form of 鍾 in names beside OpenCC's 钟, is simplified (see RulesTests for 鍾明 admitted, 锺明 now).
        NameVector("锺明", nil), NameVector("鐘明", "钟明"),
        // Minority names: the middle dot variants fold to U+00B7.
        NameVector("阿依古丽•买买提", nil, normalized: "阿依古丽·买买提"),
        NameVector("阿依古丽・买买提", nil, normalized: "阿依古丽·买买提"),
        NameVector("阿依古丽．买买提", nil, normalized: "阿依古丽·买买提"),
        NameVector("阿依古丽‧买买提", nil, normalized: "阿依古丽·买买提"),
        NameVector("阿依古丽·买买提", nil),
        // An ASCII full stop typed for the dot between Chinese characters (an audit found 米娜.依明 a NAME_CHANGED of 米娜·依明).
        NameVector("米娜.依明", nil, normalized: "米娜·依明"), NameVector("J.K. Li", nil), NameVector("米娜.", nil),
        // White space beside the typed dot is dropped, so the dot is read as one either way (the fuzzer found `米娜 .依明`
        // folding to 米娜.依明, then to 米娜·依明 when normalized again)
        NameVector("米娜 .依明", nil, normalized: "米娜·依明"), NameVector("米娜. 依明", nil, normalized: "米娜·依明"),
        NameVector("買買提・艾力", "买买提·艾力", normalized: "買買提·艾力"),
        NameVector("迪丽热巴•迪力木拉提", nil, normalized: "迪丽热巴·迪力木拉提"),
        // Surrounding white space, the ideographic space U+3000 included, is trimmed.
        NameVector("\u{3000}张伟\u{3000}", nil, normalized: "张伟"),
        NameVector("  王芳\t", nil, normalized: "王芳"),
        NameVector("\u{3000}張偉 ", "张伟", normalized: "張偉"),
        // White space inside: dropped beside Chinese characters and middle dots (a two-character name padded with
        // U+3000 to the width of three is the name on the ID card), one space kept between Latin letters.
        NameVector("王\u{3000}一", nil, normalized: "王一"), NameVector("王 一", nil, normalized: "王一"),
        NameVector("張\u{3000}偉", "张伟", normalized: "張偉"), NameVector("王\u{00A0}一", nil, normalized: "王一"),
        NameVector("阿依古丽 · 买买提", nil, normalized: "阿依古丽·买买提"),
        NameVector("阿依古丽\u{3000}•\u{3000}买买提", nil, normalized: "阿依古丽·买买提"),
        // Not Chinese: untouched.
        NameVector("Li Na", nil), NameVector("ANNA·SMITH", nil), NameVector("Li \u{3000} Na", nil, normalized: "Li Na"),
        // One name however it was typed or copied (an audit, session 32): compatibility ideographs are the characters
        // they stand for, so OpenCC sees 羅 and 陸; a Kangxi radical from a PDF is its character; full-width letters are
        // letters, and keep their space; a decomposed ü is one; invisible characters are dropped.
        NameVector("\u{F90F}明", "罗明", normalized: "羅明"), NameVector("\u{F9D3}偉", "陆伟", normalized: "陸偉"),
        NameVector("王\u{2F08}", nil, normalized: "王人"), NameVector("Ｌｉ Ｎａ", nil, normalized: "Li Na"),
        NameVector("Lu\u{0308}\u{030C} Na", nil, normalized: "L\u{01DA} Na"), NameVector("Ｊ．Ｋ． Li", nil, normalized: "J.K. Li"),
        NameVector("张\u{200D}伟", nil, normalized: "张伟"), NameVector("张\u{00AD}伟", nil, normalized: "张伟"),
        NameVector("葛\u{E0100}明", nil, normalized: "葛明"), NameVector("张\u{FE0F}伟", nil, normalized: "张伟"),
        NameVector("\u{200D}", nil, normalized: ""), NameVector("\u{00AD}\u{FE0F}", nil, normalized: ""),
        // The word-separator middle dot, and the ideographic full stop typed for the dot between Chinese characters
        NameVector("阿依古丽\u{2E31}买买提", nil, normalized: "阿依古丽·买买提"), NameVector("米娜。依明", nil, normalized: "米娜·依明"),
        NameVector("王明。", nil),
    ]

    @Test func theTableHasAtLeastFiftyVectors() {
        #expect(Self.vectors.count >= 50)
    }

    @Test(arguments: vectors)
    func normalizesAndProposesTheSimplifiedForm(_ v: NameVector) {
        // When
        let name = PersonName(v.input)
        let proposal = Self.check.simplified(name.normalized)
        // Then
        #expect(name.raw == v.input, "the cell is kept as given")
        #expect(name.normalized == v.normalized)
        #expect(proposal == v.proposal)
        if let proposal {
            #expect(proposal.count == name.normalized.count, "converted character by character")
            #expect(Self.check.simplified(proposal) == nil, "the proposal itself is simplified")
        }
    }

    static let exceptionCharacters = Array("乾於甯昇陞甦氾麴著釐吒脩徵")

    @Test(arguments: exceptionCharacters)
    func exceptionCharactersAreNeverFlaggedNorConverted(_ c: Character) {
        // Given a name holding the character beside a traditional one
        #expect(Self.check.exceptions.contains(c.unicodeScalars.first!))
        #expect(Self.check.simplified("王\(c)") == nil)
        // Then the traditional neighbour is converted and the exception kept
        #expect(Self.check.simplified("劉\(c)") == "刘\(c)")
    }

    @Test func openCCWouldTurnMostExceptionsIntoAnotherName() throws {
        // Why the list exists: OpenCC alone reads 於 as 于, 甯 as 宁, 麴 as 曲 — other surnames.
        let converter = try OpenCCConverter()
        #expect(converter.simplified("於") == "于")
        #expect(converter.simplified("甯") == "宁")
        #expect(converter.simplified("麴") == "曲")
        #expect(converter.simplified("乾") == "干")
    }

    @Test func nameWithoutExceptionsTrustsOpenCC() throws {
        // Given a check with an empty exception list
        let bare = TraditionalNameCheck(converter: try OpenCCConverter(), exceptions: [])
        // Then 於 is proposed as 于: the exception list is what prevents it
        #expect(bare.simplified("於文") == "于文")
        #expect(bare.simplified("沈思") == nil, "still character by character, no phrase rule")
    }
}
