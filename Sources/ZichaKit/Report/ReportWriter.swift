import Foundation

/// How the report stage writes a night.
public struct ReportOptions: Sendable {
    /// Also write the office's unmasked copies of the counselor lists, into `counselors-full/`.
    public var unmasked: Bool = false

    /// Options with the given choices.
    public init(unmasked: Bool = false) { self.unmasked = unmasked }
}

/// Writes a night's report folder: the office's follow-up table (CSV and XLSX), `summary.html`, and
/// one CSV and one HTML list per counselor. Rows stream from the source into the files, so memory
/// stays flat however many students a night has.
public enum ReportWriter {
    /// Folder of the counselors' (masked) lists.
    public static let counselorFolder = "counselors"
    /// Folder of the office's unmasked copies of the counselor lists (with `ReportOptions.unmasked`).
    public static let fullCounselorFolder = "counselors-full"

    /// Writes followup.csv, followup.xlsx, summary.html and counselors/<safe name>.csv|.html into `directory`
    /// (which exists and is empty). Returns the files written.
    public static func write(summary: NightSummary, students: some FollowupSource, catalog: RemedyCatalog,
                             to directory: URL, options: ReportOptions) throws -> [URL] {
        var page = SummaryPage(summary: summary, catalog: catalog)

        // Pass 2, by counselor, runs on a second core while this thread makes pass 1: one pair of files per
        // counselor with students to chase. It returns its own listing; the page takes it once both are done.
        let students = UncheckedBox(students)
        let byCounselor = BackgroundWork {
            try StageClock.timed("report.byCounselor") {
                try writeCounselors(summary: summary, students: students.value, catalog: catalog, to: directory, options: options)
            }
        }

        // Pass 1, by college and class: the office's table, and the rows the summary embeds. The pass itself runs
        // on another thread; this one fills the workbook from its rows and zips it (a third of the pass's work).
        let byClass = Result { try StageClock.timed("report.byClass") {
            let csv = try ReportFile("followup.csv", in: directory)
            let xlsx = try FollowupWorkbook(url: ReportPaths.inside(directory, "followup.xlsx"), asOf: summary.asOf)
            try csv.write(CSVText.bom + CSVText.line(FollowupTable.header))
            try streamOnSecondThread(batchSize: 512, produce: { emit in
                try students.value.forEachStudent(order: .byCollegeClass) { row in
                    if row.lacksCounselorMail {
                        page.unassignedTotal += 1
                        if !row.counselor.isEmpty { page.unassignedNamed += 1 }
                        if page.unassigned.count < SummaryPage.cap { page.unassigned.append(row) }
                    }
                    guard row.needsAction else { return }
                    let cells = FollowupTable.cells(row, catalog: catalog, masked: false)
                    try csv.writeCSV(cells)
                    try emit(cells)
                    page.followupTotal += 1
                    if page.followup.count < SummaryPage.cap { page.followup.append(row) }
                }
            }, consume: { cells in try xlsx.append(cells) })  // returns once the pass's thread has ended
            try csv.close()
            try xlsx.close()
            return [csv.url, xlsx.url]
        } }
        let counselors = try byCounselor.wait()  // waited for on every path: nothing writes after this returns
        var written = try byClass.get() + counselors.files
        page.counselors = counselors.listing

        let html = try ReportFile("summary.html", in: directory)
        try page.render { try html.write($0) }
        try html.close()
        written.append(html.url)
        return written
    }

    private static func writeCounselors(summary: NightSummary, students: some FollowupSource, catalog: RemedyCatalog,
                                        to directory: URL, options: ReportOptions) throws -> (files: [URL], listing: [CounselorListing]) {
        var written: [URL] = []
        var listing: [CounselorListing] = []
        var names = CounselorFileNames()
        var current: [CounselorListFiles] = []
        var folders: [(url: URL, masked: Bool)] = []

        func finish() throws {
            guard let first = current.first else { return }
            for list in current {
                try list.close()
                written += list.urls
            }
            listing.append(CounselorListing(counselor: first.counselor, email: first.email,
                                            students: first.students, fileName: first.fileName))
            current = []
        }

        try students.forEachStudent(order: .byCounselor) { row in
            guard !row.hasNoCounselor, row.needsCounselor else { return }
            if let open = current.first, open.counselor == row.counselor, open.email == row.counselorEmail {
                for list in current { try list.append(row) }
                return
            }
            try finish()
            if folders.isEmpty {
                folders.append((try ReportPaths.makeFolder(counselorFolder, in: directory), true))
                if options.unmasked {
                    folders.append((try ReportPaths.makeFolder(fullCounselorFolder, in: directory), false))
                }
            }
            // A counselor known by address alone (a roster's 辅导员邮箱 without a name) is named by the address.
            let counselor = row.counselor.isEmpty ? row.counselorEmail : row.counselor
            let fileName = names.name(counselor: counselor, email: row.counselorEmail)
            current = try folders.map {
                try CounselorListFiles(counselor: counselor, email: row.counselorEmail, fileName: fileName,
                                  in: $0.url, summary: summary, catalog: catalog, masked: $0.masked)
            }
            for list in current { try list.append(row) }
        }
        try finish()
        return (written, listing)
    }
}
