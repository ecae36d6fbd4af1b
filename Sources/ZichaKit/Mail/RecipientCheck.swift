/// Checks each counselor's address and merges the lists that share one address, for the mailer to compose.
enum RecipientCheck {
    /// One message per distinct checked address, in the order the lists came; refusals go to `outcome` and `diagnostics`.
    static func recipients(for lists: [CounselorList], outcome: inout MailOutcome,
                           diagnostics: DiagnosticSink) -> [(MailAddress, CounselorList)] {
        var merged: [(MailAddress, CounselorList)] = []
        var index: [String: Int] = [:]
        for list in lists where !list.rows.isEmpty {
            let who = MailAddress.cleanName(list.counselor)
            let mailbox: MailAddress
            do {
                mailbox = try MailAddress(address: list.email, name: list.counselor)
            } catch {
                let reason = (error as? MailAddress.Problem)?.reason ?? "\(error)"
                let shown = MailAddress.shown(list.email)
                outcome.refused.append("\(who.isEmpty ? "(no name)" : who): \(reason)")
                diagnostics.report(Diagnostic(.error, "counselor \(who.isEmpty ? "(no name)" : who)'s address \(shown) was refused: \(reason); their list of \(counted(list.rows.count, "student")) is not mailed",
                                              hint: "fix the 辅导员邮箱 cell in the roster or the counselor list: exactly one address like name@example.edu.cn"))
                continue
            }
            if let i = index[mailbox.ledgerKey] {
                merged[i].1.rows += list.rows
                for college in list.colleges where !merged[i].1.colleges.contains(college) { merged[i].1.colleges.append(college) }
            } else {
                index[mailbox.ledgerKey] = merged.count
                merged.append((mailbox, list))
            }
        }
        return merged
    }
}
