import Foundation

/// Looks at the first bytes of an input and names files that are not readable tables though they
/// look like spreadsheets: old .xls, encrypted workbooks, HTML saved as .xls, truncated zips.
public enum WorkbookSniffer {
    /// A clear `.unreadableInput` error (exit 65) for such a file; nil for a sound zip or a text file.
    public static func problem(path: String, source: String) -> ZichaError? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        let head = [UInt8]((try? file.read(upToCount: 4096)) ?? Data())
        let ext = (source as NSString).pathExtension.lowercased()
        let location = SourceLocation(file: source)
        let resave = "open it in Excel or WPS and use Save As › Excel Workbook (.xlsx) or CSV UTF-8, then import that file"

        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return compoundFileProblem(file, location: location, resave: resave)
        }
        if head.starts(with: [0x50, 0x4B]) {  // "PK": a zip; its directory sits at the very end
            guard hasZipDirectory(file) else {
                return ZichaError(.unreadableInput, "the workbook is cut short: the end of its zip package is missing "
                                  + "(an interrupted download or copy?)", at: location,
                                  hint: "download or export the file again; if Excel opens it, save it again as .xlsx")
            }
            return nil
        }
        if let kind = markupKind(head) {
            return ZichaError(.unreadableInput, "this is \(kind) with a spreadsheet name, not a real workbook",
                              at: location, hint: resave)
        }
        if let kind = otherFormat(head) {
            // Read as text, such a file "lacked" every column, and the message sent the office to its headers.
            return ZichaError(.unreadableInput, "this is \(kind), which zicha does not read", at: location, hint: resave)
        }
        guard ["xlsx", "xlsm", "xltx", "xltm"].contains(ext) else { return nil }
        if head.isEmpty {
            return ZichaError(.unreadableInput, "the workbook is empty (0 bytes)", at: location,
                              hint: "export it again from the source system, or save it from Excel as .xlsx")
        }
        let looksLikeText = !head.contains(0) || head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])
        return ZichaError(.unreadableInput, looksLikeText
                          ? "this file is named .\(ext) but holds plain text (a CSV or TSV renamed?), not an Excel workbook"
                          : "this file is named .\(ext) but is not an Excel workbook (not a zip package)",
                          at: location, hint: looksLikeText ? "rename it to .csv, or " + resave : resave)
    }

    /// An OLE2 compound file: an encrypted (password-protected) .xlsx, or an old .xls.
    private static func compoundFileProblem(_ file: FileHandle, location: SourceLocation, resave: String) -> ZichaError {
        // Stream names sit in the compound file's directory as UTF-16LE; an encrypted .xlsx keeps
        // the real workbook in "EncryptedPackage". Scan the first 16 MB (directories come early).
        try? file.seek(toOffset: 0)
        let encrypted = contains(file, utf16: "EncryptedPackage", limit: 16 << 20)
        if encrypted {
            return ZichaError(.unreadableInput, "this workbook is protected with a password (encrypted), so it cannot be read",
                              at: location, hint: "open it in Excel or WPS with the password, remove the password "
                              + "(File › Info › Protect Workbook › Encrypt with Password), and save as .xlsx or CSV UTF-8")
        }
        return ZichaError(.unreadableInput, "this is an old Excel 97–2003 workbook (.xls), which zicha does not read",
                          at: location, hint: resave)
    }

    private static func contains(_ file: FileHandle, utf16 name: String, limit: Int) -> Bool {
        let needle = Data(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        var carry = Data(), read = 0
        while read < limit, let chunk = try? file.read(upToCount: 1 << 20), !chunk.isEmpty {
            read += chunk.count
            let window = carry + chunk
            if window.range(of: needle) != nil { return true }
            carry = window.suffix(needle.count)
        }
        return false
    }

    /// Whether the zip's end-of-central-directory record ("PK\u{5}\u{6}") is in its last 64 KB + 22 bytes.
    private static func hasZipDirectory(_ file: FileHandle) -> Bool {
        guard let size = try? file.seekToEnd(), size >= 22 else { return false }
        let tail = min(size, 65_557)
        guard (try? file.seek(toOffset: size - tail)) != nil, let data = try? file.read(upToCount: Int(tail))
        else { return false }
        return data.range(of: Data([0x50, 0x4B, 0x05, 0x06]), options: .backwards) != nil
    }

    /// "a web page (HTML table)" or "an Excel 2003 XML spreadsheet" when the file is markup.
    private static func markupKind(_ head: [UInt8]) -> String? {
        let bytes = leadingContent(head)
        guard bytes.first == UInt8(ascii: "<") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        if text.contains("urn:schemas-microsoft-com:office:spreadsheet") && text.contains("<workbook") {
            return "an Excel 2003 XML spreadsheet"
        }
        if text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.hasPrefix("<table")
            || text.hasPrefix("<meta") || text.contains("<html") {
            return "a web page (an HTML table)"
        }
        return nil
    }

    /// Other spreadsheet formats a program saves that would read as a text table without a header: LibreOffice's flat
    /// ODF (.fods), the national UOF format (.uos, 统一办公格式), any other XML, SYLK (.slk) and DIF (.dif). An
    /// audit found them refused as a roster that "lacks required columns", even taking SYLK's first record as a column.
    private static func otherFormat(_ head: [UInt8]) -> String? {
        let text = String(decoding: leadingContent(head), as: UTF8.self)
        if text.hasPrefix("<?xml") || (text.hasPrefix("<") && text.contains("xmlns")) {
            if text.contains("office:document") { return "an OpenDocument spreadsheet in one XML file (.fods)" }
            if text.lowercased().contains("uof") { return "a UOF document (统一办公格式, .uos)" }
            return "an XML document, not a CSV, TSV or .xlsx table"
        }
        // SYLK: an `ID;P…` record, then cell records (`C;Y1;X1;K"考生号"`); a `;`-separated CSV whose header starts with
        // `ID;Phone` has no such records.
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).prefix(50)
        if text.hasPrefix("ID;P"), lines.dropFirst().contains(where: { $0.hasPrefix("C;Y") || $0.hasPrefix("C;X") || $0.hasPrefix("B;Y") }) {
            return "a SYLK spreadsheet (.slk)"
        }
        if text.hasPrefix("TABLE\r\n0,1") || text.hasPrefix("TABLE\n0,1") { return "a DIF spreadsheet (.dif)" }
        return nil
    }

    /// The first bytes without a UTF-8 byte order mark and the white space before the content.
    private static func leadingContent(_ head: [UInt8]) -> ArraySlice<UInt8> {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
