import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ReportWriter {
    /// Points `Reports/latest` (a symbolic link) and `Reports/latest.html` (a small page, for file
    /// shares and Windows, where links do not travel) at the night `asOf` inside `root`.
    /// Both are replaced atomically, so a reader never sees a half-written pointer.
    public static func updateLatest(in root: URL, asOf: String) throws {
        guard ReportFormat.dayNumber(asOf) != nil, asOf.count == 10 else {
            throw ZichaError(.output, "the report day \(asOf.debugDescription) is not YYYY-MM-DD", at: SourceLocation(file: root.path))
        }
        let link = try ReportPaths.inside(root, "latest"), tempLink = try ReportPaths.inside(root, ".latest.tmp")
        unlink(tempLink.path)
        guard symlink(asOf, tempLink.path) == 0, rename(tempLink.path, link.path) == 0 else {
            throw ZichaError(.output, "cannot point latest at \(asOf): \(String(cString: strerror(errno)))",
                             at: SourceLocation(file: link.path))
        }
        let page = try ReportPaths.inside(root, "latest.html"), tempPage = try ReportPaths.inside(root, ".latest.html.tmp")
        unlink(tempPage.path)
        let file = try ReportFile(".latest.html.tmp", in: root)
        let target = HTML.escape(asOf) + "/summary.html"
        try file.write(HTML.head(title: "学籍自查日报（最新）"))
        try file.write("<h1>学籍自查日报（最新）</h1>\n<p>最新一晚：<a href=\"\(target)\">\(HTML.escape(asOf))</a></p>\n")
        try file.write(HTML.tail(footer: "此页指向最新一晚的 summary.html。"))
        try file.close()
        guard rename(tempPage.path, page.path) == 0 else {
            throw ZichaError(.output, "cannot write latest.html: \(String(cString: strerror(errno)))", at: SourceLocation(file: page.path))
        }
    }
}
