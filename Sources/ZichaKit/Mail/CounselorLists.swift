/// Groups a night's students into one list per counselor address, for the mail stage.
public enum CounselorLists {
    /// Counselors with students to chase (not checked), one list per address, in address order. Unassigned students
    /// (no address) are the office's and are not mailed.
    public static func collect(from source: some FollowupSource) throws -> [CounselorList] {
        var collector = Collector()
        try source.forEachStudent(order: .byCounselor) { try collector.add($0) }
        return try collector.finish()
    }

    /// The same grouping fed row by row (rows in `.byCounselor` order), to ride along another pass. With `onList`,
    /// each list is handed over as soon as it is complete and not kept (the mail stage composes it at once).
    public struct Collector {
        private var lists: [CounselorList] = []
        private var current: CounselorList? = nil
        private let onList: ((CounselorList) throws -> Void)?

        /// A collector that keeps the lists, or hands each to `onList` when it is complete.
        public init(onList: ((CounselorList) throws -> Void)? = nil) { self.onList = onList }

        /// Takes one student. Rows of one address are consecutive in `.byCounselor` order.
        public mutating func add(_ row: FollowupRow) throws {
            guard row.needsCounselor, !row.counselorEmail.isEmpty else { return }
            if current?.email.lowercased() != row.counselorEmail.lowercased() {
                try flush()
                current = CounselorList(counselor: row.counselor, email: row.counselorEmail, colleges: [], rows: [])
            }
            if current!.counselor.isEmpty { current!.counselor = row.counselor }
            if !current!.colleges.contains(row.college) { current!.colleges.append(row.college) }
            current!.rows.append(row)
        }

        private mutating func flush() throws {
            guard let done = current else { return }
            current = nil
            if let onList { try onList(done) } else { lists.append(done) }
        }

        /// The lists kept, in counselor order (empty when they were handed to `onList`).
        public mutating func finish() throws -> [CounselorList] {
            try flush()
            return lists
        }
    }
}
