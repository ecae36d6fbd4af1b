import Testing
@testable import ZichaKit

@Suite struct PhoneNumberTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let input: String, normalized: String, isMobile: Bool
        var none = false
        var testDescription: String { input.debugDescription }
    }

    static let vectors: [Vector] = [
        Vector(input: "13800138000", normalized: "13800138000", isMobile: true),
        Vector(input: " 13800138000 ", normalized: "13800138000", isMobile: true),
        Vector(input: "138 0013 8000", normalized: "13800138000", isMobile: true),
        Vector(input: "138-0013-8000", normalized: "13800138000", isMobile: true),
        Vector(input: "(138)00138000", normalized: "13800138000", isMobile: true),
        Vector(input: "+86 138 0013 8000", normalized: "13800138000", isMobile: true),
        Vector(input: "+8613800138000", normalized: "13800138000", isMobile: true),
        Vector(input: "0086 13800138000", normalized: "13800138000", isMobile: true),
        Vector(input: "8613800138000", normalized: "13800138000", isMobile: true),
        Vector(input: "86-138-0013-8000", normalized: "13800138000", isMobile: true),
        Vector(input: "１３８００１３８０００", normalized: "13800138000", isMobile: true),
        Vector(input: "＋８６\u{3000}１３８００１３８０００", normalized: "13800138000", isMobile: true),
        Vector(input: "19912345678", normalized: "19912345678", isMobile: true),
        Vector(input: "'13800138000", normalized: "13800138000", isMobile: true),
        Vector(input: "13800138000.0", normalized: "13800138000", isMobile: true),
        Vector(input: "15012345678", normalized: "15012345678", isMobile: true),
        // Other spaces, dashes and invisible characters, as web pages give them (an audit found these PHONE_INVALID)
        Vector(input: "139\u{2009}0027\u{2009}9999", normalized: "13900279999", isMobile: true),
        Vector(input: "139\u{200B}0027\u{200B}9999", normalized: "13900279999", isMobile: true),
        Vector(input: "139–0027–9999", normalized: "13900279999", isMobile: true),
        Vector(input: "139\u{2212}0027\u{2060}9999", normalized: "13900279999", isMobile: true),
        Vector(input: "139\u{202F}0027\u{200D}9999", normalized: "13900279999", isMobile: true),
        // Not a mainland mobile.
        Vector(input: "12345678901", normalized: "12345678901", isMobile: false),
        Vector(input: "10086", normalized: "10086", isMobile: false),
        Vector(input: "1380013800", normalized: "1380013800", isMobile: false),
        Vector(input: "138001380001", normalized: "138001380001", isMobile: false),
        Vector(input: "010-62751234", normalized: "01062751234", isMobile: false),
        Vector(input: "(0755) 8888-6666", normalized: "075588886666", isMobile: false),
        Vector(input: "1380013800O", normalized: "1380013800O", isMobile: false),
        // A placeholder for no phone is no phone (an audit found 无, — and N/A reported as PHONE_INVALID).
        Vector(input: "无", normalized: "", isMobile: false, none: true),
        Vector(input: " N/A ", normalized: "", isMobile: false, none: true),
        Vector(input: "—", normalized: "", isMobile: false, none: true),
        Vector(input: "无电话", normalized: "???", isMobile: false),
        Vector(input: "+1 415 555 0100", normalized: "+14155550100", isMobile: false),
        Vector(input: "", normalized: "", isMobile: false),
    ]

    @Test(arguments: vectors)
    func cleansAndRecognisesMobiles(_ v: Vector) {
        let phone = PhoneNumber(v.input)
        #expect(phone.normalized == v.normalized)
        #expect(phone.isMobile == v.isMobile)
        #expect(phone.raw == (v.none ? "" : Text.trimmed(v.input)))
        #expect(phone.isEmpty == (v.none || Text.trimmed(v.input).isEmpty))
    }

    @Test func twoWritingsOfOneMobileAreEqualOnceNormalized() {
        // SPEC: two students share a phone when their normalized phones are equal
        let writings = ["+86 138-0013-8000", "0086 13800138000", "138 0013 8000", "13800138000"]
        #expect(Set(writings.map { PhoneNumber($0).normalized }).count == 1)
    }
}
