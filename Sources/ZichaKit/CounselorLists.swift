/// Groups a night's students into one list per counselor address, for the mail stage.
public enum CounselorLists {
    /// Counselors with students to chase (not checked, with findings), in counselor order. Unassigned students
    /// (no address) are the office's and are not mailed.
    public static func collect(from source: some FollowupSource) throws -> [CounselorList] {
        var lists: [CounselorList] = []
        var current: CounselorList? = nil
        try source.forEachStudent(order: .byCounselor) { row in
            guard row.needsCounselor, !row.counselorEmail.isEmpty else { return }
            if current?.email != row.counselorEmail || current?.counselor != row.counselor {
                if let done = current { lists.append(done) }
                current = CounselorList(counselor: row.counselor, email: row.counselorEmail, colleges: [], rows: [])
            }
            if !current!.colleges.contains(row.college) { current!.colleges.append(row.college) }
            current!.rows.append(row)
        }
        if let done = current { lists.append(done) }
        return lists
    }
}
