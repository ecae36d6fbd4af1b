/// Recognises workbook formats zicha cannot read, to say what they are. Placeholder until issue 6 lands.
public enum WorkbookSniffer {
    /// A clear error for an old .xls, an encrypted workbook or an HTML table saved as .xls; nil otherwise.
    public static func problem(path: String, source: String) -> ZichaError? {
        guard let chunks = try? FileChunks(path: path, source: source, chunkSize: 8), let head = try? chunks.next() else { return nil }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            return ZichaError(.unreadableInput, "this is an old Excel .xls or a password-protected workbook, not a table zicha can read",
                              at: SourceLocation(file: source), hint: "open it in Excel or WPS, remove any password, and save as .xlsx or CSV (UTF-8)")
        }
        return nil
    }
}
