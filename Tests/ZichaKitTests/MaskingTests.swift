import Testing
@testable import ZichaKit

@Suite struct MaskingTests {
    @Test func idKeepsRegionAndLastFour() {
        #expect(Masking.id("110105199001010021") == "110105********0021")
        #expect(Masking.id("44030520060715103X") == "440305********103X")
        #expect(Masking.id("110105900101002") == "110105*****1002")
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
        #expect(masked == "与 王芳 (24110101000007) 共用 138****8000；身份证号 110105********0021，请用本人15位身份证号 110105*****1002 注册，2026-09-01 08:00:00")
    }

    @Test func textMasksAnIDEndingInX() {
        #expect(Masking.text("证件号码44030520060715103X已被注册") == "证件号码440305********103X已被注册")
    }

    @Test func textLeavesOtherNumbersAlone() {
        #expect(Masking.text("找回用户名 3 次提示姓名不符") == "找回用户名 3 次提示姓名不符")
        #expect(Masking.text("电话 010-62751234") == "电话 010-62751234")
        #expect(Masking.text("") == "")
    }
}
