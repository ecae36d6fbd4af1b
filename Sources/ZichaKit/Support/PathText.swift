import Glibc

/// Paths as text. Written by hand: swift-corelibs-foundation's `NSString.deletingLastPathComponent` traps on a
/// one-character path (`--db d`, `--out R`, a workbook part named `w`).
enum PathText {
    /// The path without its last component, as `deletingLastPathComponent` gives it: "" for a bare name, "/" for
    /// a name at the root.
    static func parent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        var head = trimmed[..<slash]
        while head.count > 1, head.hasSuffix("/") { head.removeLast() }
        return String(head)
    }

    /// Whether `path` (an existing file or folder) lies on a file system mounted read-only: then no account can write
    /// it, and "give that account write access" would send the administrator the wrong way.
    static func isOnReadOnlyFileSystem(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }
}
