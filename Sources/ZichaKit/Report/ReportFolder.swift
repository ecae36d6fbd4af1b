import Foundation

/// Publishes a night's reports atomically: written in a hidden temporary folder, then renamed into place,
/// with `latest` pointing at the newest night.
public enum ReportFolder {
    /// A hidden file in each night folder: the SHA-256 of what its reports were written from (files, settings, build).
    public static let inputsMark = ".inputs"

    /// Creates `<root>/.<asOf>.partial`, lets `write` fill it, then replaces `<root>/<asOf>` with it. Returns the final path.
    /// `keepOutbox`: a run that mails nothing carries the night's outbox over (what an earlier run sent stays on record).
    /// What the office added to the folder it replaces, or edited there after it was published, is carried into the new
    /// one (an edited file under another name), saying so; `latest` that cannot be pointed is a warning, not a failure.
    public static func publish(in root: String, asOf: String, keepOutbox: Bool = false, diagnostics: DiagnosticSink? = nil,
                               _ write: (String) throws -> Void) throws -> String {
        let fm = FileManager.default
        do {
            // Owner-only when zicha creates it (PIPL); an existing folder keeps the mode its owner chose.
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ZichaError(.output, "cannot create the reports folder: \(error.localizedDescription)", at: SourceLocation(file: root))
        }
        let final = root + "/" + asOf
        let partial = root + "/." + asOf + ".partial"
        let old = root + "/." + asOf + ".old"
        try? fm.removeItem(atPath: partial)
        try? fm.removeItem(atPath: old)
        do {
            try fm.createDirectory(atPath: partial, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ZichaError(.output, "cannot write in the reports folder: \(error.localizedDescription)", at: SourceLocation(file: root),
                             hint: "check that the folder is writable and the disk is not full")
        }
        do {
            try write(partial)
            if keepOutbox, fm.fileExists(atPath: final + "/outbox"), !fm.fileExists(atPath: partial + "/outbox") {
                try fm.copyItem(atPath: final + "/outbox", toPath: partial + "/outbox")
            }
        } catch {
            try? fm.removeItem(atPath: partial)
            throw error
        }
        if fm.fileExists(atPath: final) {
            carryOver(from: final, into: partial, diagnostics: diagnostics)
            try fm.moveItem(atPath: final, toPath: old)
        }
        guard rename(partial, final) == 0 else {
            throw ZichaError(.output, "cannot move the reports into place: \(String(cString: strerror(errno)))", at: SourceLocation(file: final))
        }
        try? fm.removeItem(atPath: old)
        if let problem = pointLatest(in: root, diagnostics: diagnostics) {
            // The night is published and its mail still to go: a link that cannot be made must not stop that (found by an
            // audit: an installation copied with zip or scp -r, which turn the link into a folder, mailed no one for nights).
            diagnostics?.report(Diagnostic(.warning, "cannot point the latest link at the newest night: \(problem)",
                                           at: SourceLocation(file: root + "/latest"),
                                           hint: "the night's reports are in \(final); remove or rename \(root)/latest and the next run makes the link",
                                           evenWhenQuiet: true))
        }
        return final
    }

    /// The top-level names zicha writes in a night folder: anything else in a folder being replaced is the office's.
    static let ownNames: Set<String> = ["findings.json", "followup.csv", "followup.xlsx", "summary.html", "rejects.csv", "outbox",
                                        ReportWriter.counselorFolder, ReportWriter.fullCounselorFolder]

    /// Moves into the new folder `partial` what the office put in the published folder `final` (a file or folder zicha
    /// does not write, hidden ones too) and zicha's files it edited after they were published (modified after the
    /// folder's `.inputs` mark, written last): an edited file keeps its edits under the name `<name>.edited-<time>.<ext>`,
    /// beside the new one. The same one level down in the counselor lists' folders, where a file changed after the mark
    /// is the office's (found by audits: running a night again deleted the office's notes in its folder and its edits of
    /// followup.xlsx and of a counselor's list, without a word). `outbox/` is the mail's. Best effort: what cannot be
    /// moved is said and stays in the replaced folder.
    static func carryOver(from final: String, into partial: String, diagnostics: DiagnosticSink?) {
        var published = stat()
        let markTime = lstat(final + "/" + inputsMark, &published) == 0 ? published.st_mtim.tv_sec : nil
        var carried: [String] = [], edited: [String] = []
        func modifiedAfterMark(_ info: stat) -> Bool { markTime.map { info.st_mtim.tv_sec > $0 } ?? false }
        /// Moves `name` of `folder` (relative to the night folder) into the same place of the new folder.
        func move(_ name: String, in folder: String, own: Bool) {
            let source = final + folder + "/" + name
            var info = stat()
            guard lstat(source, &info) == 0 else { return }
            let isFile = info.st_mode & S_IFMT == S_IFREG
            let target: String
            if !own {
                target = FileManager.default.fileExists(atPath: partial + folder + "/" + name) && isFile
                    ? editedName(name, modified: info.st_mtim.tv_sec) : name
            } else if isFile, modifiedAfterMark(info) {
                target = editedName(name, modified: info.st_mtim.tv_sec)
            } else {
                return
            }
            if FileManager.default.fileExists(atPath: partial + folder + "/" + target) { return }
            let shown = String((folder + "/" + name).dropFirst())
            if rename(source, partial + folder + "/" + target) == 0 {
                if target == name { carried.append(shown) } else { edited.append("\(shown) → \(target)") }
            } else {
                diagnostics?.report(Diagnostic(.warning, "cannot keep \(shown) in the night's new folder: \(String(cString: strerror(errno))); "
                    + "it is removed with the old folder", at: SourceLocation(file: source), evenWhenQuiet: true))
            }
        }
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: final)) ?? []).sorted() where name != inputsMark {
            move(name, in: "", own: ownNames.contains(name))
        }
        for folder in [ReportWriter.counselorFolder, ReportWriter.fullCounselorFolder] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: partial + "/" + folder, isDirectory: &isFolder), isFolder.boolValue else { continue }
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: final + "/" + folder)) ?? []).sorted() {
                var info = stat()
                guard lstat(final + "/" + folder + "/" + name, &info) == 0, modifiedAfterMark(info) else { continue }
                move(name, in: "/" + folder, own: FileManager.default.fileExists(atPath: partial + "/" + folder + "/" + name))
            }
        }
        guard !carried.isEmpty || !edited.isEmpty else { return }
        var kept: [String] = []
        if !carried.isEmpty { kept.append("what the office added (\(carried.prefix(5).joined(separator: ", "))\(carried.count > 5 ? " …" : ""))") }
        if !edited.isEmpty { kept.append("files edited after they were written, under new names (\(edited.prefix(5).joined(separator: ", "))\(edited.count > 5 ? " …" : ""))") }
        diagnostics?.report(Diagnostic(.warning, "the night's folder was written again; kept in it " + kept.joined(separator: " and "),
                                       at: SourceLocation(file: final),
                                       hint: "zicha rewrites its own files when a night runs again: keep notes and edited copies outside the night's folder",
                                       evenWhenQuiet: true))
    }

    /// `followup.xlsx` edited at `modified` (seconds since 1970) → `followup.edited-20240921-1022.xlsx`.
    static func editedName(_ name: String, modified: Int) -> String {
        let stamp = stamp(modified)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name + ".edited-" + stamp }
        return name[..<dot] + ".edited-" + stamp + name[dot...]
    }

    /// `20240921-1022`: a moment (seconds since 1970) in Asia/Shanghai, to the minute.
    static func stamp(_ seconds: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04d%02d%02d-%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// Points `<root>/latest` at the newest night folder (a relative symbolic link, swapped atomically). Returns what went
    /// wrong, if anything; `diagnostics` hears of a folder moved aside. A folder named `latest` holding a night's `.inputs`
    /// mark is a copy of a night (a link turned into a folder by zip or scp -r): it is renamed `latest.folder-<time>`, not
    /// removed — the office may have worked in it (found by an audit) — and the link takes its place; any other folder
    /// is left alone.
    static func pointLatest(in root: String, diagnostics: DiagnosticSink? = nil) -> String? {
        let fm = FileManager.default
        let nights = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0.count == 10 && EventTime.parse($0) != nil }.sorted()
        guard let newest = nights.last else { return nil }
        let link = root + "/latest"
        var info = stat()
        if lstat(link, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            guard fm.fileExists(atPath: link + "/" + inputsMark) else {
                return "\(link) is a folder that is not a copy of a night's reports; it is left as it is"
            }
            let name = "latest.folder-" + stamp(Int(Date().timeIntervalSince1970))
            let aside = root + "/" + name
            guard rename(link, aside) == 0 else {
                return "\(link) is a copy of a night's folder and cannot be moved aside: \(String(cString: strerror(errno)))"
            }
            diagnostics?.report(Diagnostic(.warning, "the folder latest (a copy of a night's reports, as zip or scp -r make of the link) "
                + "was renamed \(name); the link takes its place", at: SourceLocation(file: aside),
                hint: "remove it when nothing in it is needed", evenWhenQuiet: true))
        }
        let temp = root + "/.latest.tmp"
        try? fm.removeItem(atPath: temp)
        guard symlink(newest, temp) == 0, rename(temp, link) == 0 else { return String(cString: strerror(errno)) }
        return nil
    }
}
