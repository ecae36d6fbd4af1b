/// Reads `xl/workbook.xml`: the sheets in tab order and the date system.
final class XLSXWorkbookHandler: XMLEventHandler {
    /// Sheet name, relationship id and whether the tab is hidden, in tab order.
    private(set) var sheets: [(name: String, relationship: String, hidden: Bool)] = []
    /// Whether dates count from 1904-01-01 (old Mac Excel) instead of 1900.
    private(set) var date1904 = false

    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) {
        if name.equals("sheet"), let sheetName = attributes["name"], let id = attributes["id"] {
            let hidden = attributes["state"].map { !$0.equals("visible") } ?? false
            sheets.append((sheetName.string, id.string, hidden))
        } else if name.equals("workbookPr"), let flag = attributes["date1904"] {
            date1904 = flag.equals("1") || flag.equals("true")
        }
    }

    func endElement(_ name: XMLBytes) {}
    func characters(_ text: XMLBytes) {}
}

/// Reads a `.rels` part: relationship id → target part and type.
final class XLSXRelationshipsHandler: XMLEventHandler {
    /// One relationship of a part.
    struct Relationship { let id: String, target: String, type: String }

    private(set) var relationships: [Relationship] = []

    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) {
        guard name.equals("Relationship"), let id = attributes["Id"], let target = attributes["Target"] else { return }
        relationships.append(Relationship(id: id.string, target: target.string, type: attributes["Type"]?.string ?? ""))
    }

    func endElement(_ name: XMLBytes) {}
    func characters(_ text: XMLBytes) {}

    /// The first relationship whose type ends with `/suffix` (types differ between strict and transitional OOXML).
    func first(ofType suffix: String) -> Relationship? {
        relationships.first { $0.type.hasSuffix("/" + suffix) }
    }

    /// A target resolved against the folder of the part that owns the relationships (`xl`).
    static func resolve(_ target: String, from folder: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = folder.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            if piece == ".." { _ = parts.popLast() } else if piece != "." { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }
}
