/// The small HTML toolkit every report page uses: one escape function for every value, and the page
/// frame (self-contained: inline CSS and script, a Content-Security-Policy that forbids any request).
enum HTML {
    /// Text safe in element content and in double- or single-quoted attributes. Control characters
    /// and bidi overrides (which could disguise text) become visible `[U+202E]` marks; CR/CRLF become LF.
    static func escape(_ s: String) -> String {
        // Most values need no change: one byte scan, no copy.
        if !s.withBytes(mayNeedEscape) { return s }
        if !s.unicodeScalars.contains(where: needsEscape) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var previousCR = false
        for u in s.unicodeScalars {
            defer { previousCR = u == "\r" }
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r": out += "\n"
            case "\n": if !previousCR { out += "\n" }
            case "\t": out += " "
            default:
                let v = u.value
                if Text.isC0C1Control(v) || Text.isBidiControl(v) || (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE {
                    out += Text.mark(v)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// False when no scalar of the UTF-8 text can need escaping: no ASCII special or control byte, none of the
    /// bidi marks and overrides (E2 80 8E/8F/AA–AE, E2 81 A6–A9), no noncharacter of the BMP (EF B7 90–AF,
    /// EF BF BE/BF), and no lead byte of the other scalars `needsEscape` names (C2: U+0080–009F, D8: U+061C,
    /// F0–F4: the noncharacters of the other planes).
    /// Chinese text with its quotes and dashes passes in one scan; a true answer is checked scalar by scalar.
    private static func mayNeedEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            switch b {
            case 0x00..<0x20, 0x7F, 0x26, 0x3C, 0x3E, 0x22, 0x27, 0xC2, 0xD8, 0xF0...: return true
            case 0xEF:  // full-width punctuation (EF BC/BD xx) is in every Chinese sentence: only U+FDD0–FDEF, U+FFFE/FFFF
                guard i + 2 < n else { return true }
                let b1 = bytes[i + 1], b2 = bytes[i + 2]
                if b1 == 0xB7, (0x90...0xAF).contains(b2) { return true }
                if b1 == 0xBF, b2 >= 0xBE { return true }
            case 0xE2:
                guard i + 2 < n else { return true }
                let b1 = bytes[i + 1], b2 = bytes[i + 2]
                if b1 == 0x80, b2 == 0x8E || b2 == 0x8F || (0xAA...0xAE).contains(b2) { return true }
                if b1 == 0x81, (0xA6...0xA9).contains(b2) { return true }
            default: break
            }
            i += 1
        }
        return false
    }

    @inline(__always)
    private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x80 { return v < 0x20 || v == 0x7F || v == 0x26 || v == 0x3C || v == 0x3E || v == 0x22 || v == 0x27 }
        return (0x80...0x9F).contains(v) || Text.isBidiControl(v) || (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE
    }

    /// `escape`, cut to `limit` characters with a note saying where the full text is.
    static func escape(_ s: String, limit: Int, fullIn: String) -> String {
        guard s.utf8.count > limit, s.count > limit else { return escape(s) }  // UTF-8 never counts fewer
        return escape(String(s.prefix(limit))) + "…<span class=\"note\">（已截断，完整内容见 " + escape(fullIn) + "）</span>"
    }

    /// The page up to and including `<body><main>`. `portrait`: printed upright (a list of students' cards; the
    /// summary's wide tables print across).
    static func head(title: String, portrait: Bool = false) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
        <meta name="referrer" content="no-referrer">
        <title>\(escape(title))</title>
        <style>
        \(HTMLAssets.css)\(portrait ? "@media print{@page{size:A4 portrait}}\n" : "")</style>
        </head>
        <body>
        <main>

        """
    }

    /// The end of the page, with the script that makes tables sortable and filterable.
    static func tail(footer: String) -> String {
        """
        <footer class="note">\(escape(footer))</footer>
        </main>
        <script>
        \(HTMLAssets.script)</script>
        </body>
        </html>

        """
    }

    /// A horizontal bar for a rate in 0…1, with the rate as text beside it.
    static func bar(part: Int, of whole: Int) -> String {
        let width = whole > 0 ? (part * 100 + whole / 2) / whole : 0
        let pct = ReportFormat.percent(part, of: whole)
        return "<span class=\"barbox\" aria-hidden=\"true\"><span class=\"bar\" style=\"width:\(width)%\"></span></span> "
            + escape(pct)
    }
}

extension ByteBuffer {
    /// Appends `s` escaped for HTML (`HTML.escape`).
    @inline(__always) mutating func html(_ s: String) { text(HTML.escape(s)) }
}
