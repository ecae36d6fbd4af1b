/// A roster row ready to store: raw values beside normalized ones.
public struct StudentRow: Sendable {
    public var ksh: String
    public var xh: String
    public var name: PersonName
    /// The 录取姓名 cell, when the roster has the column and the cell is not blank.
    public var admissionName: PersonName?
    public var id: IDNumber
    public var sex: String
    public var birthdate: String
    public var phone: PhoneNumber
    public var college: String
    public var major: String
    public var className: String
    public var counselor: String
    public var counselorEmail: String
    public var line: Int
    /// A hash of the values the row stores (`hashes()`), made on the reading thread by `hashed()`.
    public var storedValuesHash: Int64 = 0
    /// A hash of the 考生号 and the values the row stores, matched against the latest roster's row at the same place
    /// (`RosterSequence`).
    public var placeHash: Int64 = 0

    /// The row with `storedValuesHash` and `placeHash` filled in.
    func hashed() -> StudentRow {
        var row = self
        (row.storedValuesHash, row.placeHash) = hashes()
        return row
    }

    /// The admission name stored: the 录取姓名 cell, else the name.
    var storedAdmissionName: String { admissionName?.normalized ?? name.normalized }
    /// The 15-digit form stored for a valid ID.
    var storedID15: String? { id.isValid ? IDNumber.fifteenForm(of: id.normalized) : nil }

    /// FNV-1a (64-bit) over every value `ImportSession.bind` stores as parameters 2–20 and 27, each ended by a byte
    /// UTF-8 never holds, then mixed (SplitMix64's finalizer). A roster stored over another compares it with the
    /// stored row's and skips the row when they match (see `RosterReplacement`). Not a cryptographic hash: two
    /// different rows share one with a chance of about 2⁻⁶⁴, and the rows are the school's own file. Returned with
    /// the same hash continued over the 考生号 (`placeHash`).
    private func hashes() -> (values: Int64, withKey: Int64) {
        var h = ValuesHasher()
        h.add(xh); h.add(name.raw); h.add(name.normalized)
        h.add(admissionName != nil)
        if admissionName != nil { h.add(storedAdmissionName) }
        h.add(id.raw); h.add(id.normalized); h.add(id.problem?.rawValue); h.add(id.neededCleaning); h.add(storedID15)
        h.add(sex); h.add(birthdate); h.add(phone.raw); h.add(phone.normalized); h.add(phone.isMobile)
        h.add(college); h.add(major); h.add(className); h.add(counselor); h.add(counselorEmail)
        var keyed = h
        keyed.add(ksh)
        return (h.finish(), keyed.finish())
    }
}

/// FNV-1a (64-bit) over values, each ended by a byte UTF-8 never holds, then SplitMix64's finalizer. A struct
/// rather than closures over a local: a variable captured by nested functions is boxed, and every access to it
/// checked for exclusivity at run time (a third of the hash's cost).
private struct ValuesHasher {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) private mutating func end(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }

    mutating func add(_ s: String) {
        var x = h
        s.withBytes { for b in $0 { x = (x ^ UInt64(b)) &* 0x100_0000_01b3 } }
        h = x
        end(0xFF)
    }

    mutating func add(_ s: String?) { if let s { add(s) } else { end(0xFE) } }
    mutating func add(_ b: Bool) { end(b ? 1 : 0) }

    func finish() -> Int64 {
        var h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int64(bitPattern: h ^ (h >> 31))
    }
}
