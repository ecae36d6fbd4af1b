import Foundation
import Testing
@testable import ZichaKit

/// The canonical cells the import fixtures hold (written by scripts/make_import_fixtures.py).
struct CanonicalFixtures: Decodable {
    var roster_fields: [String]
    var roster_files: [String]
    var roster: [[String]]
    var log_fields: [String]
    var log_files: [String]

    static let shared: CanonicalFixtures = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("canonical.json")))
        return try! JSONDecoder().decode(CanonicalFixtures.self, from: data)
    }()
}

@Suite struct DelimitedTextReaderTests {
    static func open(_ name: String, options: TableOptions = TableOptions()) throws -> DelimitedTextReader {
        try DelimitedTextReader(path: ImportFixtures.path(name), source: name, options: options)
    }

    static func records(_ reader: DelimitedTextReader) throws -> [TableRecord] {
        var out: [TableRecord] = []
        try reader.read { out.append($0) }
        return out
    }

    /// Encoding and delimiter a fixture's name promises.
    static func promised(_ name: String) -> (TextEncoding, UInt8) {
        let encoding: TextEncoding = name.contains("utf16le") ? .utf16le : name.contains("utf16be") ? .utf16be
            : name.contains("gb18030") ? .gb18030 : .utf8
        let delimiter: UInt8 = name.contains("-tab-") ? 0x09 : name.contains("-semicolon-") ? 0x3B : name.contains("-pipe-") ? 0x7C : 0x2C
        return (encoding, delimiter)
    }

    @Test(arguments: CanonicalFixtures.shared.roster_files)
    func everyRosterVariantReadsToTheSameCells(_ name: String) throws {
        // Given one roster saved in some encoding, delimiter, line ending and header style
        let canonical = CanonicalFixtures.shared
        // When
        let reader = try Self.open(name)
        let records = try Self.records(reader)
        // Then encoding and delimiter are detected
        #expect(reader.encoding == Self.promised(name).0)
        #expect(reader.delimiter == Self.promised(name).1)
        // and the header maps every field, whatever its language, order, width or padding
        let map = HeaderMap(kind: .roster, header: try #require(records.first).cells)
        #expect(map.isComplete)
        #expect(map.unknown.isEmpty)
        // and each row holds the same cells; the quoted newline keeps the record on its starting line
        let rows = records.dropFirst().map { r in canonical.roster_fields.map { map.value($0, in: r.cells) } }
        #expect(rows == canonical.roster)
        #expect(records.map(\.line) == [1, 2, 3, 5, 6, 7])
        #expect(records.allSatisfy { $0.decodingProblem == nil })
    }

    @Test(arguments: CanonicalFixtures.shared.log_files)
    func everyLogVariantReadsToTheSameEvents(_ name: String) throws {
        let reader = try Self.open(name)
        let records = try Self.records(reader)
        #expect(reader.encoding == Self.promised(name).0)
        #expect(reader.delimiter == Self.promised(name).1)
        let map = HeaderMap(kind: .log, header: try #require(records.first).cells)
        #expect(map.isComplete)
        let vocabulary = try EventVocabulary()
        let events = records.dropFirst().map { r in
            [map.value("time", in: r.cells).isEmpty ? "" : EventTime.parse(map.value("time", in: r.cells)).map(EventTime.format) ?? "?",
             IDNumber(map.value("id", in: r.cells), today: 20260905).normalized, map.value("name", in: r.cells),
             vocabulary.kind(of: map.value("event", in: r.cells))?.rawValue ?? "?", map.value("detail", in: r.cells)]
        }
        #expect(events == [
            ["2026-09-01 08:00:00", "110105199001010029", "张伟", "registered", ""],
            ["2026-09-01 08:30:00", "110105199001010029", "张伟", "viewed", ""],
            ["2026-09-02 10:00:00", "44030520060715103X", "阿依古丽·买买提", "register_failed", "证件号码已被注册, 请\"找回用户名\""],
            ["2026-09-02 11:15:00", "110101190602030010", "李䶮", "register_failed", "该证件已由征兵部门注册\n请用15位身份证号"],
            ["2026-09-03 23:59:00", "650102200609107533", "无名", "login", ""],
            ["", "110105199001010029", "张伟", "checked", ""],
        ])
    }

    @Test(arguments: [("broken-empty.csv", "empty"), ("broken-bom-only.csv", "byte order mark"), ("broken-binary.csv", "binary")])
    func notATableIsRefusedOnOpening(_ name: String, _ words: String) {
        let error = #expect(throws: ZichaError.self) { try Self.open(name) }
        #expect(error?.kind == .unreadableInput)
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains(name) == true)
        #expect(error?.description.contains(words) == true)
    }

    @Test func unclosedQuoteAtTheEndIsRefusedWithItsLine() throws {
        let reader = try Self.open("broken-unclosed-quote.csv")
        let error = #expect(throws: ZichaError.self) { try Self.records(reader) }
        #expect(error?.kind == .unreadableInput)
        #expect(error?.diagnostic.location == SourceLocation(file: "broken-unclosed-quote.csv", line: 3))
    }

    @Test func invalidBytesMarkOnlyTheirRow() throws {
        // Given a UTF-8 file with a GBK-encoded name on line 3
        let reader = try Self.open("roster-utf8-one-bad-row.csv")
        let records = try Self.records(reader)
        // Then it is still read as UTF-8 and only that record carries a problem
        #expect(reader.encoding == .utf8)
        #expect(records.map(\.line) == [1, 2, 3, 4])
        #expect(records.map { $0.decodingProblem != nil } == [false, false, true, false])
        #expect(records[3].cells == ["26110101000003", "李娜", "320102197001018646", "13900139000"])
    }

    @Test func aChineseUTF8HeaderDecidesOverManyGBKRows() throws {
        // Given a UTF-8 file whose one row, saved from another tool, is GBK — with more GBK bytes than UTF-8 ones
        let gbkName = Data([0xC5, 0xB7, 0xD1, 0xF4, 0xC4, 0xC8, 0xC4, 0xC8])  // 欧阳娜娜 in GBK
        var bytes = Data("考生号,姓名,身份证号\n26110101000001,张三,110105199001010029\n26110101000002,".utf8)
        for _ in 0..<10 { bytes += gbkName }
        bytes += Data(",320102197001018646\n".utf8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-mixed-\(UUID().uuidString).csv")
        try bytes.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        // Then the header decides: UTF-8, and only the GBK row carries a problem
        let reader = try DelimitedTextReader(path: url.path, source: "mixed.csv", options: TableOptions())
        #expect(reader.encoding == .utf8)
        #expect(try Self.records(reader).map { $0.decodingProblem != nil } == [false, false, true])
    }

    @Test func aSmallGBKFileThatIsValidUTF8ByChanceIsReadAsUTF8WithADoubt() throws {
        // Given a GBK roster with pinyin headers whose one name, 郑郑郑 (D6 A3 ×3), is also valid UTF-8 (a Hebrew accent)
        var bytes = Data("KSH,XM,SFZH\n26110101000001,".utf8)
        for _ in 0..<3 { bytes += Data([0xD6, 0xA3]) }
        bytes += Data(",110105199001010029\n".utf8)
        let path = try ImportFixtures.temporaryFile(bytes, name: "gbk.csv")
        // Then it is read as UTF-8 — bytes alone cannot tell it from a UTF-8 roster of Hebrew or Cyrillic names — with the
        // doubt raised, and --encoding gbk reads the name whole
        let reader = try DelimitedTextReader(path: path, source: "gbk.csv", options: TableOptions())
        #expect(reader.encoding == .utf8 && reader.mayBeGBK)
        let forced = try DelimitedTextReader(path: path, source: "gbk.csv", options: TableOptions(encoding: .gb18030))
        #expect(!forced.mayBeGBK)
        #expect(try Self.records(forced).last?.cells == ["26110101000001", "郑郑郑", "110105199001010029"])
        // The doubt, for other such names (钱强毛梅 lead with C3…C9, 陆路 with C2), also when the sample cuts a character
        for name in ["郑强", "郑平", "陆路", "钱强,毛梅", "牛欧平全山"] {
            let gbk = Data("XM,KSH\n".utf8) + name.data(using: String.Encoding(rawValue: 0x80000632))! + Data(",26110101000001\n".utf8)
            #expect(String(data: gbk, encoding: .utf8) != nil, "\(name) is valid UTF-8 in GBK, or the case proves nothing")
            #expect(EncodingDetector.mayBeGBK(ArraySlice(Array(gbk))), "\(name)")
            #expect(EncodingDetector.mayBeGBK(ArraySlice(Array(gbk.prefix(10)))), "\(name), cut after its first character")
        }
        // And none for UTF-8 with Chinese (three-byte sequences) or with Latin letters — accents, pinyin's tone marks, a
        // minority name's middle dot among letters
        for text in ["XM\nJosé\n张三\n", "XM\n郑郑郑\n", "name\nJosé García\nZoë Müller\n", "name\nLǚ Xiǎoméng\n", "name\nAyiguli·Maimaiti\n",
                     "name\nÉmile\n", "name\nИван Петров\n"] {
            let head = ArraySlice(Array(text.utf8))
            #expect(EncodingDetector.detect(head).encoding == .utf8 && !EncodingDetector.mayBeGBK(head), "\(text)")
        }
    }

    @Test func aGB18030FileWhoseHeaderPairsUpAsTwoByteUTF8IsGB18030() throws {
        // 状态, 学院, 专业 and 院系 are valid two-byte UTF-8 in GB18030: the header alone read as UTF-8
        for text in ["SFZH,XM,状态\n110105200701010025,王伟,已查\n", "exam_no,name,id_number,专业\n26420101000001,王伟,110105200701010025,会计学\n",
                     "class,学院,counselor,email\n,计算机学院,李老师,li@example.com\n"] {
            let gb = Array(text.data(using: String.Encoding(rawValue: 0x80000632))!)
            let header = gb.prefix { $0 != 0x0A }
            #expect(String(validating: header, as: UTF8.self) != nil, "\(text): its header reads as UTF-8, or the case proves nothing")
            #expect(EncodingDetector.detect(ArraySlice(gb)).encoding == .gb18030, "\(text)")
            #expect(EncodingDetector.detect(ArraySlice(Array(text.utf8))).encoding == .utf8, "\(text)")
        }
        // A UTF-8 header of two-byte characters whose rows are UTF-8 stays UTF-8
        #expect(EncodingDetector.detect(ArraySlice(Array("Prénom,Имя\nJosé,Иван\n".utf8))).encoding == .utf8)
    }

    @Test func forcedEncodingWins() throws {
        let gb = "roster-gb18030-comma-crlf-zh2.csv"
        let forced = try Self.open(gb, options: TableOptions(encoding: .gb18030))
        #expect(try Self.records(forced) == Self.records(Self.open(gb)))
        // Read as UTF-8 against the bytes, the Chinese rows become decoding problems
        let wrong = try Self.open(gb, options: TableOptions(encoding: .utf8))
        #expect(wrong.encoding == .utf8)
        #expect(try Self.records(wrong).dropFirst().allSatisfy { $0.decodingProblem != nil })
        // And a UTF-8 file read as GB18030: the rows that do not read say which encoding was used, and how to change it
        let utf8 = "roster-utf8-comma-lf-zh.csv"
        let misread = try Self.records(Self.open(utf8, options: TableOptions(encoding: .gb18030))).compactMap(\.decodingProblem)
        #expect(!misread.isEmpty)
        #expect(misread.allSatisfy { $0.hasSuffix("(read as GB18030; --encoding sets another)") }, "\(misread)")
        // A forced UTF-16 still skips its BOM
        let le = try Self.open("roster-utf16le-tab-crlf-zh.txt", options: TableOptions(encoding: .utf16le))
        #expect(try Self.records(le).first?.cells.last == "考生号")
        // A byte order mark wins: --encoding applies to every input, and a UTF-16 status export beside a GBK roster has one
        for name in ["roster-utf16le-tab-crlf-zh.txt", "roster-utf16be-tab-lf-py.txt"] {
            let marked = try Self.open(name, options: TableOptions(encoding: .gb18030))
            #expect(marked.encoding != .gb18030, "\(name)")
            #expect(try Self.records(marked) == Self.records(Self.open(name)), "\(name)")
        }
    }

    @Test(arguments: ["roster-utf16le-tab-crlf-zh.txt", "roster-utf16be-tab-lf-py.txt", "log-utf16be-tab-crlf-en.txt", "log-utf16le-tab-crlf-zh2.txt"])
    func utf16WithoutItsByteOrderMarkIsDetected(_ name: String) throws {
        // Given a UTF-16 export saved without its byte order mark
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path(name)))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-nobom-\(UUID().uuidString).txt")
        try bytes.dropFirst(2).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        // When it is opened without options
        let reader = try DelimitedTextReader(path: url.path, source: "nobom.txt", options: TableOptions())
        // Then it reads as the file with the mark does, not as a binary file
        #expect(reader.encoding == Self.promised(name).0)
        #expect(try Self.records(reader) == Self.records(Self.open(name)))
    }

    @Test func forcedDelimiterWins() throws {
        let reader = try Self.open("roster-utf8-comma-lf-zh.csv", options: TableOptions(delimiter: 0x7C))
        #expect(reader.delimiter == 0x7C)
        #expect(try Self.records(reader).first?.cells.count == 1)
    }

    // MARK: RFC 4180 details, on files written here

    static func read(_ bytes: [UInt8]) throws -> [TableRecord] {
        let path = try ImportFixtures.temporaryFile(Data(bytes))
        return try records(DelimitedTextReader(path: path, source: "t.csv", options: TableOptions()))
    }

    static func read(_ text: String) throws -> [TableRecord] { try read(Array(text.utf8)) }

    @Test func quotedCellsNewlinesAndDoubledQuotes() throws {
        let records = try Self.read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\"\",,\"\"\"\"\r\n")
        #expect(records.map(\.cells) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["", "", "\""]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func excelTextFormulasReadAsTheTextExcelShows() throws {
        // ="…" keeps a number as text in Excel: bare, quoted as a CSV cell, with a doubled quote inside; others stay.
        let records = try Self.read("a,b,c,d\n=\"420102200703150113\",\"=\"\"0086\"\"\",=\"say \"\"hi\"\"\",=SUM(A1)\n=\"\",=\"x,=\"\"\n")
        #expect(records.map(\.cells) == [["a", "b", "c", "d"], ["420102200703150113", "0086", "say \"hi\"", "=SUM(A1)"], ["", "=\"x", ""]])
    }

    @Test func lineEndingsLFCRLFAndCRAndBlankLines() throws {
        #expect(try Self.read("a,b\nc,d\n").map(\.cells) == [["a", "b"], ["c", "d"]])
        #expect(try Self.read("a,b\r\nc,d").map(\.cells) == [["a", "b"], ["c", "d"]])
        #expect(try Self.read("a,b\rc,d\r").map(\.cells) == [["a", "b"], ["c", "d"]])
        let blank = try Self.read("a,b\n\n\nc,d\n")
        #expect(blank.map(\.cells) == [["a", "b"], ["c", "d"]])
        #expect(blank.map(\.line) == [1, 4])
    }

    @Test func delimiterInsideQuotedHeaderDoesNotCount() throws {
        #expect(DelimitedTextReader.detectDelimiter(Array("\"a,b,c\";x;y\n1,2,3,4,5".utf8)) == 0x3B)
        #expect(DelimitedTextReader.detectDelimiter(Array("a\tb|c\td".utf8)) == 0x09)
        #expect(DelimitedTextReader.detectDelimiter(Array("only".utf8)) == 0x2C)
    }

    @Test func utf16ChunkBoundariesAndSurrogates() {
        // A character outside the BMP split across chunks, then an unpaired surrogate
        var t = UTF16Transcoder(bigEndian: false)
        var out: [UInt8] = []
        let bytes: [UInt8] = [0x42, 0xD8, 0xB7, 0xDF, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00]  // 𠮷 A <lone high> A
        t.transcode(bytes[0..<3], final: false, into: &out)
        t.transcode(bytes[3...], final: true, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "𠮷A\u{FFFD}A")
    }

    @Test func gb18030FourByteCharactersAcrossChunks() throws {
        // 𠮷 (U+20BB7) is four bytes in GB18030; split it between two chunks
        let encoded: [UInt8] = [0x95, 0x34, 0xB2, 0x35]
        let t = try GB18030Transcoder()
        var out: [UInt8] = []
        t.transcode(ArraySlice([0xC0, 0xEE] + encoded[0..<2]), final: false, into: &out)
        t.transcode(encoded[2...], final: true, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "李𠮷")
    }
}
