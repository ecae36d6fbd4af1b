/// Reads the table of an .xlsx workbook (ZIPFoundation + libxml2, streaming). Placeholder until issue 6 lands.
public struct XLSXReader: TableReader {
    public let source: String
    let path: String

    public init(path: String, source: String, options: TableOptions, isHeader: @escaping ([String]) -> Bool) throws {
        self.path = path
        self.source = source
        throw ZichaError(.unreadableInput, "reading .xlsx is not available yet", at: SourceLocation(file: source),
                         hint: "save the sheet as CSV (UTF-8) and import that")
    }

    public func read(_ body: (TableRecord) throws -> Void) throws {}

    public func location(line: Int, column: Int?) -> SourceLocation { SourceLocation(file: source, line: line) }
}
