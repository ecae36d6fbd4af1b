/// Groups a night's students into one list per counselor address, for the mail stage.
public enum CounselorLists {
    /// Counselors with students to chase (not checked, with findings), in counselor order. Unassigned students
    /// (no address) are the office's and are not mailed.
    public static func collect(from source: some FollowupSource) throws -> [CounselorList] {
        var collector = Collector()
        try source.forEachStudent(order: .byCounselor) { collector.add($0) }
        return collector.finish()
    }

    /// The same grouping fed row by row (rows in `.byCounselor` order), to ride along another pass.
    public struct Collector {
        private var lists: [CounselorList] = []
        private var current: CounselorList? = nil

        /// An empty collector.
        public init() {}

        /// Takes one student.
        public mutating func add(_ row: FollowupRow) {
            guard row.needsCounselor, !row.counselorEmail.isEmpty else { return }
            if current?.email != row.counselorEmail || current?.counselor != row.counselor {
                if let done = current { lists.append(done) }
                current = CounselorList(counselor: row.counselor, email: row.counselorEmail, colleges: [], rows: [])
            }
            if !current!.colleges.contains(row.college) { current!.colleges.append(row.college) }
            current!.rows.append(row)
        }

        /// The lists, in counselor order.
        public mutating func finish() -> [CounselorList] {
            if let done = current { lists.append(done); current = nil }
            return lists
        }
    }
}
