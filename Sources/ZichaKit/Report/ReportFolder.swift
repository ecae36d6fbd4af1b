import Foundation

/// Publishes a night's reports atomically: written in a hidden temporary folder, then renamed into place,
/// with `latest` pointing at the newest night.
public enum ReportFolder {
    /// A hidden file in each night folder: the SHA-256 of what its reports were written from (files, settings, build).
    public static let inputsMark = ".inputs"

    /// Creates `<root>/.<asOf>.partial`, lets `write` fill it, then replaces `<root>/<asOf>` with it. Returns the final path.
    /// `keepOutbox`: a run that mails nothing carries the night's outbox over (what an earlier run sent stays on record).
    public static func publish(in root: String, asOf: String, keepOutbox: Bool = false, _ write: (String) throws -> Void) throws -> String {
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
        if fm.fileExists(atPath: final) { try fm.moveItem(atPath: final, toPath: old) }
        guard rename(partial, final) == 0 else {
            throw ZichaError(.output, "cannot move the reports into place: \(String(cString: strerror(errno)))", at: SourceLocation(file: final))
        }
        try? fm.removeItem(atPath: old)
        try pointLatest(in: root)
        return final
    }

    /// Points `<root>/latest` at the newest night folder (a relative symbolic link, swapped atomically).
    static func pointLatest(in root: String) throws {
        let fm = FileManager.default
        let nights = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0.count == 10 && EventTime.parse($0) != nil }.sorted()
        guard let newest = nights.last else { return }
        let temp = root + "/.latest.tmp"
        try? fm.removeItem(atPath: temp)
        guard symlink(newest, temp) == 0, rename(temp, root + "/latest") == 0 else {
            throw ZichaError(.output, "cannot update the latest link: \(String(cString: strerror(errno)))", at: SourceLocation(file: root + "/latest"))
        }
    }
}
