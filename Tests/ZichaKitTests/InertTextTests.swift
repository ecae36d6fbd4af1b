import Testing
@testable import ZichaKit

/// Text from the inputs that could disguise itself where it is shown outside HTML: in a terminal, a CSV, a mail's text.
@Suite struct InertTextTests {
    @Test func messagesShowEscapeSequencesAndBidiControlsInsteadOfObeyingThem() {
        // Given a 考生号 that clears the screen and writes a fake line, and a name with a right-to-left override
        let message = "roster.csv:3: error: 考生号 \u{1B}[2J\u{1B}[32m zicha: all rows imported is not 14 digits; 姓名 \u{202E}一王\u{9B}"
        // Then the message shows them as text, line breaks and tabs kept
        #expect(StandardError.inert(message) == "roster.csv:3: error: 考生号 \\u{1B}[2J\\u{1B}[32m zicha: all rows imported is not 14 digits; 姓名 \\u{202E}一王\\u{9B}")
        #expect(StandardError.inert("第一行\n\t第二行") == "第一行\n\t第二行")
    }

    @Test func csvCellsAndMailTextShowBidiControlsAsMarks() {
        #expect(CSVText.cell("\u{202E}一王") == "[U+202E]一王")
        #expect(CSVText.cell("王\u{2066}一\u{2069}") == "王[U+2066]一[U+2069]")
        #expect(CSVText.cell("\u{200F}=1+1") == "[U+200F]=1+1", "marked first: the cell no longer starts a formula")
        #expect(CSVText.cell("“引号”与 \u{061C}") == "“引号”与 [U+061C]")
        #expect(CSVText.cell("“引号”") == "“引号”", "curly quotes share the bidi controls' first byte and stay")
        #expect(CSVText.markingBidiControls("学生 \u{202E}7000001") == "学生 [U+202E]7000001")
        let long = String(repeating: "“学籍”自查，", count: 12)
        #expect(CSVText.cell(long + "\u{202E}王\n一") == "\"" + long + "[U+202E]王\r\n一\"", "a long cell, with curly quotes before the control")
        #expect(CSVText.cell(long + "\u{061C}") == long + "[U+061C]")
    }

    @Test(arguments: ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
    func cellsStartingAFormulaAreNeutralizedShortOrLongQuotedOrNot(_ start: String) {
        // Short cells take one scan and long ones (64 bytes and more) another: both put the ' first.
        for rest in ["", String(repeating: "学", count: 25), String(repeating: "学", count: 25) + ",逗号"] {
            let cell = CSVText.cell(start + rest)
            let unquoted = cell.hasPrefix("\"") ? String(cell.dropFirst()) : cell
            #expect(unquoted.hasPrefix("'" + start.prefix(1).replacingOccurrences(of: "\r", with: "")), "\(start.debugDescription) + \(rest.count) characters: \(cell.debugDescription)")
        }
    }
}
