/// Students, checked and disputed per college and class, counted as reconcile goes (stored by
/// `ReconcileSession.finish`; counting them with SQL instead sorts every result again, 2 s of a 1M night).
///
/// One counter per class: ≈ 333,000 on a national roster. Each college is held once and keys name it by number —
/// a college name of ≈ 30 bytes was a heap string in every class's key — and the counts are 32-bit: ≈ 25 MB less at
/// 10M (the rules' resident memory 177 → 153 MB). Names compare by their bytes, as SQLite's key of `class_progress` compares them (Swift
/// compares non-ASCII Strings through their NFC form, scalar by scalar: 15 % of the rules' thread at 1M).
struct ClassCounts {
    struct Counts: Equatable {
        var students: Int32 = 0, checked: Int32 = 0, disputed: Int32 = 0
    }

    private struct Key: Hashable {
        let college: Int32
        let className: ExactText
    }

    private var counts: [Key: Counts] = [:]
    private var collegeNumbers: [ExactText: Int32] = [:]
    private var colleges: [String] = []

    /// Adds one student in `state` to their class (`by` -1 takes one off).
    mutating func count(college: String, className: String, state: CheckState, by step: Int32 = 1) {
        func add(_ c: inout Counts) {
            c.students += step
            if state == .checked { c.checked += step }
            if state == .disputed { c.disputed += step }
        }
        add(&counts[Key(college: number(college), className: ExactText(className)), default: Counts()])
    }

    /// Calls `body` with each class and its counts, in no particular order.
    func forEach(_ body: (_ college: String, _ className: String, _ counts: Counts) throws -> Void) rethrows {
        for (key, value) in counts { try body(colleges[Int(key.college)], key.className.text, value) }
    }

    mutating func removeAll() {
        counts = [:]
        collegeNumbers = [:]
        colleges = []
    }

    private mutating func number(_ college: String) -> Int32 {
        if let known = collegeNumbers[ExactText(college)] { return known }
        let next = Int32(colleges.count)
        collegeNumbers[ExactText(college)] = next
        colleges.append(college)
        return next
    }
}
