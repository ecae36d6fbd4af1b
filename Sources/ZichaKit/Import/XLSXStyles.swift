/// Reads `xl/styles.xml` just enough to know which cell styles (`s="3"`) show numbers as dates.
final class XLSXStylesHandler: XMLEventHandler {
    private var customFormats: [Int: String] = [:]
    private var formatIDs: [Int] = []
    private var inCellXfs = false

    /// Per cell style index, whether it formats numbers as dates or times.
    var dateStyles: [Bool] {
        formatIDs.map { id in
            if let code = customFormats[id] { return XLSXDate.isDateFormat(code) }
            return XLSXDate.isBuiltInDate(id)
        }
    }

    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) {
        if name.equals("numFmt") {
            if let id = attributes["numFmtId"].flatMap(XLSXCellReference.integer), let code = attributes["formatCode"] {
                customFormats[id] = code.string
            }
        } else if name.equals("cellXfs") {
            inCellXfs = true
        } else if inCellXfs, name.equals("xf") {
            // Only <cellXfs> counts: <cellStyleXfs> holds named styles, not the ones cells point at.
            formatIDs.append(attributes["numFmtId"].flatMap(XLSXCellReference.integer) ?? 0)
        }
    }

    func endElement(_ name: XMLBytes) {
        if name.equals("cellXfs") { inCellXfs = false }
    }

    func characters(_ text: XMLBytes) {}
}
