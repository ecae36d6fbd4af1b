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

    /// The file `path` names, as SQLite opens it: symbolic links followed (the last component's too, dangling or not),
    /// the folder made absolute — or left as the links gave it when it cannot be resolved (it does not exist). Two runs
    /// reaching one database by two paths (its own and a link) must meet at one run lock (found by an audit: each took a
    /// lock of its own).
    static func resolvingLinks(_ path: String) -> String {
        var file = path
        for _ in 0..<40 {  // Linux's own limit of links followed
            guard let target = linkTarget(file) else { break }
            let folder = parent(file)
            file = target.hasPrefix("/") || folder.isEmpty ? target : (folder == "/" ? "/" : folder + "/") + target
        }
        let folder = parent(file), name = String(file[(file.lastIndex(of: "/").map { file.index(after: $0) } ?? file.startIndex)...])
        guard let real = realpath(folder.isEmpty ? "." : folder, nil) else { return file }
        defer { free(real) }
        let resolved = String(cString: real)
        return (resolved == "/" ? "/" : resolved + "/") + name
    }

    /// What the symbolic link `path` holds, as written; nil when `path` is no link.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }

    /// The first symbolic link on `path` — the path itself, then each folder above it — that leads nowhere: to nothing
    /// (dangling) or back to itself (a loop); nil when there is none.
    static func brokenLink(on path: String) -> (link: String, target: String, loop: Bool)? {
        var p = path
        while !p.isEmpty {
            var info = stat()
            if lstat(p, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, stat(p, &info) != 0 {
                let loop = errno == ELOOP
                return (p, linkTarget(p) ?? "?", loop)
            }
            let up = parent(p)
            if up == p { break }
            p = up
        }
        return nil
    }

    /// Whether `path` (an existing file or folder) lies on a file system mounted read-only: then no account can write
    /// it, and "give that account write access" would send the administrator the wrong way.
    static func isOnReadOnlyFileSystem(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }
}
