/// Warns, while a roster or counselor list is read, of each counselor address that mail would refuse
/// (`MailAddress`): the office hears of it at the row that holds it, the night the file comes in, and not only
/// once mail is configured, when the message names no file. The row is kept (its students stay in every
/// report, with the address as written); only mail cannot reach that counselor.
struct CounselorAddressCheck {
    /// Addresses found usable lately: a roster repeats one counselor's address on every row of a class, so a
    /// small set spares checking it again without growing with the roster (emptied when it fills).
    private var usable = Set<String>()
    /// Addresses refused in this file, each warned of once (as many as the file has distinct bad cells: few).
    private var refused = Set<String>()
    private var last = ""
    static let usableKept = 4_096
    /// Refused addresses shown one by one per file; the rest are counted at its end.
    static let shownPerFile = 10

    /// A warning at `location` the first time `email` (a non-empty cell) is found unusable in this file.
    mutating func check(_ email: String, counselor: String, at location: @autoclosure () -> SourceLocation) -> Diagnostic? {
        if email.isEmpty || email == last { return nil }
        last = email
        if usable.contains(email) || refused.contains(email) { return nil }
        do {
            _ = try MailAddress.check(email)
            if usable.count >= Self.usableKept { usable.removeAll(keepingCapacity: true) }
            usable.insert(email)
            return nil
        } catch {
            refused.insert(email)
            guard refused.count <= Self.shownPerFile else { return nil }
            let reason = (error as? MailAddress.Problem)?.reason ?? "\(error)"
            let who = MailAddress.cleanName(counselor)
            let shown = MailAddress.shown(email)
            return Diagnostic(.warning, "辅导员邮箱 \(shown)\(who.isEmpty ? "" : " (\(who))") cannot be mailed: \(reason)",
                              at: location(),
                              hint: "write exactly one address like name@example.edu.cn; until then the students of this address are in the reports but their counselor gets no mail")
        }
    }

    /// The count of refused addresses not shown one by one, for the end of the file `source`.
    func summary(source: String) -> Diagnostic? {
        guard refused.count > Self.shownPerFile else { return nil }
        return Diagnostic(.warning, "\(refused.count - Self.shownPerFile) more counselor addresses in this file cannot be mailed",
                          at: SourceLocation(file: source))
    }
}
