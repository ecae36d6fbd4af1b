import Testing
@testable import ZichaKit

/// One row of the ID table: what a roster cell says, and what zicha must make of it.
struct IDVector: Sendable, CustomTestStringConvertible {
    let input: String
    let normalized: String?
    let problem: IDNumber.Problem?
    let neededCleaning: Bool
    let wasFifteen: Bool
    let today: Int

    static let defaultToday = 20260901

    static func valid(_ id: String, normalized: String? = nil, today: Int = defaultToday) -> IDVector {
        IDVector(input: id, normalized: normalized ?? id, problem: nil, neededCleaning: false, wasFifteen: false, today: today)
    }
    static func invalid(_ id: String, _ problem: IDNumber.Problem, today: Int = defaultToday) -> IDVector {
        IDVector(input: id, normalized: nil, problem: problem, neededCleaning: false, wasFifteen: false, today: today)
    }
    static func invalidFifteen(_ id: String, _ problem: IDNumber.Problem) -> IDVector {
        IDVector(input: id, normalized: nil, problem: problem, neededCleaning: false, wasFifteen: true, today: defaultToday)
    }
    static func cleaned(_ id: String, _ normalized: String) -> IDVector {
        IDVector(input: id, normalized: normalized, problem: nil, neededCleaning: true, wasFifteen: false, today: defaultToday)
    }
    static func fifteen(_ id: String, _ upgraded: String) -> IDVector {
        IDVector(input: id, normalized: upgraded, problem: nil, neededCleaning: false, wasFifteen: true, today: defaultToday)
    }
    /// A legacy number written with inner spaces or full-width digits: upgraded, and it needed cleaning (ID_FORMAT).
    static func cleanedFifteen(_ id: String, _ upgraded: String) -> IDVector {
        IDVector(input: id, normalized: upgraded, problem: nil, neededCleaning: true, wasFifteen: true, today: defaultToday)
    }

    var testDescription: String { "\(input.debugDescription) today \(today)" }
}

@Suite struct IDNumberTests {
    static let vectors: [IDVector] = [
        // Valid 18-digit numbers, one per province code and then some: check characters computed independently
        // (ISO 7064 MOD 11-2 in Python), birthdates from 1900-01-01 to 2010-10-01, X as the check character.
        .valid("110105199001010029"),
        .valid("110101200602030017"),
        .valid("'110105199001010029", normalized: "110105199001010029"),  // a spreadsheet's text mark, not the student's typing
        .invalid("110105199001010029'", .badCharacter),
        .invalid("''110105199001010029", .badCharacter),
        .fifteen("110105900101002.0", "110105199001010029"),  // a 15-digit number read as a decimal and written back
        .invalid("110105199001010029.00", .badCharacter),
        .invalid("11010519900101002.9", .badCharacter),
        .valid("120101198512311239"),
        .valid("130102200002294561"),
        .valid("140105197906153215"),
        .valid("150102198808088883"),
        .valid("210102200101010106"),
        .valid("220104199503172465"),
        .valid("230103199912311353"),
        .valid("310101200402299756"),
        .valid("320102197001018646"),
        .valid("330106200610107531"),
        .valid("340104200705206427"),
        .valid("350102199209095311"),
        .valid("360102200505054204"),
        .valid("370102199611113198"),
        .valid("410102200202022082"),
        .valid("42010219930303197X"),
        .valid("430102200808080862"),
        .valid("440103200304189758"),
        .valid("450102198710248640"),
        .valid("460105200001017533"),
        .valid("500101200909076426"),
        .valid("510104199807315313"),
        .valid("520102201010014205"),
        .valid("530102190001013199"),
        .valid("54010220060630208X"),
        .valid("610102200508011973"),
        .valid("620102199411300863"),
        .valid("630102200204159753"),
        .valid("640104200701018649"),
        .valid("650102200609107533"),
        .valid("710101198902196424"),
        .valid("810101199112125312"),
        .valid("820101200405064207"),
        .valid("119999200601011110"),
        .valid("110199199001012227"),
        .valid("449999200501013334"),
        .valid("44030520060715103X"),
        .valid("44030520060715111X"),
        .valid("44030520060715138X"),
        .valid("32058319991208108X"),
        // Bad check character: each valid number above with its last character changed.
        .invalid("11010519900101002X", .checkCharacter),
        .invalid("110101200602030019", .checkCharacter),
        .invalid("120101198512311231", .checkCharacter),
        .invalid("130102200002294565", .checkCharacter),
        .invalid("14010519790615321X", .checkCharacter),
        .invalid("150102198808088884", .checkCharacter),
        .invalid("210102200101010108", .checkCharacter),
        .invalid("220104199503172468", .checkCharacter),
        .invalid("230103199912311357", .checkCharacter),
        .invalid("310101200402299750", .checkCharacter),
        .invalid("320102197001018647", .checkCharacter),
        .invalid("330106200610107533", .checkCharacter),
        .invalid("34010420070520642X", .checkCharacter),
        .invalid("350102199209095315", .checkCharacter),
        .invalid("360102200505054209", .checkCharacter),
        .invalid("370102199611113199", .checkCharacter),
        .invalid("410102200202022084", .checkCharacter),
        .invalid("420102199303031972", .checkCharacter),
        .invalid("430102200808080866", .checkCharacter),
        .invalid("440103200304189752", .checkCharacter),
        // Impossible dates (the check character is right, so the date alone is wrong).
        .invalid("110105199002301231", .date),
        .invalid("11010519901301123X", .date),
        .invalid("110105199000011230", .date),
        .invalid("110105199001001237", .date),
        .invalid("110105199004311230", .date),
        .invalid("110105190002291239", .date),
        .invalid("110105210002291234", .date),
        .invalid("110105189912311237", .date),
        .invalid("320102200102291232", .date),
        .invalid("440103199911311238", .date),
        .invalid("310101200606311235", .date),
        // Leap days that exist.
        .valid("110105200002291235"),
        .valid("110105199602291233"),
        .valid("110105200402291234"),
        // Future birthdates, relative to the injected today (2026-09-01); today itself is not the future.
        .invalid("110105202609021230", .futureDate),
        .invalid("110105202612311239", .futureDate),
        .invalid("110105209901011234", .futureDate),
        .valid("110105202609011235"),
        .valid("110105202608311236"),
        .valid("110105202609021230", today: 20260902),
        .invalid("110105202609011235", .futureDate, today: 20260831),
        // Province codes that do not exist (the rest of the number is right).
        .invalid("000105199001011237", .province),
        .invalid("100105199001011230", .province),
        .invalid("190105199001011237", .province),
        .invalid("200105199001011234", .province),
        .invalid("240105199001011231", .province),
        .invalid("390105199001011234", .province),
        .invalid("470105199001011234", .province),
        .invalid("550105199001011234", .province),
        .invalid("600105199001011239", .province),
        .invalid("66010519900101123X", .province),
        .invalid("720105199001011236", .province),
        .invalid("800105199001011236", .province),
        .invalid("840105199001011233", .province),
        .invalid("90010519900101123X", .province),
        .invalid("990105199001011236", .province),
        // The county part is never a reason: made-up or retired county codes in real provinces.
        .valid("110000200505055552"),
        .valid("110999200505055553"),
        .valid("370999200505055551"),
        .valid("659099200505055558"),
        .valid("419001200505055558"),
        // Wrong lengths.
        .invalid("", .length),
        .invalid("1", .length),
        .invalid("11010519900101", .length),
        .invalid("1101051990010100", .length),
        .invalid("11010519900101002", .length),
        .invalid("1101051990010100291", .length),
        .invalid("11010519900101002912", .length),
        .invalid("110105199001010X", .length),
        .invalid("1101051990010100291", .length),
        // Bad characters.
        .invalid("11010519900101002Y", .badCharacter),
        .invalid("110105A99001010029", .badCharacter),
        // Dashes are dropped as spaces are: what is left is 17 digits
        IDVector(input: "110105-99001010029", normalized: nil, problem: .length, neededCleaning: true, wasFifteen: false, today: IDVector.defaultToday),
        .invalid("1101051990X1010029", .badCharacter),
        .invalid("身份证105199001010029", .badCharacter),
        .invalid("11010519900101002?", .badCharacter),
        .invalid("110105199O01010029", .badCharacter),
        // Ⅹ is read as the X it stands for (cleaned), and this ID's check character is 9
        IDVector(input: "11010519900101002Ⅹ", normalized: nil, problem: .checkCharacter, neededCleaning: true, wasFifteen: false, today: IDVector.defaultToday),
        // What Excel writes into a CSV for an ID column not formatted as text.
        .invalid("1.10105E+17", .scientificNotation),
        .invalid("4.20103E+17", .scientificNotation),
        .invalid(" 1.10105199001010E+17 ", .scientificNotation),
        .invalid("1.1e17", .scientificNotation),
        .invalid("1.1E-17", .badCharacter),
        .invalid("E+17", .badCharacter),
        // Legacy 15-digit numbers: 19 inserted, the check character computed.
        .fifteen("110105900101002", "110105199001010029"),
        .fifteen("320102700101864", "320102197001018646"),
        .fifteen("440103851231123", "440103198512311236"),
        .fifteen("330106661010753", "330106196610107532"),
        .fifteen("650102010101999", "650102190101019990"),
        .fifteen("510104000229303", "510104200002293036"),  // 1900-02-29 never was: 2000's leap day
        .cleanedFifteen("110105 900101002", "110105199001010029"),
        .cleanedFifteen("１１０１０５９００１０１００２", "110105199001010029"),
        .invalidFifteen("000105900101002", .province),
        // Needed cleaning: inner spaces, U+3000, full-width digits and Ｘ, lowercase x.
        .cleaned("110105 19900101 0029", "110105199001010029"),
        .cleaned("110105\u{3000}199001010029", "110105199001010029"),
        .cleaned("110105\t199001010029", "110105199001010029"),
        .cleaned("110105\u{00A0}199001010029", "110105199001010029"),
        .cleaned("１１０１０５１９９００１０１００２９", "110105199001010029"),
        .cleaned("1101051990０１０１００２９", "110105199001010029"),
        .cleaned("44030520060715103x", "44030520060715103X"),
        // X typed as ×, Ⅹ or a Cyrillic Х; invisible characters and other spaces inside (an audit of lookalike text)
        .cleaned("44030520060715103\u{D7}", "44030520060715103X"), .cleaned("44030520060715103\u{2169}", "44030520060715103X"),
        .cleaned("44030520060715103\u{425}", "44030520060715103X"), .cleaned("44030520060715103\u{445}", "44030520060715103X"),
        .cleaned("110105\u{200D}199001010029", "110105199001010029"), .cleaned("110105\u{00AD}199001010029", "110105199001010029"),
        .cleaned("110105\u{2009}199001010029", "110105199001010029"),
        .cleaned("110105-19900101-0029", "110105199001010029"), .cleaned("110105–19900101–0029", "110105199001010029"),
        .cleaned("110105\u{FE63}19900101\u{FE58}0029", "110105199001010029"),
        .cleaned("44030520060715103Ｘ", "44030520060715103X"),
        .cleaned("44030520060715103ｘ", "44030520060715103X"),
        .cleaned("４４０３０５２００６０７１５１０３Ｘ", "44030520060715103X"),
        .cleaned("440305 20060715103 x", "44030520060715103X"),
        .cleaned("\u{3000}110 105199001010029\u{3000}", "110105199001010029"),
        // Surrounding white space alone is not cleaning.
        .valid(" 110105199001010029", normalized: "110105199001010029"),
        .valid("110105199001010029 ", normalized: "110105199001010029"),
        .valid("\u{3000}110105199001010029\u{3000}", normalized: "110105199001010029"),
        .valid("\t44030520060715103X\r\n", normalized: "44030520060715103X"),
        .valid("\u{00A0}110105199001010029", normalized: "110105199001010029"),
    ]

    @Test func theTableHasAtLeastAHundredVectors() {
        #expect(Self.vectors.count >= 100)
        #expect(Self.vectors.contains { $0.wasFifteen } && Self.vectors.contains { $0.neededCleaning })
        for problem in [IDNumber.Problem.badCharacter, .length, .province, .date, .futureDate, .checkCharacter] {
            #expect(Self.vectors.contains { $0.problem == problem }, "no vector for \(problem)")
        }
    }

    @Test(arguments: vectors)
    func normalizesAndValidates(_ v: IDVector) {
        // When
        let id = IDNumber(v.input, today: v.today)
        // Then
        #expect(id.problem == v.problem)
        #expect(id.isValid == (v.problem == nil))
        if let normalized = v.normalized { #expect(id.normalized == normalized) }
        if v.problem == nil { #expect(id.normalized.count == 18) }
        #expect(id.neededCleaning == v.neededCleaning)
        #expect(id.wasFifteen == v.wasFifteen)
        #expect(id.raw == Text.trimmed(v.input), "raw keeps the cell as given, trimmed")
    }

    @Test func everyValidNumberFailsWithAnyOtherCheckCharacter() {
        // Given every valid 18-digit vector
        for v in Self.vectors where v.problem == nil && !v.neededCleaning && !v.wasFifteen {
            let id = v.normalized ?? Text.trimmed(v.input)
            let id17 = String(id.prefix(17)), right = String(id.suffix(1))
            // Then exactly one of the eleven check characters is accepted
            for c in "0123456789X" where String(c) != right {
                #expect(IDNumber(id17 + String(c), today: v.today).problem == .checkCharacter, "\(id17)\(c)")
            }
        }
    }

    @Test func problemsAreReportedInPlainChinese() {
        #expect(IDNumber("11010519900101002", today: 20260901).problem?.rawValue == "长度不是18位（或15位）")
        #expect(IDNumber("110105199001010028", today: 20260901).problem?.rawValue == "校验位错误")
    }

    @Test func aBadCharacterIsKeptInTheCleanedText() {
        // Given two IDs wrong by different characters at one place
        let letter = IDNumber("1101051999A1010016", today: 20260901), han = IDNumber("1101051999一 1010016", today: 20260901)
        // Then each keeps its own character (no placeholder that would make them one ID, a false DUPLICATE_ID)
        #expect(letter.problem == .badCharacter && han.problem == .badCharacter)
        #expect(letter.normalized == "1101051999A1010016")
        #expect(han.normalized == "1101051999一1010016", "white space removed, the bad character kept")
        #expect(letter.normalized != han.normalized)
    }

    @Test func fifteenFormDropsCenturyAndCheckCharacter() {
        // FAQ 8: register with the 15-digit form
        #expect(IDNumber.fifteenForm(of: "110105199001010029") == "110105900101002")
        #expect(IDNumber.fifteenForm(of: "110101200602030017") == "110101060203001")
        #expect(IDNumber.fifteenForm(of: "11010519900101002") == nil)
    }

    @Test(arguments: ["110105199001010029", "320102197001018646", "44030520060715103X", "110101200602030017",
                      "520102201010014205", "310101200402299756", "650102200609107533"])
    func upgradeWithTheRightCenturyRestoresTheNumber(_ id18: String) throws {
        // Given a valid 18-digit ID, born 19xx or 20xx
        let fifteen = try #require(IDNumber.fifteenForm(of: id18))
        let century = Int(id18.dropFirst(6).prefix(2))!
        // When it is upgraded with its own century
        let upgraded = IDNumber.upgrade(fifteen, century: century)
        // Then the number comes back, check character included
        #expect(upgraded == id18)
        #expect(IDNumber(upgraded, today: 20260901).isValid)
    }

    @Test func aStudentBornIn2006IsNotRestoredWithCentury19() {
        // The 15-digit form of a 2006 birth read as legacy means 1906: a different, but valid-looking, number.
        let id15 = "110101060203001"
        #expect(IDNumber.upgrade(id15, century: 19) == "110101190602030010")
        #expect(IDNumber.upgrade(id15, century: 20) == "110101200602030017")
        #expect(IDNumber(id15, today: 20260901).normalized == "110101190602030010")
    }

    @Test func upgradeLeavesOtherLengthsAlone() {
        #expect(IDNumber.upgrade("1101010602030", century: 20) == "1101010602030")
    }

    /// An 18-character ID of digits (and X) is checked in place, without the scalar walk every other form takes.
    /// Both ways must agree: each such number, valid or not, is judged as it is with a space in front (which
    /// takes the full path and only adds `neededCleaning`).
    @Test func plainEighteenCharacterIDsAreJudgedAsTheFullPathJudgesThem() {
        var generator = SystemRandomNumberGenerator()
        var samples = ["110105199001010029", "44030520060715103X", "000000000000000000", "99999999999999999X",
                       "110105202612310014", "110105199002300022", "110105199001010020", "X10105199001010029"]
        for _ in 0..<5_000 {
            let region = ["11", "44", "32", "00", "10", "99", "71"].randomElement(using: &generator)!
            var digits = region + (0..<15).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            if Bool.random(using: &generator) {  // a real birthdate most of the time
                digits = String(digits.prefix(6)) + String(Int.random(in: 1990...2027, using: &generator))
                    + String(format: "%02d%02d", Int.random(in: 1...12, using: &generator), Int.random(in: 1...31, using: &generator))
                    + String(Int.random(in: 100...999, using: &generator))
            }
            samples.append(digits + String("0123456789X".randomElement(using: &generator)!))
        }
        for id in samples {
            let fast = IDNumber(id, today: 20260901), full = IDNumber("\u{3000}" + id.prefix(6) + " " + id.dropFirst(6), today: 20260901)
            #expect(fast.problem == full.problem, "\(id)")
            #expect(fast.normalized == full.normalized && fast.normalized == id, "\(id)")
            #expect(!fast.neededCleaning && full.neededCleaning && !fast.wasFifteen && !full.wasFifteen, "\(id)")
        }
        #expect(samples.contains { IDNumber($0, today: 20260901).isValid })
    }
}
