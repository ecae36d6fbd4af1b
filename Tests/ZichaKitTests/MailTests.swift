import CCurlShim
import Foundation
import Testing
@testable import ZichaKit

/// Sample lists, tools and a real MIME parser (Python's email package) shared by the mail tests.
enum MailFixture {
    static let asOf = "2026-11-29"

    static func row(_ ksh: String, _ name: String, college: String = "计算机学院", className: String = "计科2401",
                    counselor: String = "张伟", email: String = "zhangwei@example.edu.cn",
                    id: String = "110105200601010021", phone: String = "13800138000",
                    findings: [FindingLine] = [FindingLine(code: .notRegistered, detail: "", remedies: ["GUIDE", "NOTE-1"], change: .new)]) -> FollowupRow {
        FollowupRow(college: college, className: className, counselor: counselor, counselorEmail: email, ksh: ksh,
                    xh: "20240" + ksh.suffix(5), name: name, idNumber: id, phone: phone, state: .unchecked,
                    daysOutstanding: 3, findings: findings)
    }

    /// 张伟 (three students, one with a shared phone and an HTML-looking name) and 李娜 (one student).
    static var lists: [CounselorList] {
        let shared = FindingLine(code: .duplicatePhone, detail: "与 王芳 (24110101000007) 共用 13800138000", remedies: ["FAQ-9"], change: .persisting)
        return [
            CounselorList(counselor: "张伟", email: "zhangwei@example.edu.cn", colleges: ["计算机学院"], rows: [
                row("24110101000001", "王小明", findings: [shared]),
                row("24110101000002", "<b>李雷</b>&", id: "11010520060101002X"),
                row("24110101000003", "=SUM(A1)", phone: "13912345678"),
            ]),
            CounselorList(counselor: "李娜", email: "lina@example.edu.cn", colleges: ["外国语学院"], rows: [
                row("24110201000001", "阿依古丽·买买提", college: "外国语学院", className: "英语2401", counselor: "李娜", email: "lina@example.edu.cn"),
            ]),
        ]
    }

    static var catalog: RemedyCatalog { get throws { try RemedyCatalog.bundled() } }

    static func composer(replyTo: MailAddress? = nil) throws -> MessageComposer {
        MessageComposer(from: try MailAddress(address: "xueji@example.edu.cn", name: "学籍科（教务处）"), replyTo: replyTo,
                        catalog: try catalog, asOf: asOf, deadline: "2026-12-15", deadlineText: "请于截止日前完成。")
    }

    static var fixtures: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("mail") }

    /// A fresh folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zicha-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program to its end (killed after `timeout` seconds); returns its exit status and stdout.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], timeout: Double = 60) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        return (process.terminationStatus, data)
    }

    /// What Python's email package reads in each file.
    static func parse(_ files: [URL]) throws -> [[String: Any]] {
        let script = fixtures.appendingPathComponent("parse_mail.py").path
        let (status, data) = try run("/usr/bin/python3", [script] + files.map(\.path))
        #expect(status == 0)
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    static func parse(_ message: ComposedMessage) throws -> [String: Any] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("m.eml")
        try Data(message.bytes).write(to: file)
        return try parse([file]).first ?? [:]
    }
}

@Suite struct MailTests {
    @Test func anUnreachableServerPointsAtAPortOfTheOtherTLSMode() {
        func hint(_ port: Int, _ tls: MailSettings.TLSMode) -> String {
            SMTPTransport(host: "smtp.example.edu.cn", port: port, tls: tls, username: nil, password: nil, caFile: nil,
                          connectTimeout: 15, totalTimeout: 60, heloDomain: "example.edu.cn").unreachableHint
        }
        #expect(hint(465, .starttls).hasPrefix("port 465 is usually implicit TLS: set mail.tls to \"implicit\""))
        #expect(hint(587, .implicit).hasPrefix("port 587 usually takes STARTTLS: set mail.tls to \"starttls\""))
        #expect(hint(587, .starttls).hasPrefix("check mail.host and mail.port") && hint(587, .starttls).contains("mail.connectTimeoutSeconds (now 15 s)"))
    }

    @Test func theDeadlineDayIsTodayNotZeroDaysLeft() throws {
        func line(asOf: String) throws -> String {
            let composer = MessageComposer(from: try MailAddress(address: "xueji@example.edu.cn"), replyTo: nil, catalog: try MailFixture.catalog,
                                           asOf: asOf, deadline: "2026-12-15", deadlineText: nil)
            let list = MailFixture.lists[1]
            let text = try #require(try MailFixture.parse(try composer.compose(list, to: try MailAddress(address: list.email)))["text"] as? String)
            return text.components(separatedBy: .newlines).first { $0.hasPrefix("自查截止日期") } ?? ""
        }
        #expect(try line(asOf: "2026-12-13") == "自查截止日期：2026-12-15（还剩 2 天）。")
        #expect(try line(asOf: "2026-12-15") == "自查截止日期：2026-12-15（今天截止）。", "as summary.html says it: students can still act")
        #expect(try line(asOf: "2026-12-18") == "自查截止日期：2026-12-15（已过截止日期 3 天）。")
    }

    @Test func recoveringByEmailIsNotAdvisedBesideARecoveryThatFailedOrAnUnusableEmail() {
        let notChecked = FindingLine(code: .registeredNotChecked, detail: "注册成功 2026-11-20 09:00:00", remedies: ["GUIDE", "FAQ-4"], change: .new)
        #expect(MailFixture.row("24110101000009", "陈新", findings: [notChecked]).remedyIDs == ["GUIDE", "FAQ-4"])
        for (code, remedy) in [(FindingCode.emailUnusable, "FAQ-7"), (.recoveryBlocked, "FAQ-6"), (.recoveryNotRegistered, "FAQ-1")] {
            let failed = FindingLine(code: code, detail: "", remedies: [remedy], change: .new)
            #expect(MailFixture.row("24110101000009", "陈新", findings: [notChecked, failed]).remedyIDs == ["GUIDE", remedy], "\(code)")
        }
    }

    @Test func aRenamedStudentBlockedFromRecoveryReadsTheAdmissionNameFirst() {
        // FAQ 注意2 before FAQ-6: "register again" would only meet 证件号码已被注册 when the mismatch is the name change.
        let blocked = FindingLine(code: .recoveryBlocked, detail: "找回用户名 3 次提示姓名不符", remedies: ["FAQ-6"], change: .new)
        let renamed = FindingLine(code: .nameChanged, detail: "录取姓名 陈旧", remedies: ["NOTE-2"], change: .new)
        #expect(MailFixture.row("24110101000009", "陈新", findings: [blocked, renamed]).remedyIDs == ["NOTE-2", "FAQ-6"])
        #expect(MailFixture.row("24110101000009", "陈新", findings: [blocked]).remedyIDs == ["FAQ-6"])
        // A roster ID no log row can match: the lists do not say "not registered", which is not known.
        let unmatchable = FindingLine(code: .notRegistered, detail: Rules.unmatchableID, remedies: ["GUIDE", "NOTE-1"], change: .new)
        #expect(unmatchable.title == "无法核对自查状态")
        #expect(FindingLine(code: .notRegistered, detail: "自查记录中没有该生的任何记录", remedies: [], change: .new).title == "尚未注册学信网账号")
        let cells = FollowupTable.cells(MailFixture.row("24110101000010", "郑凯", findings: [unmatchable]), catalog: try! RemedyCatalog.bundled(), masked: true)
        #expect(cells.contains("无法核对自查状态（\(Rules.unmatchableID)）"))
    }

    @Test func sha256MatchesTheFIPSVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func aRefusalIsReadFromTheCommandAndTheServersWords() {
        func classify(_ detail: String, _ reply: Int, _ said: String, dataDone: Bool = false) -> DeliveryResult {
            SMTPTransport.classify(CURLE_SEND_ERROR, reply: reply, serverSaid: said, dataDone: dataDone, detail: detail, timeLimit: 60)
        }
        // An address refused for good, with or without an enhanced code
        #expect(classify("RCPT failed: 550", 550, "550 5.1.1 user unknown") == .refusedRecipient("550 5.1.1 user unknown"))
        #expect(classify("RCPT failed: 553", 553, "553 mailbox name not allowed") == .refusedRecipient("553 mailbox name not allowed"))
        #expect(classify("RCPT failed: 550", 550, "550 5.1.1 <x@example.edu.cn>: Recipient address rejected: User unknown in relay recipient table")
                == .refusedRecipient("550 5.1.1 <x@example.edu.cn>: Recipient address rejected: User unknown in relay recipient table"))
        // A policy refusal (5.7.x, or the words of one without an enhanced code) is not the address's fault
        #expect(classify("RCPT failed: 554", 554, "554 5.7.1 Relay access denied") == .refusedByPolicy("554 5.7.1 Relay access denied"))
        for words in ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", "550 Relaying denied", "550 relay not permitted",
                      "530 Authentication required", "550 Sending to this domain is not permitted"] {
            #expect(classify("RCPT failed: \(words.prefix(3))", Int(words.prefix(3))!, words) == .refusedByPolicy(words))
        }
        // A refused sender or greeting stops the mail; a refused message fails that message
        #expect(classify("MAIL failed: 553", 553, "553 5.1.8 sender domain unknown")
                == .fatal("the server refused the sender: the server answered MAIL FROM with 553 5.1.8 sender domain unknown"))
        #expect(SMTPTransport.classify(CURLE_WEIRD_SERVER_REPLY, reply: 554, serverSaid: "554 no SMTP service here", dataDone: false,
                                       detail: "Got unexpected smtp-server response: 554", timeLimit: 60)
                == .fatal("the server refused the connection: the server answered the greeting with 554 no SMTP service here"))
        #expect(classify("DATA failed: 554", 554, "554 5.6.0 message refused") == .permanent("the server answered DATA with 554 5.6.0 message refused"))
        // A temporary refusal of one recipient, or of one message's end, is retried for that message
        #expect(classify("RCPT failed: 450", 450, "450 4.2.1 mailbox busy") == .transient("the server answered RCPT TO with 450 4.2.1 mailbox busy"))
        #expect(SMTPTransport.classify(CURLE_WEIRD_SERVER_REPLY, reply: 451, serverSaid: "451 4.3.0 try later", dataDone: true,
                                       detail: "Weird server reply", timeLimit: 60) == .transient("the server answered the message with 451 4.3.0 try later"))
        // A temporary refusal before any recipient, or a 421 anywhere, is the server's or the sender's: the mail stops after its tries
        #expect(SMTPTransport.classify(CURLE_WEIRD_SERVER_REPLY, reply: 421, serverSaid: "421 4.3.2 busy", dataDone: false,
                                       detail: "Got unexpected smtp-server response: 421", timeLimit: 60)
                == .unavailable("refused mail for now: the server answered the greeting with 421 4.3.2 busy"))
        #expect(SMTPTransport.classify(CURLE_REMOTE_ACCESS_DENIED, reply: 450, serverSaid: "450 not now", dataDone: false,
                                       detail: "Remote access denied: 450", timeLimit: 60)
                == .unavailable("refused mail for now: the server answered EHLO with 450 not now"))
        #expect(SMTPTransport.classify(CURLE_LOGIN_DENIED, reply: 454, serverSaid: "454 4.7.0 Temporary authentication failure", dataDone: false,
                                       detail: "Authentication failed: 454", timeLimit: 60)
                == .unavailable("refused mail for now: the server answered AUTH with 454 4.7.0 Temporary authentication failure"))
        #expect(classify("MAIL failed: 451", 451, "451 4.7.1 rate limited")
                == .unavailable("refused mail for now: the server answered MAIL FROM with 451 4.7.1 rate limited"))
        #expect(classify("RCPT failed: 421", 421, "421 4.7.0 closing") == .unavailable("refused mail for now: the server answered RCPT TO with 421 4.7.0 closing"))
        #expect(SMTPTransport.classify(CURLE_WEIRD_SERVER_REPLY, reply: 421, serverSaid: "421 4.3.2 shutting down", dataDone: true,
                                       detail: "Weird server reply", timeLimit: 60)
                == .unavailable("refused mail for now: the server answered the message with 421 4.3.2 shutting down"))
        // A login refused for good stops the mail at once
        #expect(SMTPTransport.classify(CURLE_LOGIN_DENIED, reply: 535, serverSaid: "535 5.7.8 Authentication credentials invalid", dataDone: false,
                                       detail: "Authentication failed: 535", timeLimit: 60)
                == .fatal("the server refused the login (535 5.7.8 Authentication credentials invalid)"))
        // Words that are not the last reply's are not shown as if they were
        #expect(classify("RCPT failed: 550", 550, "250 OK") == .refusedRecipient("550"))
    }

    @Test func aTimeoutBeforeTheMessageIsOutIsAServerNotThereAfterItAMessageMaybeDeliveredAndTheEnd() {
        let said = "Operation timed out after 1001 milliseconds with 0 bytes received"
        func classify(_ result: CURLcode, reply: Int, dataDone: Bool) -> DeliveryResult {
            SMTPTransport.classify(result, reply: reply, serverSaid: "", dataDone: dataDone, detail: said, timeLimit: 5)
        }
        #expect(classify(CURLE_OPERATION_TIMEDOUT, reply: 0, dataDone: false) == .unreachable(said))
        #expect(classify(CURLE_OPERATION_TIMEDOUT, reply: 250, dataDone: false) == .unreachable(said))
        #expect(classify(CURLE_OPERATION_TIMEDOUT, reply: 354, dataDone: true) == .unanswered(seconds: 5))
        // A connection that ends after the data (not a silence) is one message's fate unknown; the mail goes on
        #expect(classify(CURLE_RECV_ERROR, reply: 354, dataDone: true)
                == .unknown("the connection ended after the message was sent, with no final reply: \(said)"))
    }

    @Test(arguments: [
        ("x@example.com\r\nBcc: evil@example.com", "line break"), ("a@example.com, b@example.com", "more than one"),
        ("a@example.com;b@example.com", "more than one"), ("zhang wei@example.com", "space"), ("zhangwei", "no @"),
        ("a@b@example.com", "more than one @"), ("张伟@example.com", "ASCII"), ("a@example", "domain"),
        ("a..b@example.com", "mailbox name"), ("", "empty"), ("a@-example.com", "domain"), ("<a@example.com>", "mailbox name"),
    ])
    func refusesAddressesThatAreNotOnePlainAddrSpec(address: String, reason: String) {
        #expect(throws: MailAddress.Problem.self) { try MailAddress(address: address) }
        do { _ = try MailAddress(address: address) } catch let p as MailAddress.Problem { #expect(p.reason.contains(reason)) } catch {}
    }

    @Test func acceptsPlainAddressesAndCleansNames() throws {
        let a = try MailAddress(address: " Zhang.Wei+2026@Mail.Example.edu.cn ", name: "张伟\r\nBcc: evil@example.com\u{0}")
        #expect(a.address == "Zhang.Wei+2026@Mail.Example.edu.cn")
        #expect(a.ledgerKey == "zhang.wei+2026@mail.example.edu.cn")
        #expect(a.name == "张伟 Bcc: evil@example.com")
        #expect(a.domain == "Mail.Example.edu.cn")
    }

    @Test func aNameThatLooksLikeAnEncodedWordIsEncodedNotPassedThrough() throws {
        // A roster name written as an encoded word would be decoded by the mail program into any text it says.
        let fake = "=?UTF-8?B?5byg?="
        #expect(!MIMEEncoding.isPlainPhrase(fake))
        let header = MIMEEncoding.mailbox("To", try MailAddress(address: "a@example.cn", name: fake))
        #expect(!header.contains(fake), "\(header)")
        #expect(header.contains("=?UTF-8?B?" + Data(fake.utf8).base64EncodedString()), "\(header)")
    }

    @Test func bidiControlsAndLineSeparatorsLeaveNamesAndSubjects() throws {
        for control in ["\u{202E}", "\u{2066}", "\u{200F}", "\u{061C}", "\u{2028}"] {
            #expect(try MailAddress(address: "a@example.cn", name: "张\(control)老师").name == "张 老师", "\(control.unicodeScalars.first!.value)")
            let subject = MIMEEncoding.unstructured("Subject", "学籍\(control)自查")
            #expect(subject == MIMEEncoding.unstructured("Subject", "学籍 自查"), "\(control.unicodeScalars.first!.value)")
        }
    }

    @Test func theMailboxNameBeforeTheAtIsAtMost64Bytes() throws {
        _ = try MailAddress(address: String(repeating: "a", count: 64) + "@example.cn")
        #expect(throws: MailAddress.Problem.self) { try MailAddress(address: String(repeating: "a", count: 65) + "@example.cn") }
    }

    @Test func encodedWordsNeverSplitACharacterAndStayShort() throws {
        let text = "【学籍自查】𠀀𠀁😀 计算机科学与技术学院、外国语学院 " + String(repeating: "测", count: 40)
        let words = MIMEEncoding.encodedWords(text, firstLineUsed: 9)
        #expect(words.count > 3)
        var joined = ""
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let b64 = word.dropFirst(10).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(b64)))
            let piece = try #require(String(data: bytes, encoding: .utf8))  // each word is whole UTF-8 on its own
            joined += piece
        }
        #expect(joined == text)
        let header = MIMEEncoding.unstructured("Subject", text)
        #expect(header.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
    }

    @Test func composesAMessageThatAMIMEParserReadsExactly() throws {
        let composer = try MailFixture.composer(replyTo: try MailAddress(address: "office@example.edu.cn"))
        let list = MailFixture.lists[0]
        let message = try composer.compose(list, to: try MailAddress(address: list.email, name: list.counselor))
        let parsed = try MailFixture.parse(message)

        #expect(parsed["subject"] as? String == "【学籍自查】2026-11-29 待跟进学生 3 人（计算机学院）")
        #expect(parsed["from_name"] as? String == "学籍科（教务处）")
        #expect(parsed["from_addr"] as? String == "xueji@example.edu.cn")
        #expect(parsed["to"] as? [[String]] == [["张伟", "zhangwei@example.edu.cn"]])
        #expect(parsed["content_types"] as? [String] == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                                                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"])
        #expect(parsed["defects"] as? [String] == [])
        #expect(parsed["crlf_only"] as? Bool == true)
        #expect((parsed["max_line"] as? Int ?? 999) <= 998)
        #expect(parsed["auto_submitted"] as? String == "auto-generated")
        #expect(parsed["mime_version"] as? String == "1.0")
        #expect(parsed["date"] as? String == "Sun, 29 Nov 2026 00:00:00 +0800")
        #expect(parsed["message_id"] as? String == "<\(message.messageID)>")
        #expect(message.messageID.hasSuffix("@example.edu.cn"))
        let name = "学籍自查待跟进_2026-11-29_张伟.csv"
        #expect(parsed["attachment_filename"] as? String == name)
        #expect(parsed["param_name"] as? String == name)
        #expect(parsed["param_filename"] as? String == name)
        #expect(parsed["param_filename_star"] as? String == name)
        #expect(parsed["disposition"] as? String == "attachment")
        #expect(parsed["csv_charset"] as? String == "utf-8")
        let csv = try #require(parsed["csv"] as? String)
        #expect(csv == MessageComposer.csv(composer.cells(for: list)))
        // The workbook beside it holds the same rows, its 考生号, 学号 and ID columns as text (Excel would show a CSV's
        // 14-digit 考生号 as 2.64201E+13 and drop a 学号's leading zeros).
        #expect(parsed["workbook_filename"] as? String == "学籍自查待跟进_2026-11-29_张伟.xlsx")
        let sheet = try #require(parsed["workbook_rows"] as? [[String]])
        #expect(sheet == [FollowupTable.header] + composer.cells(for: list))
        #expect(parsed["workbook_ksh_is_text"] as? Bool == true)
        #expect(csv.hasPrefix("\u{FEFF}学院,班级,辅导员,考生号"))
        #expect(csv.replacingOccurrences(of: "\r\n", with: "").contains("\n") == false || csv.contains("\r\n"))
        #expect(Self.records(csv) == 4)  // header, 3 students
        #expect(csv.contains("'=SUM(A1)"))
    }

    @Test func masksIDsAndPhonesAndEscapesHTMLEverywhere() throws {
        let list = MailFixture.lists[0]
        let message = try MailFixture.composer().compose(list, to: try MailAddress(address: list.email, name: list.counselor))
        let parsed = try MailFixture.parse(message)
        let text = try #require(parsed["text"] as? String)
        let html = try #require(parsed["html"] as? String)
        let csv = try #require(parsed["csv"] as? String)
        for body in [text, html, csv] {
            #expect(!body.contains("110105200601010021"))
            #expect(!body.contains("13800138000"))
            #expect(!body.contains("13912345678"))
            #expect(body.contains("110105********0021"))
            #expect(body.contains("138****8000"))
        }
        #expect(html.contains("&lt;b&gt;李雷&lt;/b&gt;&amp;"))
        #expect(!html.contains("<b>"))
        #expect(!html.lowercased().contains("<style"))
        #expect(html.contains("style=\""))
        #expect(text.contains("张伟老师：您好！"))
        #expect(text.contains("自查截止日期：2026-12-15（还剩 16 天）"))
        #expect(text.contains("请于截止日前完成。"))
    }

    @Test func theHTMLBodyIsOneCardPerStudentThatFitsAPhone() throws {
        let list = MailFixture.lists[0]
        let parsed = try MailFixture.parse(try MailFixture.composer().compose(list, to: try MailAddress(address: list.email, name: list.counselor)))
        let html = try #require(parsed["html"] as? String)
        // No table (eleven columns put the problem and remedy off a phone's screen): a block per student, as in the text.
        #expect(!html.contains("<table"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        let cards = html.components(separatedBy: "<div style=\"border:1px solid #ddd").dropFirst()
        #expect(cards.count == list.rows.count)
        for (index, card) in cards.enumerated() {
            let row = list.rows[index]
            #expect(card.contains(">\(index + 1). \(HTML.escape(row.className)) \(HTML.escape(row.name)) <span"), "\(card)")
            #expect(card.contains("考生号 \(row.ksh)"), "\(card)")
            #expect(card.contains("问题：</span>") && card.contains("处理办法：</span><br>"), "\(card)")
            #expect(card.contains("overflow-wrap:anywhere"), "a long unbroken name or URL wraps inside the card")
        }
        // A student without a phone on the roster: no empty label, in either part
        let noPhone = CounselorList(counselor: "张伟", email: "zhangwei@example.edu.cn", colleges: ["计算机学院"],
                                    rows: [MailFixture.row("24110101000009", "赵六", phone: "")])
        let parsed2 = try MailFixture.parse(try MailFixture.composer().compose(noPhone, to: try MailAddress(address: noPhone.email, name: "张伟")))
        for body in [try #require(parsed2["html"] as? String), try #require(parsed2["text"] as? String)] {
            #expect(body.contains("身份证号 110105********0021") && !body.contains("，手机号"), "\(body)")
        }
    }

    @Test func aListOfThousandsShowsItsFirstRowsInTheBodyAndAllInTheAttachment() throws {
        // Given a college of 501 students mapped to one counselor
        let rows = (1...501).map { MailFixture.row(String(24110101000000 + $0), "学生\($0)") }
        let list = CounselorList(counselor: "张伟", email: "zhangwei@example.edu.cn", colleges: ["计算机学院"], rows: rows)
        let parsed = try MailFixture.parse(try MailFixture.composer().compose(list, to: try MailAddress(address: list.email, name: "张伟")))
        let text = try #require(parsed["text"] as? String)
        let html = try #require(parsed["html"] as? String)
        let csv = try #require(parsed["csv"] as? String)
        // Then the body says so and lists the first 500; the attachment holds every student
        #expect(text.contains("有 501 人尚未完成学籍自查，正文列出前 500 人，完整名单见附件的 Excel 文件（.xlsx）或 CSV 文件"))
        #expect(text.contains("500. 计科2401 学生500（") && !text.contains("学生501"))
        #expect(html.contains("学生500") && !html.contains("学生501"))
        #expect(Self.records(csv) == 502)  // header, 501 students
        #expect(parsed["subject"] as? String == "【学籍自查】2026-11-29 待跟进学生 501 人（计算机学院）")
    }

    /// The records of a CSV: its CRLF line ends outside quotes (a cell's own line breaks are CRLF too).
    static func records(_ csv: String) -> Int {
        var quoted = false, count = 0, previousCR = false
        for u in csv.unicodeScalars {
            if u == "\"" { quoted.toggle() } else if u == "\n", previousCR, !quoted { count += 1 }
            previousCR = u == "\r"
        }
        return count
    }

    @Test func composingIsDeterministicAndMatchesTheGoldenMessage() throws {
        let list = MailFixture.lists[1]
        let to = try MailAddress(address: list.email, name: list.counselor)
        let first = try MailFixture.composer().compose(list, to: to)
        let second = try MailFixture.composer().compose(list, to: to)
        #expect(first.bytes == second.bytes)
        let other = try MailFixture.composer().compose(list, to: try MailAddress(address: "other@example.edu.cn", name: "李娜"))
        #expect(other.messageID != first.messageID)

        let golden = MailFixture.fixtures.appendingPathComponent("lina.eml")
        if ProcessInfo.processInfo.environment["ZICHA_UPDATE_GOLDEN"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mail/lina.eml")
            try Data(first.bytes).write(to: source)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(String(decoding: first.bytes, as: UTF8.self) == expected, "regenerate with ZICHA_UPDATE_GOLDEN=1 after a deliberate change")
    }

    @Test func deleteAndC1ControlsLeaveThePlainTextPart() throws {
        // Found by the compose fuzz target: DEL and the C1 controls (U+0080–009F) passed into the text part — a CSI
        // (U+009B) among them — while the HTML part shows them as marks.
        var list = MailFixture.lists[1]
        list.rows[0].name = "阿依\u{7F}古丽\u{9B}31m"
        let composer = MessageComposer(from: try MailAddress(address: "xueji@example.edu.cn"), replyTo: nil, catalog: try MailFixture.catalog,
                                       asOf: MailFixture.asOf, deadline: nil, deadlineText: "请于\u{7F}截止日前\u{85}完成。")
        let parsed = try MailFixture.parse(try composer.compose(list, to: try MailAddress(address: list.email, name: list.counselor)))
        let text = try #require(parsed["text"] as? String)
        #expect(!text.unicodeScalars.contains { $0.value == 0x7F || (0x80...0x9F).contains($0.value) }, "\(text.debugDescription)")
        #expect(text.contains("阿依 古丽 31m") && text.contains("请于 截止日前 完成。"), "\(text)")
        #expect(try #require(parsed["html"] as? String).contains("阿依[U+007F]古丽[U+009B]31m"))
    }

    @Test func aLongPlainNameIsEncodedAndFoldedNotWrittenOnOneLine() throws {
        // Found by an input written for the compose fuzz target: a roster's counselor name of plain words, 1,099 letters,
        // went into To: as it stood, a line of 1,103 octets (RFC 5322: at most 998; servers refuse or break such lines).
        let name = Array(repeating: "abcdefghi", count: 110).joined(separator: " ")
        let list = MailFixture.lists[1]
        let message = try MailFixture.composer().compose(list, to: try MailAddress(address: list.email, name: name))
        let head = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        let to = try #require(lines.firstIndex { $0.hasPrefix("To: ") })
        let toLines = [lines[to]] + lines[(to + 1)...].prefix { $0.hasPrefix(" ") }
        #expect(toLines.count > 1 && toLines.allSatisfy { $0.utf8.count <= MIMEEncoding.maxLine }, "\(head)")
        // RFC 2047: the white space between encoded-words is not text (Python's address parser inserts a space there,
        // cpython issue 128110, so the words are decoded here)
        let tokens = toLines.joined().dropFirst(4).split(separator: " ")
        #expect(tokens.last == "<lina@example.edu.cn>")
        var decoded: [UInt8] = []
        for word in tokens.dropLast() {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), "\(word)")
            decoded += try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
        }
        #expect(String(decoding: decoded, as: UTF8.self) == name)
        #expect((try MailFixture.parse(message)["max_line"] as? Int ?? 999) <= 998)
        // A short plain name stays as it is
        #expect(MIMEEncoding.mailbox("To", try MailAddress(address: "a@example.cn", name: "Li Na")) == "To: Li Na <a@example.cn>\r\n")
    }

    @Test func aNameOfCombiningMarksMakesAnAttachmentNameOfBoundedLength() throws {
        // Found by an input written for the compose fuzz target: 40 characters, each a letter with 30 combining marks, made
        // the attachments' `name=` line 4,000 octets long (RFC 5322: at most 998): the name is cut at 40 characters and
        // 160 bytes.
        var list = MailFixture.lists[1]
        list.counselor = String(repeating: "张" + String(repeating: "\u{301}", count: 30), count: 40)
        let composer = try MailFixture.composer()
        let name = composer.attachmentName(for: list)
        #expect(name.utf8.count <= "学籍自查待跟进_2026-11-29_".utf8.count + 160)
        #expect(name.utf8.starts(with: "学籍自查待跟进_2026-11-29_张\u{301}".utf8))
        let message = try composer.compose(list, to: try MailAddress(address: list.email, name: list.counselor))
        #expect(String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        let parsed = try MailFixture.parse(message)
        #expect((parsed["max_line"] as? Int ?? 999) <= 998)
        #expect(parsed["attachment_filename"] as? String == name + ".csv")
        #expect(parsed["param_filename_star"] as? String == name + ".csv")
        // An ordinary name is kept whole, up to 40 characters of the longest UTF-8
        list.counselor = String(repeating: "𠀀", count: 45)
        #expect(composer.attachmentName(for: list) == "学籍自查待跟进_2026-11-29_" + String(repeating: "𠀀", count: 40))
    }

    @Test func aLineBreakBeforeACombiningMarkIsABreakInTheHTMLPart() throws {
        // Found by the compose fuzz target: a remedy title "\n\u{7A6}" (a line break, then a combining mark) kept its LF in
        // the HTML part, a bare LF and no <br> (Foundation's replacingOccurrences does not match a LF a mark follows).
        #expect(CounselorMailBody.escape("第一行\n\u{7A6}第二行\r\n\u{301}第三行") == "第一行<br>\u{7A6}第二行<br>\u{301}第三行")
        let finding = FindingLine(code: .notRegistered, detail: "备注\n\u{301}见附件", remedies: ["GUIDE"], change: .new)
        let list = CounselorList(counselor: "李娜", email: "lina@example.edu.cn", colleges: ["外国语学院"],
                                 rows: [MailFixture.row("24110201000001", "阿依古丽", findings: [finding])])
        let message = try MailFixture.composer().compose(list, to: try MailAddress(address: list.email, name: list.counselor))
        let raw = String(decoding: message.bytes, as: UTF8.self)
        let start = try #require(raw.range(of: "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"))
        let base64 = raw[start.upperBound...].prefix { $0 != "-" }.filter { !$0.isWhitespace }
        let html = [UInt8](try #require(Data(base64Encoded: String(base64))))
        #expect(html.indices.allSatisfy { html[$0] != 0x0A || ($0 > 0 && html[$0 - 1] == 0x0D) }, "a bare LF in the HTML part")
        #expect(String(decoding: html, as: UTF8.self).contains("备注<br>\u{301}见附件"))
    }

    @Test func aTableOfContentsFieldKeepsToOneLineWhateverFollowsItsBreaks() {
        // A deadline text with a line break a combining mark follows split the outbox's "#composed" line (Foundation's
        // replacingOccurrences left that LF): the stored line never matched, and a re-run composed every message again.
        #expect(CounselorMailer.manifestField("截止\n\u{7A6}日\r\n\u{301}前\t完成") == "截止 \u{7A6}日  \u{301}前 完成")
        #expect(CounselorMailer.manifestField("请于截止日前完成。") == "请于截止日前完成。")
    }

    @Test func aVeryLongCounselorNameStillMakesAFileName() throws {
        // Given a name of 70 characters of CJK Extension B (4 bytes each in UTF-8)
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var list = MailFixture.lists[1]
        list.counselor = String(repeating: "𠀀", count: 70)
        let mailer = CounselorMailer(settings: nil, environment: [:], database: try AppDatabase(), catalog: try MailFixture.catalog,
                                     asOf: MailFixture.asOf, deadline: nil, outbox: folder.appendingPathComponent("outbox"))
        // When its message is written to the outbox
        let outcome = try mailer.run(lists: [list], diagnostics: DiagnosticCollector())
        // Then the file exists, its name within a file system's 255 bytes with room to spare
        #expect(outcome.outboxOnly == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("outbox").path).filter { $0.hasSuffix(".eml") }
        #expect(names.count == 1)
        #expect(names.allSatisfy { $0.utf8.count <= 124 && $0.hasPrefix("𠀀") })
    }

    @Test func dryRunWritesTheOutboxAndRefusesAnInjectedBcc() throws {
        // Given a night with two good counselors and one whose cell smuggles a header
        let folder = try MailFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var lists = MailFixture.lists
        lists.append(CounselorList(counselor: "赵六", email: "x@example.com\r\nBcc: evil@example.com",
                                   colleges: ["数学学院"], rows: [MailFixture.row("24110301000001", "钱七", college: "数学学院")]))
        lists[1].counselor = "李娜\r\nBcc: evil2@example.com"
        let mailer = CounselorMailer(settings: nil, environment: [:], database: try AppDatabase(), catalog: try MailFixture.catalog,
                                     asOf: MailFixture.asOf, deadline: nil, outbox: folder.appendingPathComponent("outbox"))
        let diagnostics = DiagnosticCollector()

        // When it runs without mail settings
        let outcome = try mailer.run(lists: lists, diagnostics: diagnostics)

        // Then two messages wait in the outbox, owner-only, and the third counselor is refused
        #expect(outcome.outboxOnly == 2)
        #expect(outcome.sent == 0)
        #expect(outcome.refused.count == 1)
        #expect(outcome.refused[0].contains("line break"))
        #expect(diagnostics.errors.count == 1)
        #expect(!diagnostics.errors[0].description.contains("\r\n"))
        let all = try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent("outbox"), includingPropertiesForKeys: nil)
        let files = all.filter { $0.pathExtension == "eml" }
        #expect(all.count == files.count + 2, "the messages, the outbox's table of contents (\(CounselorMailer.manifestName)) and its delivery journal")
        #expect(files.map(\.lastPathComponent).sorted() == ["张伟_zhangwei@example.edu.cn.eml", "李娜_Bcc__evil2@example.com_lina@example.edu.cn.eml"].sorted())
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let header = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\r\n\r\n")[0]
            #expect(!header.contains("evil"))
            #expect(!header.lowercased().components(separatedBy: "\r\n").contains { $0.hasPrefix("bcc") })
        }
        let parsed = try MailFixture.parse(files)
        for message in parsed {
            #expect(!(message["header_names"] as? [String] ?? ["?"]).contains { $0.lowercased() == "bcc" || $0.lowercased() == "cc" })
            #expect((message["to"] as? [[String]])?.count == 1)
        }
        #expect(parsed.contains { ($0["to"] as? [[String]]) == [["李娜 Bcc: evil2@example.com", "lina@example.edu.cn"]] })
    }
}
