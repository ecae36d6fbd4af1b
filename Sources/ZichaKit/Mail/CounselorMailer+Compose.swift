import Foundation

/// Composing: each counselor's message, written to the outbox as its list arrives, and the closing messages to those whose
/// list emptied.
extension CounselorMailer {
    /// Composes one counselor's message and writes it to `folder` (the outbox, possibly before the night's reports
    /// are moved into place). Lists arrive one at a time, so messages never all sit in memory.
    public func compose(_ list: CounselorList, into folder: URL, diagnostics: DiagnosticSink) throws {
        guard !list.rows.isEmpty else { return }
        noteList(list)
        for (to, one) in RecipientCheck.recipients(for: [list], outcome: &outcome, diagnostics: diagnostics) {
            if queued.contains(where: { $0.to.ledgerKey == to.ledgerKey }) {
                diagnostics.report(Diagnostic(.warning, "two counselor lists share the address \(to.address); only the first is mailed",
                                              hint: "give each counselor one address in the roster or the counselor list"))
                continue
            }
            try compose(one, to: to, into: folder)
        }
    }

    /// Composes `list`'s message to `to` into `folder` and queues it; to a counselor an earlier run of this night mailed,
    /// queues the message they got instead, as it went.
    func compose(_ list: CounselorList, to: MailAddress, into folder: URL, changes given: CounselorListChanges? = nil) throws {
        precondition(prepared, "CounselorMailer.prepare() first")
        let box = Outbox(folder: folder)
        if queued.isEmpty { try box.create() }
        let message = try composer!.compose(list, to: to, changes: given ?? changes(for: CounselorListChanges.key(list.email)))
        if let sent = sentFiles[to.ledgerKey], try keep(sent, in: folder) {
            // The Message-ID is a hash of all the reader sees: another one is another list (found by an audit: a night run
            // again with corrected files left counselors with the wrong students, and nobody was told).
            if message.messageID != sent.messageID { changedSinceMailed.append((to, list.rows.count)) }
            return
        }
        queued.append((to, message.messageID, try box.write(message, used: &usedNames).lastPathComponent))
    }

    /// After the night's lists: one closing message to each counselor whose last mail listed students and who has none
    /// tonight (all checked, moved to another counselor, or off the roster), saying so — after a season of daily mail,
    /// silence reads as a fault (found by an audit). Sent once: after it, the list they last received is empty.
    public func composeClosings(into folder: URL) throws {
        let keys = outboxNight.map { Array((changesSince[$0] ?? [:]).keys) } ?? Array(comparedNight.keys)
        var addresses: [String: [String: [String]]] = [:]  // each counselor's addresses by name, by night
        for key in keys.sorted() where !listKeys.contains(key) {
            // Not to an address whose counselor, by name, has a list tonight under another (an address corrected: found
            // by an audit, the old address was sent the names of students who had checked since) — unless that name is
            // two counselors' (found by an audit: 赵老师 at one address got no closing because another 赵老师 had a list).
            guard let changes = changes(for: key), changes.removedCount > 0,
                  changes.counselor.isEmpty || changes.nameShared || !listNames.contains(changes.counselor) else { continue }
            // To the counselor's address tonight when the office corrected it since — one counselor by that name, at this
            // one address then and at one other tonight, checked students counted (found by an audit: the closing went to
            // the address corrected away from) —, unless that address was mailed after this one last was (it had its
            // closing, or a list, since).
            var address = changes.email
            if !changes.counselor.isEmpty, !changes.nameShared {
                for night in [asOf, changes.since] where addresses[night] == nil { addresses[night] = try database.counselorAddresses(asOf: night) }
                if let tonight = addresses[asOf]?[changes.counselor], tonight.count == 1, CounselorListChanges.key(tonight[0]) != key,
                   addresses[changes.since]?[changes.counselor].map({ $0.map(CounselorListChanges.key) == [key] }) ?? false {
                    if let mailed = comparedNight[CounselorListChanges.key(tonight[0])], mailed >= (comparedNight[key] ?? "") { continue }
                    address = tonight[0]
                }
            }
            // An address the night before had students under it; one refused then was reported then.
            guard let to = try? MailAddress(address: address, name: changes.counselor),
                  !queued.contains(where: { $0.to.ledgerKey == to.ledgerKey }) else { continue }
            try compose(CounselorList(counselor: changes.counselor, email: address, colleges: [], rows: []), to: to, into: folder,
                        changes: changes)
        }
    }

    /// Notes a counselor with a list tonight: no closing message goes to their address or name.
    func noteList(_ list: CounselorList) {
        listKeys.insert(CounselorListChanges.key(list.email))
        if !list.counselor.isEmpty { listNames.insert(list.counselor) }
    }

    /// How the list of the counselor at `key` changed since the list they last received; nil when there is none to
    /// compare with.
    private func changes(for key: String) -> CounselorListChanges? {
        guard let night = outboxNight ?? comparedNight[key] ?? nightMailedAtFormerAddress(of: key), let byKey = changesSince[night] else { return nil }
        return byKey[key] ?? CounselorListChanges(since: night)
    }

    /// For an address never mailed that corrects a counselor's earlier one: the night mail last went to the earlier
    /// address, if its changes say so (the same counselor, by name).
    private func nightMailedAtFormerAddress(of key: String) -> String? {
        changesSince.keys.sorted(by: >).first { night in
            changesSince[night]?[key]?.formerKey.map { comparedNight[$0] == night } ?? false
        }
    }
}
