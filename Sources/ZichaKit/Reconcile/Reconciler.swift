/// Reconciles one night: every roster student against the log and against each other, then history.
public struct Reconciler {
    let database: AppDatabase
    let traditional: TraditionalNameCheck?
    let progress: Progress?

    public init(database: AppDatabase, traditional: TraditionalNameCheck?, progress: Progress? = nil) {
        self.database = database
        self.traditional = traditional
        self.progress = progress
    }

    /// Runs the rules for the night `asOf` and stores the results (read back with `NightReader`).
    /// `inputs` is stored with the night so that an unchanged re-run can be recognised. When `incremental` and
    /// only logs and rosters were imported since the latest night, only the IDs their new or changed rows name
    /// (see `ReconcileSession.base`) are reconciled again
    /// and the other results are carried over (the same results a full run gives: the rules of one student
    /// read nothing but the roster, the counselor list and that student's events).
    /// Returns the night carried over from, if any, or how many IDs made an incremental night reconcile everyone.
    @discardableResult
    public func run(asOf: String, inputs: String = "", incremental: Bool = false) throws -> ReconcileOutcome {
        try database.reconcileNight(asOf: asOf, inputs: inputs, incremental: incremental) { session in
            var context: RosterContext! = nil
            var done = 0
            try session.forEachMatch(meanwhile: {
                // While the join sorts the roster by ID on its own thread: who shares an ID or a phone.
                let shared = try session.sharedValues()
                context = RosterContext(sharedIDs: shared.ids, sharedPhones: shared.phones, traditional: traditional)
                StageClock.step("reconcile.shared")
            }, student: { facts, present, events, storeID in
                guard present else { return }  // a student who left stops being reported
                let verdict = Rules.evaluate(facts, events: events, context: context)
                try session.record(facts, storeID: storeID, verdict: verdict)
                done += 1
                if done % 100_000 == 0 { progress?.update("reconcile", done: done) }
            }, unmatched: { id, name, events, legacy in
                let first = events.map(\.time).min() ?? 0, last = events.map(\.time).max() ?? 0
                // A legacy ID is named as the log has it too: the office looks for that text in the log.
                let shown = legacy ? "\(id)（记录中为15位 \(IDNumber.fifteenForm(of: id) ?? id)）" : id
                let detail = "身份证号: \(shown); 姓名: \(name); 记录数: \(events.count); 时间 \(EventTime.format(first)) 至 \(EventTime.format(last))"
                try session.recordFinding(subject: id, code: .notOnRoster, detail: detail, remedies: Rules.remedies(for: .notOnRoster))
            })
            progress?.finish("reconcile")
            context = nil  // the shared values go before the sorts of `finish` need memory
            StageClock.step("reconcile.rules")
            try session.finish(inputs: inputs)
            StageClock.step("reconcile.store")
            return ReconcileOutcome(base: session.base, touchedIDsOfWholeNight: session.touchedIDsOfWholeNight)
        }
    }
}

/// How a night was reconciled (`Reconciler.run`).
public struct ReconcileOutcome: Sendable {
    /// The night whose results were carried over; nil when every student was reconciled.
    public var base: ReconcileBase?
    /// Set when only logs and rosters came in, but their new rows named so many IDs that reconciling everyone cost
    /// less: how many.
    public var touchedIDsOfWholeNight: Int?
}
