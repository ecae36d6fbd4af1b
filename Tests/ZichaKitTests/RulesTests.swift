import Testing
@testable import ZichaKit

/// The edge of every reconciliation rule (SPEC, Findings). `Rules.evaluate` is pure: values in, verdict out.
@Suite struct RulesTests {
    static let id = "110105199001010029"
    static let mail = Assignment(counselor: "李老师", email: "li@example.com")

    /// A clean student with their own counselor, so only the rule under test speaks.
    static func student(name: String = "张伟", admissionName: String = "张伟", counselorEmail: String = "li@example.com",
                        college: String = "计算机学院", className: String = "计科2601") -> StudentFacts {
        StudentFacts(ksh: "26110101000001", name: name, admissionName: admissionName, idRaw: id, idNorm: id,
                     phoneRaw: "13800138000", phoneNorm: "13800138000", phoneValid: true, college: college,
                     className: className, counselor: counselorEmail.isEmpty ? "" : "李老师", counselorEmail: counselorEmail)
    }

    /// An event on 2026-09-`day` at `hour`:00; failures get their reason from the detail, as the importer does.
    static func event(_ kind: EventKind, day: Int, hour: Int = 9, _ detail: String = "") -> LoggedEvent {
        let time = EventTime.parse(String(format: "2026-09-%02d %02d:00", day, hour))!
        let reason = kind == .registerFailed || kind == .recoverFailed ? FailureReason.classify(detail) : nil
        return LoggedEvent(kind: kind, reason: reason, time: time, detail: detail)
    }

    static func evaluate(_ events: [LoggedEvent], _ s: StudentFacts = student(), context: RosterContext = RosterContext()) -> Verdict {
        Rules.evaluate(s, events: events, context: context)
    }

    static func codes(_ v: Verdict) -> [FindingCode] { v.findings.map(\.code) }

    static let idTaken = "证件号码已被注册"
    static let nameMismatch = "证件和姓名不符"

    // MARK: State

    @Test(arguments: [
        ([EventKind](), CheckState.unchecked),
        ([.login, .viewed], .unchecked),
        ([.checked], .checked),
        ([.checked, .unchecked], .unchecked),
        ([.unchecked, .checked], .checked),
        ([.checked, .disputed], .disputed),
        ([.disputed, .checked], .checked),
        ([.checked, .login, .viewed, .logout], .checked),
        ([.disputed, .unchecked], .unchecked),
    ])
    func stateIsTheLatestOfCheckedUncheckedDisputed(_ kinds: [EventKind], _ state: CheckState) {
        let events = kinds.enumerated().map { Self.event($0.element, day: $0.offset + 1) }
        #expect(Self.evaluate(events).state == state)
        // The order the log gives them in does not matter, only their times.
        #expect(Self.evaluate(events.reversed()).state == state)
    }

    @Test func aStateSaidAgainLaterCountsAsSaidThen() {
        // 未查 on the 1st, said again by the export of the 3rd (not stored); 已查 of the 2nd came in late.
        var said = Self.event(.unchecked, day: 1, hour: 0)
        said.restated = Self.event(.unchecked, day: 3, hour: 0).time
        #expect(Self.evaluate([said, Self.event(.checked, day: 2, hour: 0)]).state == .unchecked)
        // A dispute said again after a late failure passes it, as a dispute logged then would; its evidence keeps the
        // time it was first reported.
        var dispute = Self.event(.disputed, day: 1, hour: 0, "信息有误")
        dispute.restated = Self.event(.disputed, day: 3, hour: 0).time
        let v = Self.evaluate([dispute, Self.event(.registerFailed, day: 2, Self.idTaken)])
        #expect(v.state == .disputed)
        #expect(Self.codes(v) == [.disputed])
        #expect(v.findings.first?.detail.contains("2026-09-01 00:00") == true, "\(v.findings)")
    }

    @Test func sameTimeKeepsLogOrder() {
        // Given a status export without times: every row at the as-of midnight
        let a = Self.event(.checked, day: 1), b = Self.event(.unchecked, day: 1)
        #expect(Self.evaluate([a, b]).state == .unchecked)
        #expect(Self.evaluate([b, a]).state == .checked)
    }

    @Test func aSuccessPassesAFailureLoggedBeforeItInTheSameSecondOnly() {
        // Given a login and a failed recovery in the same second
        let login = Self.event(.login, day: 1), failed = Self.event(.recoverFailed, day: 1, "该证件号码未注册")
        // Then the log's order decides what came later
        #expect(Self.codes(Self.evaluate([login, failed])).contains(.recoveryNotRegistered), "logged after the login: still standing")
        #expect(!Self.codes(Self.evaluate([failed, login])).contains(.recoveryNotRegistered), "logged before the login: passed")
    }

    // MARK: Progress findings

    @Test func noEventsAtAllIsNotRegistered() {
        let v = Self.evaluate([])
        #expect(Self.codes(v) == [.notRegistered])
        #expect(v.findings[0].remedies == ["GUIDE", "NOTE-1"])
    }

    @Test func noEventsForAnInvalidRosterIDDoesNotSayTheStudentNeverRegistered() {
        // Given a student whose roster ID fails its check character, and no event under that ID
        var s = Self.student()
        s.idProblem = IDNumber.Problem.checkCharacter.rawValue
        // Then the code stays NOT_REGISTERED, but the evidence says the log cannot be matched, not that they never registered
        let v = Self.evaluate([], s)
        #expect(Self.codes(v) == [.notRegistered, .idInvalid])
        #expect(v.findings[0].detail.contains("无法与自查记录对应"))
        #expect(!v.findings[0].detail.contains("没有该生的任何记录"))
    }

    @Test func anyEventMeansNotNotRegistered() {
        // Given only a failed registration
        let v = Self.evaluate([Self.event(.registerFailed, day: 1, Self.idTaken)])
        #expect(Self.codes(v) == [.idTaken])
    }

    @Test(arguments: [EventKind.registered, .login])
    func registeredOrLoggedInButNeverViewed(_ kind: EventKind) {
        let v = Self.evaluate([Self.event(kind, day: 1), Self.event(.logout, day: 1, hour: 10)])
        #expect(Self.codes(v) == [.registeredNotChecked])
        #expect(v.findings[0].remedies == ["GUIDE", "FAQ-4"])
        #expect(v.findings[0].detail.contains("2026-09-01 09:00:00"))
    }

    @Test func viewedButStillUncheckedIsNotAlsoRegisteredNotChecked() {
        let v = Self.evaluate([Self.event(.registered, day: 1), Self.event(.viewed, day: 2), Self.event(.unchecked, day: 3)])
        #expect(Self.codes(v) == [.viewedNotConfirmed])
        #expect(v.findings[0].remedies == ["FAQ-5"])
        #expect(v.findings[0].detail.contains("2026-09-02 09:00:00"))
    }

    @Test func checkedStudentHasNoProgressFinding() {
        let v = Self.evaluate([Self.event(.registered, day: 1), Self.event(.viewed, day: 2), Self.event(.checked, day: 2, hour: 10)])
        #expect(v.state == .checked)
        #expect(v.findings.isEmpty)
    }

    // MARK: Failures and later successes

    @Test func registeredAfterRegisterFailedClearsIt() {
        let v = Self.evaluate([Self.event(.registerFailed, day: 1, Self.idTaken), Self.event(.registered, day: 2)])
        #expect(Self.codes(v) == [.registeredNotChecked])
    }

    @Test func registerFailedAfterRegisteredStands() {
        let v = Self.evaluate([Self.event(.registered, day: 1), Self.event(.registerFailed, day: 2, Self.idTaken)])
        #expect(Self.codes(v) == [.registeredNotChecked, .idTaken])
        #expect(v.findings[1].remedies == ["FAQ-2", "FAQ-3"])
        #expect(v.findings[1].detail.contains("2026-09-02 09:00:00"))
    }

    @Test func loginAfterRecoverFailedClearsIt() {
        let v = Self.evaluate([Self.event(.registered, day: 1), Self.event(.recoverFailed, day: 2, Self.nameMismatch),
                               Self.event(.login, day: 3)])
        #expect(Self.codes(v) == [.registeredNotChecked])
    }

    @Test func recoverFailedAfterLoginStands() {
        let v = Self.evaluate([Self.event(.login, day: 1), Self.event(.recoverFailed, day: 2, "该证件号未注册")])
        #expect(Self.codes(v) == [.registeredNotChecked, .recoveryNotRegistered])
        #expect(v.findings[1].remedies == ["FAQ-1"])
    }

    @Test func failuresDoNotStandOnceChecked() {
        // Given a checked student whose log later shows failures
        let v = Self.evaluate([Self.event(.checked, day: 1), Self.event(.registerFailed, day: 2, Self.idTaken),
                               Self.event(.recoverFailed, day: 3, "请求被取消，不能频繁使用该功能")])
        #expect(v.state == .checked)
        #expect(v.findings.isEmpty)
    }

    @Test func phoneTakenAndEmailUnusable() {
        let v = Self.evaluate([Self.event(.registerFailed, day: 1, "手机号码已存在"), Self.event(.recoverFailed, day: 2, "注册邮箱无法使用")])
        #expect(Self.codes(v) == [.phoneTaken, .emailUnusable])
        #expect(v.findings.map(\.remedies) == [["FAQ-9"], ["FAQ-7"]])
    }

    /// Found by an audit: a detail naming the ID and the phone taken gave ID_TAKEN only, and no FAQ-9 for the phone.
    @Test func aRegistrationRefusedForTheIDAndThePhoneIsBoth() {
        #expect(Self.codes(Self.evaluate([Self.event(.registerFailed, day: 1, "手机号码重复；证件号码重复")])) == [.idTaken, .phoneTaken])
        #expect(Self.codes(Self.evaluate([Self.event(.registerFailed, day: 1, "证件号码已被征兵部门注册，手机号码已存在")]))
            == [.idTakenConscription, .phoneTaken])
        // a phone merely mentioned is not a phone taken
        #expect(Self.codes(Self.evaluate([Self.event(.registerFailed, day: 1, "证件号码已被注册，请用手机号找回")])) == [.idTaken])
    }

    @Test func failureWithoutAKnownReasonIsNoFinding() {
        let v = Self.evaluate([Self.event(.registerFailed, day: 1, "网络超时")])
        #expect(v.findings.isEmpty)
    }

    // MARK: Recovery name mismatches

    @Test func twoNameMismatchesAreANameMismatch() {
        let v = Self.evaluate([Self.event(.recoverFailed, day: 1, Self.nameMismatch), Self.event(.recoverFailed, day: 2, Self.nameMismatch)])
        #expect(Self.codes(v) == [.recoveryNameMismatch])
        #expect(v.findings[0].remedies == ["NOTE-1"])
    }

    @Test func threeNameMismatchesBlockRecovery() {
        let v = Self.evaluate((1...3).map { Self.event(.recoverFailed, day: $0, Self.nameMismatch) })
        #expect(Self.codes(v) == [.recoveryBlocked], "not also RECOVERY_NAME_MISMATCH")
        #expect(v.findings[0].remedies == ["FAQ-6"])
        #expect(v.findings[0].detail.contains("3 次"))
    }

    @Test func threeMismatchesInOneSecondAreThreeAttempts() {
        // Given a log without times (every row dated the file's as-of time), or at minute precision: three rows
        let v = Self.evaluate((1...3).map { _ in Self.event(.recoverFailed, day: 1, Self.nameMismatch) })
        #expect(Self.codes(v) == [.recoveryBlocked])
        #expect(v.findings[0].detail.contains("3 次"))
    }

    @Test func oneAttemptLoggedUnderBothIDFormsCountsOnce() {
        // Given two attempts, the second logged under the 18-digit ID and under the 15-digit one in the same second
        var legacy = Self.event(.recoverFailed, day: 2, Self.nameMismatch)
        legacy.legacyForm = true
        let both = [Self.event(.recoverFailed, day: 1, Self.nameMismatch), Self.event(.recoverFailed, day: 2, Self.nameMismatch), legacy]
        #expect(Self.codes(Self.evaluate(both)) == [.recoveryNameMismatch])
        // and a third attempt, under the 15-digit form only, blocks recovery
        var third = Self.event(.recoverFailed, day: 3, Self.nameMismatch)
        third.legacyForm = true
        #expect(Self.codes(Self.evaluate(both + [third])) == [.recoveryBlocked])
    }

    @Test func mismatchesBeforeALoginDoNotCount() {
        // Given two mismatches, a login, then one more mismatch: one stands
        let v = Self.evaluate([Self.event(.recoverFailed, day: 1, Self.nameMismatch), Self.event(.recoverFailed, day: 2, Self.nameMismatch),
                               Self.event(.login, day: 3), Self.event(.recoverFailed, day: 4, Self.nameMismatch)])
        #expect(Self.codes(v) == [.registeredNotChecked, .recoveryNameMismatch])
    }

    @Test func rateLimitedBlocksRecoveryAndSilencesTheMismatch() {
        let v = Self.evaluate([Self.event(.recoverFailed, day: 1, Self.nameMismatch),
                               Self.event(.recoverFailed, day: 2, "请求被取消，不能频繁使用该功能")])
        #expect(Self.codes(v) == [.recoveryBlocked])
        #expect(v.findings[0].remedies == ["FAQ-6"])
    }

    @Test func nameMismatchRemedyIsNote2WhenTheNameChanged() {
        // Given a student who changed name after admission
        let s = Self.student(name: "张小伟", admissionName: "张伟")
        let v = Self.evaluate([Self.event(.recoverFailed, day: 1, Self.nameMismatch)], s)
        #expect(Self.codes(v) == [.recoveryNameMismatch, .nameChanged])
        #expect(v.findings.map(\.remedies) == [["NOTE-2"], ["NOTE-2"]])
    }

    /// Found by an audit: a name admitted in traditional characters and corrected to simplified ones (as TRADITIONAL_NAME
    /// proposes) was a NAME_CHANGED, and the mismatch's remedy NOTE-2 sent the student back to the traditional form.
    @Test(arguments: [("张伟", "張偉"), ("張偉", "张伟"), ("張偉", "張偉")])
    func aNameWrittenInTraditionalCharactersIsNotAChangeOfName(_ name: String, _ admission: String) throws {
        let s = Self.student(name: name, admissionName: admission)
        let context = RosterContext(traditional: try TraditionalNameCheck.bundled())
        let v = Self.evaluate([Self.event(.recoverFailed, day: 1, Self.nameMismatch)], s, context: context)
        #expect(!Self.codes(v).contains(.nameChanged))
        #expect(v.findings.first { $0.code == .recoveryNameMismatch }?.remedies == ["NOTE-1"])
        // A real change of name still is one, written in either form.
        let renamed = Self.evaluate([Self.event(.recoverFailed, day: 1, Self.nameMismatch)],
                                    Self.student(name: name, admissionName: "張小偉"), context: context)
        #expect(Self.codes(renamed).contains(.nameChanged))
        #expect(renamed.findings.first { $0.code == .recoveryNameMismatch }?.remedies == ["NOTE-2"])
    }

    /// Found by an audit: 鍾明 admitted and 锺明 now (the 通用规范汉字表's form of 鍾 in names) was a NAME_CHANGED.
    @Test func theTablesFormOf鍾IsNoChangeOfName() throws {
        let context = RosterContext(traditional: try TraditionalNameCheck.bundled())
        for (name, admission) in [("锺明", "鍾明"), ("钟明", "鍾明"), ("锺明", "钟明")] {
            let v = Self.evaluate([], Self.student(name: name, admissionName: admission), context: context)
            #expect(!Self.codes(v).contains(.nameChanged), "\(admission) → \(name)")
        }
        let renamed = Self.evaluate([], Self.student(name: "锺亮", admissionName: "鍾明"), context: context)
        #expect(Self.codes(renamed).contains(.nameChanged))
    }

    // MARK: Conscription

    @Test func conscriptionTextNamingTheIDTakenIsOnlyConscription() {
        let v = Self.evaluate([Self.event(.registerFailed, day: 1, "证件号码已被注册，该证件已由征兵部门注册")])
        #expect(Self.codes(v) == [.idTakenConscription])
        #expect(v.findings[0].remedies == ["FAQ-8"])
        #expect(v.findings[0].detail.contains("110105900101002"), "the student's own 15-digit form")
    }

    /// Found by an audit: an ID taken, then (or before) taken by the conscription office, gave both ID_TAKEN (FAQ-2/3:
    /// recover or appeal the account) and ID_TAKEN_CONSCRIPTION (FAQ-8: register with the 15-digit form).
    @Test func anIDTakenGivesWayToTheConscriptionOfficeTakingIt() {
        let taken = Self.event(.registerFailed, day: 1, "证件号码已被注册"), conscription = Self.event(.registerFailed, day: 2, "该证件号码已被征兵部门注册")
        #expect(Self.codes(Self.evaluate([taken, conscription])) == [.idTakenConscription])
        var later = taken
        later.time = Self.event(.login, day: 3).time
        #expect(Self.codes(Self.evaluate([conscription, later])) == [.idTakenConscription])
        #expect(Self.codes(Self.evaluate([taken])) == [.idTaken])
    }

    @Test func conscriptionDetailKeepsThe15DigitFormBesideBlockedRecovery() {
        // Given conscription, then three name mismatches while trying to recover
        var events = [Self.event(.registerFailed, day: 1, "征兵部门已注册")]
        events += (2...4).map { Self.event(.recoverFailed, day: $0, Self.nameMismatch) }
        let v = Self.evaluate(events)
        #expect(Self.codes(v) == [.idTakenConscription, .recoveryBlocked])
        #expect(v.findings.first { $0.code == .idTakenConscription }?.detail.contains("110105900101002") == true)
    }

    // MARK: Disputed

    @Test func disputedFollowsTheCurrentState() {
        let still = Self.evaluate([Self.event(.checked, day: 1), Self.event(.disputed, day: 2, "姓名有误")])
        #expect(still.state == .disputed)
        #expect(Self.codes(still) == [.disputed])
        #expect(still.findings[0].remedies == ["ADMIN"])
        #expect(still.findings[0].detail.contains("姓名有误"))

        let settled = Self.evaluate([Self.event(.disputed, day: 1, "姓名有误"), Self.event(.checked, day: 2)])
        #expect(settled.state == .checked)
        #expect(settled.findings.isEmpty)
    }

    @Test func failuresStillStandWhileDisputed() {
        let v = Self.evaluate([Self.event(.disputed, day: 1), Self.event(.registerFailed, day: 2, Self.idTaken)])
        #expect(Self.codes(v) == [.idTaken, .disputed])
    }

    // MARK: Roster data

    @Test func rosterDataFindingsApplyToCheckedStudents() throws {
        // Given a checked student whose roster row has every data problem
        var s = Self.student(name: "張偉", admissionName: "张大伟", counselorEmail: "", college: "", className: "")
        s.phoneRaw = "1380013800"; s.phoneNorm = "1380013800"; s.phoneValid = false
        s.idProblem = IDNumber.Problem.checkCharacter.rawValue
        let context = RosterContext(sharedIDs: [Self.id: [Classmate(ksh: s.ksh, name: s.name), Classmate(ksh: "26110101000002", name: "王芳")]],
                                    traditional: try TraditionalNameCheck.bundled())
        // When
        let v = Self.evaluate([Self.event(.checked, day: 1)], s, context: context)
        // Then
        #expect(v.state == .checked)
        #expect(Self.codes(v) == [.duplicateID, .nameChanged, .traditionalName, .idInvalid, .phoneInvalid, .noCounselor])
        let detail = Dictionary(uniqueKeysWithValues: v.findings.map { ($0.code, $0.detail) })
        #expect(detail[.duplicateID]?.contains("王芳 (26110101000002)") == true)
        #expect(detail[.duplicateID]?.contains(s.ksh) == false, "the student is not their own duplicate")
        #expect(detail[.traditionalName]?.contains("张伟") == true)
        #expect(detail[.idInvalid]?.contains("校验位错误") == true)
    }

    @Test func numbersExcelWroteInScientificNotationSaySo() {
        // Given a roster row whose ID and phone columns Excel saved as numbers
        var s = Self.student()
        s.idRaw = "4.20103E+17"; s.idNorm = "4.20103E+17"; s.idProblem = IDNumber("4.20103E+17", today: 20261129).problem?.rawValue
        s.phoneRaw = "1.38E+10"; s.phoneNorm = "1.38E+10"; s.phoneValid = false
        // and a classmate whose ID Excel turned into the same text
        let context = RosterContext(sharedIDs: [s.idNorm: [Classmate(ksh: s.ksh, name: s.name), Classmate(ksh: "26110101000002", name: "王芳")]])
        // When
        let v = Self.evaluate([Self.event(.checked, day: 1)], s, context: context)
        // Then both findings show the number as the file has it, and why it cannot be fixed here; the same text is no
        // duplicated ID
        #expect(Self.codes(v) == [.idInvalid, .phoneInvalid])
        let detail = Dictionary(uniqueKeysWithValues: v.findings.map { ($0.code, $0.detail) })
        #expect(detail[.idInvalid] == "身份证号 4.20103E+17：被 Excel 存成了科学计数法，后几位已丢失（把该列设为文本格式后重新导出）")
        #expect(detail[.phoneInvalid] == "手机号 1.38E+10 被 Excel 存成了科学计数法，号码已丢失（把该列设为文本格式后重新导出）")
    }

    /// Found by an audit: an invalid 15-digit ID on the roster was shown as the 18-digit number zicha made of it (century
    /// and check character added), which is in none of the office's files.
    @Test func anInvalid15DigitIDIsShownAsTheRosterHasIt() {
        var s = Self.student()
        let id = IDNumber("110105900230123", today: 20261129)
        s.idRaw = "110105900230123"; s.idNorm = id.normalized; s.idProblem = id.problem?.rawValue
        let v = Self.evaluate([Self.event(.checked, day: 1)], s)
        #expect(v.findings.first { $0.code == .idInvalid }?.detail.hasPrefix("身份证号 110105900230123：") == true, "\(v.findings)")
    }

    @Test func duplicatePhoneNamesTheClassmate() {
        let s = Self.student()
        let context = RosterContext(sharedPhones: ["13800138000": [Classmate(ksh: s.ksh, name: s.name), Classmate(ksh: "26110101000007", name: "王芳")]])
        let v = Self.evaluate([Self.event(.checked, day: 1)], s, context: context)
        #expect(Self.codes(v) == [.duplicatePhone])
        #expect(v.findings[0].detail == "与 王芳 (26110101000007) 共用 13800138000")
        #expect(v.findings[0].remedies == ["FAQ-9"])
    }

    @Test func aPhoneSharedByAWholeCollegeNamesFiveAndCountsTheRest() {
        // Given the office's own number filled in for 2,000 students, the student among them (not first)
        let s = Self.student()
        var group = (1...2000).map { Classmate(ksh: String(26110101100000 + $0), name: "学生\($0)") }
        group.insert(Classmate(ksh: s.ksh, name: s.name), at: 2)
        let v = Self.evaluate([Self.event(.checked, day: 1)], s, context: RosterContext(sharedPhones: ["13800138000": group]))
        #expect(Self.codes(v) == [.duplicatePhone])
        #expect(v.findings[0].detail == "与 学生1 (26110101100001)、学生2 (26110101100002)、学生3 (26110101100003)、学生4 (26110101100004)、"
            + "学生5 (26110101100005) 等 2000 名学生 共用 13800138000")
        // and six sharers: all five others named, no count
        let six = Array(group.prefix(6))
        let named = Self.evaluate([Self.event(.checked, day: 1)], s, context: RosterContext(sharedIDs: [Self.id: six]))
        #expect(named.findings[0].detail.hasPrefix("与 学生1 (26110101100001)、学生2 (26110101100002)、学生3 (26110101100003)、学生4 (26110101100004)、学生5 (26110101100005) 共用身份证号"))
    }

    @Test func idThatNeededCleaningIsIDFormatUnlessInvalid() {
        var s = Self.student()
        s.idNeededCleaning = true
        #expect(Self.codes(Self.evaluate([Self.event(.checked, day: 1)], s)) == [.idFormat])
        s.idProblem = IDNumber.Problem.date.rawValue
        #expect(Self.codes(Self.evaluate([Self.event(.checked, day: 1)], s)) == [.idInvalid])
    }

    @Test func noPhoneIsNotAnInvalidPhone() {
        var s = Self.student()
        s.phoneRaw = ""; s.phoneNorm = ""; s.phoneValid = false
        #expect(Self.evaluate([Self.event(.checked, day: 1)], s).findings.isEmpty)
    }

    // MARK: Counselors

    @Test func counselorPrecedenceIsRowThenClassThenCollege() {
        let byClass = Assignment(counselor: "班级老师", email: "class@example.com")
        let byCollege = Assignment(counselor: "学院老师", email: "college@example.com")
        func mapped(_ s: StudentFacts, classMapped: Bool = true) -> StudentFacts {
            var s = s
            s.classCounselor = classMapped ? byClass : nil
            s.collegeCounselor = byCollege
            return s
        }
        let own = mapped(Self.student())
        #expect(Rules.assign(own) == Self.mail)
        let noOwn = mapped(Self.student(counselorEmail: ""))
        #expect(Rules.assign(noOwn).email == "class@example.com")
        let otherClass = mapped(Self.student(counselorEmail: "", className: "计科2699"), classMapped: false)
        #expect(Rules.assign(otherClass).email == "college@example.com")
        let nowhere = Self.student(counselorEmail: "", college: "外语学院", className: "英语2601")
        let v = Self.evaluate([Self.event(.checked, day: 1)], nowhere)
        #expect(v.assignment.email == "")
        #expect(Self.codes(v) == [.noCounselor])
        #expect(v.findings[0].remedies == ["ADMIN"])
        #expect(v.findings[0].detail.contains("外语学院 英语2601"))
    }

    @Test func classMappingWithoutEmailFallsBackToTheCollege() {
        var s = Self.student(counselorEmail: "")
        s.classCounselor = Assignment(counselor: "班级老师", email: "")
        s.collegeCounselor = Assignment(counselor: "学院老师", email: "college@example.com")
        #expect(Rules.assign(s).email == "college@example.com")
        s.collegeCounselor = nil
        #expect(Rules.assign(s) == Assignment(counselor: "班级老师", email: ""), "the class's counselor is still named")
    }

    // MARK: Remedies

    static let spec: [(FindingCode, [String])] = [
        (.notRegistered, ["GUIDE", "NOTE-1"]), (.registeredNotChecked, ["GUIDE", "FAQ-4"]), (.viewedNotConfirmed, ["FAQ-5"]),
        (.idTaken, ["FAQ-2", "FAQ-3"]), (.idTakenConscription, ["FAQ-8"]), (.phoneTaken, ["FAQ-9"]),
        (.recoveryNotRegistered, ["FAQ-1"]), (.recoveryBlocked, ["FAQ-6"]), (.recoveryNameMismatch, ["NOTE-1"]),
        (.emailUnusable, ["FAQ-7"]), (.disputed, ["ADMIN"]), (.duplicateID, ["FAQ-3", "ADMIN"]), (.duplicatePhone, ["FAQ-9"]),
        (.nameChanged, ["NOTE-2"]), (.traditionalName, ["NOTE-1"]), (.idFormat, ["NOTE-1"]), (.idInvalid, ["ADMIN"]),
        (.phoneInvalid, ["ADMIN"]), (.notOnRoster, ["ADMIN"]), (.noCounselor, ["ADMIN"]),
    ]

    @Test func everyCodeHasItsSpecRemedies() throws {
        #expect(Set(Self.spec.map(\.0)) == Set(FindingCode.allCases))
        let catalog = try RemedyCatalog.bundled()
        for (code, remedies) in Self.spec {
            #expect(Rules.remedies(for: code) == remedies, "\(code.rawValue)")
            for id in remedies { #expect(catalog[id] != nil, "\(id) is in the bundled catalog") }
        }
        #expect(Rules.remedies(for: .recoveryNameMismatch, nameChanged: true) == ["NOTE-2"])
    }

    @Test func verdictDoesNotDependOnEventOrder() {
        let events = [Self.event(.registered, day: 1), Self.event(.registerFailed, day: 2, "手机号码重复"),
                      Self.event(.recoverFailed, day: 3, Self.nameMismatch), Self.event(.viewed, day: 1, hour: 12)]
        let expected = Self.evaluate(events)
        #expect(Self.evaluate(events.reversed()) == expected)
        #expect(Self.evaluate([events[2], events[0], events[3], events[1]]) == expected)
    }

    // MARK: Detail classification

    @Test(arguments: [
        ("证件号码已被注册", FailureReason.idTaken), ("证件号码重复", .idTaken), ("该证件已由征兵部门注册", .conscription),
        ("证件号码已被注册（征兵）", .conscription), ("手机号码已存在", .phoneTaken), ("手机号码重复", .phoneTaken),
        ("证件和姓名不符", .nameMismatch), ("姓名不符", .nameMismatch), ("请求被取消", .rateLimited),
        ("不能频繁使用该功能", .rateLimited), ("未注册", .notRegistered), ("邮箱无法使用", .emailUnusable),
        ("手机号码13912345678已存在", .phoneTaken), ("该手机号已被注册", .phoneTaken), ("手机号码 139 1234 5678 重复", .phoneTaken),
        ("该证件号已被注册", .idTaken), ("身份证号已被注册，手机号码可用", .idTaken),
    ])
    func detailPhrasesAreRecognised(_ detail: String, _ reason: FailureReason) {
        #expect(FailureReason.classify(detail) == reason)
    }

    @Test func unknownDetailHasNoReason() {
        #expect(FailureReason.classify("") == nil)
        #expect(FailureReason.classify("系统繁忙") == nil)
    }
}
