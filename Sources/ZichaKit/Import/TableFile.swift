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

    /// Whether the file starts as a zip archive (a .xlsx workbook), whatever its name.
    static func isWorkbook(path: String) throws -> Bool {
        let head = try FileChunks(path: path, source: path, chunkSize: 8).next() ?? []
        return head.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }
}
