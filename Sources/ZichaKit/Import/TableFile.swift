import Foundation

/// Opens an input file as a table, choosing the reader from its first bytes (not its name).
public enum TableFile {
    /// A reader for `path`; `isHeader` picks a workbook's sheet. Throws `.unreadableInput` for non-tables.
    public static func open(path: String, options: TableOptions, isHeader: @escaping ([String]) -> Bool) throws -> any TableReader {
        let source = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ZichaError(.unreadableInput, "the file does not exist", at: SourceLocation(file: source))
        }
        if isDirectory.boolValue {
            throw ZichaError(.unreadableInput, "this is a folder, not a table file", at: SourceLocation(file: source))
        }
        if let problem = WorkbookSniffer.problem(path: path, source: source) { throw problem }
        if try isWorkbook(path: path) {
            return try XLSXReader(path: path, source: source, options: options, isHeader: isHeader)
        }
        return try DelimitedTextReader(path: path, source: source, options: options)
    }

    /// Refuses an input that is not a file kept on disk — a named pipe, `<(…)`, a piped standard input, a device: zicha
    /// reads each input more than once (its digest, then its rows), and a pipe gives its bytes once (found by an audit:
    /// the second open of a named pipe waited for a writer for ever, holding the database's run lock, and a drained
    /// `<(…)` read as "empty"). A missing file or a folder is left to `open`, which says so.
    public static func refuseStream(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let type = info.st_mode & S_IFMT
        guard type != S_IFREG, type != S_IFDIR else { return }
        let what = type == S_IFIFO ? "a pipe (a named pipe, <(…) or a piped standard input)"
            : type == S_IFCHR || type == S_IFBLK ? "a device" : type == S_IFSOCK ? "a socket" : "not a regular file"
        throw ZichaError(.unreadableInput, "this is \(what), not a file on disk: each input is read more than once "
                         + "(its digest, then its rows)", at: SourceLocation(file: path),
                         hint: "save the export to a file and give that file")
    }

    /// Whether the file starts as a zip archive (a .xlsx workbook), whatever its name.
    static func isWorkbook(path: String) throws -> Bool {
        let head = try FileChunks(path: path, source: path, chunkSize: 8).next() ?? []
        return head.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }
}
