import Foundation

/// One remedy from the school's FAQ.
public struct Remedy: Sendable, Equatable, Codable {
    /// GUIDE, FAQ-1 … FAQ-9, NOTE-1, NOTE-2 or ADMIN.
    public var id: String
    /// The FAQ question number, when the remedy is one.
    public var faq: Int?
    public var title: String
    /// What the student (or the office) must do, in Chinese.
    public var text: String

    public init(id: String, faq: Int?, title: String, text: String) {
        self.id = id
        self.faq = faq
        self.title = title
        self.text = text
    }
}

/// The remedy texts, loaded from a data file a school can replace (`remedies.json`).
public struct RemedyCatalog: Sendable {
    public private(set) var remedies: [String: Remedy]
    /// Ids in file order.
    public private(set) var order: [String]
    /// Per id, the remedy as the follow-up table's 处理办法 cell lists it (`【title】text`) and as a counselor
    /// page's list item (escaped): made once, since every student of a night repeats a few of them.
    private(set) var tableText: [String: String] = [:]
    private(set) var htmlItem: [String: String] = [:]
    /// The 处理办法 cell of each list of remedy ids seen so far (a night has a few dozen lists, each repeated by
    /// thousands of students): made once per list instead of joined again for every row.
    let tableCells = CombinedRemedies()

    private struct File: Codable { var remedies: [Remedy] }

    /// Every remedy id some finding can name.
    public static let requiredIDs: [String] = ["GUIDE"] + (1...9).map { "FAQ-\($0)" } + ["NOTE-1", "NOTE-2", "ADMIN"]

    /// Parses a catalog and checks that every remedy a finding needs is there.
    public init(json: Data, source: String) throws {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch {
            let why = (error as? DecodingError).map { Configuration.describe($0) } ?? "\(error)"
            throw ZichaError(.config, "the remedy catalog is not valid: \(why)", at: SourceLocation(file: source),
                             hint: "it holds {\"remedies\": [{\"id\": \"GUIDE\", \"faq\": null, \"title\": \"…\", \"text\": \"…\"}, …]}: "
                                 + "start from a copy of zicha's own (Sources/ZichaKit/Resources/remedies.json)")
        }
        remedies = [:]
        order = []
        for remedy in file.remedies {
            // Two texts for one id: which one the counselors get would be an accident of order.
            guard remedies[remedy.id] == nil else {
                throw ZichaError(.config, "the remedy catalog gives \(remedy.id) twice", at: SourceLocation(file: source),
                                 hint: "keep one entry per id")
            }
            remedies[remedy.id] = remedy
            order.append(remedy.id)
        }
        for (id, remedy) in remedies {
            tableText[id] = "【\(remedy.title)】\(remedy.text)"
            htmlItem[id] = "<li><b>\(HTML.escape(remedy.title))</b>：\(HTML.escape(remedy.text))</li>\n"
        }
        let missing = Self.requiredIDs.filter { (remedies[$0]?.text ?? "").isEmpty }
        if !missing.isEmpty {
            throw ZichaError(.config, "the remedy catalog lacks \(missing.joined(separator: ", "))",
                             at: SourceLocation(file: source),
                             hint: "every finding names a remedy; add the missing ids with a non-empty text")
        }
    }

    /// The catalog shipped with zicha, condensed from the school's FAQ.
    public static func bundled() throws -> RemedyCatalog {
        try RemedyCatalog(json: Data(PackageResources.remedies_json), source: "remedies.json")
    }

    /// Loads a school's own catalog.
    public static func load(path: String) throws -> RemedyCatalog {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "it cannot be read (permissions?)" : "there is no such file"
            throw ZichaError(.config, "cannot read the remedy catalog: \(why)", at: SourceLocation(file: path),
                             hint: "leave out \"remedies\" to use the catalog built into zicha")
        }
        return try RemedyCatalog(json: data, source: path)
    }

    public subscript(id: String) -> Remedy? { remedies[id] }

    /// The follow-up table's 处理办法 cell for remedy ids `ids` (in the order the row names them), and the
    /// 参考 cell (`ids` joined by spaces).
    func tableCell(for ids: [String]) -> (text: String, ids: String) {
        let key = ids.joined(separator: " ")
        if let text = tableCells.lookup(key) { return (text, key) }
        let text = ids.compactMap { tableText[$0] }.joined(separator: "\n")
        tableCells.store(text, for: key)
        return (text, key)
    }
}

/// The combined remedy cells of `RemedyCatalog.tableCell(for:)`, shared by the report's two passes (on two threads).
final class CombinedRemedies: @unchecked Sendable {
    private let lock = NSLock()
    private var cells: [String: String] = [:]

    func lookup(_ key: String) -> String? { lock.withLock { cells[key] } }

    /// Keeps at most 10,000 lists (a night sees dozens).
    func store(_ text: String, for key: String) { lock.withLock { if cells.count < 10_000 { cells[key] = text } } }
}
