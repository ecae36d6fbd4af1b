import Testing
@testable import ZichaKit

/// Reconcile's counts per class, as `class_progress` stores them.
struct ClassCountsTests {
    private func table(_ counts: ClassCounts) -> [String] {
        var rows: [String] = []
        counts.forEach { college, className, c in rows.append("\(college)|\(className)|\(c.students) \(c.checked) \(c.disputed)") }
        return rows.sorted()
    }

    @Test func eachClassOfEachCollegeIsCountedByStateAndTakenOffAgain() {
        var counts = ClassCounts()
        counts.count(college: "计算机学院", className: "计科2601", state: .checked)
        counts.count(college: "计算机学院", className: "计科2601", state: .unchecked)
        counts.count(college: "计算机学院", className: "计科2602", state: .disputed)
        // One class name in two colleges is two classes
        counts.count(college: "体育学院", className: "计科2601", state: .checked)
        // A student reconciled again comes off the class they were counted in
        counts.count(college: "计算机学院", className: "计科2601", state: .checked, by: -1)
        #expect(table(counts) == ["体育学院|计科2601|1 1 0", "计算机学院|计科2601|1 0 0", "计算机学院|计科2602|1 0 1"])
        counts.removeAll()
        #expect(table(counts).isEmpty)
    }

    @Test func namesCompareByTheirBytesAsSQLiteDoes() {
        // Given the same class written precomposed and decomposed (equal Swift Strings, distinct SQLite keys)
        var counts = ClassCounts()
        counts.count(college: "外国语学院", className: "Fran\u{E7}ais 2601", state: .checked)
        counts.count(college: "外国语学院", className: "Franc\u{327}ais 2601", state: .unchecked)
        counts.count(college: "Caf\u{E9}", className: "A", state: .unchecked)
        counts.count(college: "Cafe\u{301}", className: "A", state: .unchecked)
        // Then each spelling is a class of its own, stored as written
        var seen: [[UInt8]] = []
        counts.forEach { college, className, c in
            #expect(c.students == 1)
            seen.append(Array((college + "|" + className).utf8))
        }
        #expect(Set(seen).count == 4)
    }
}
