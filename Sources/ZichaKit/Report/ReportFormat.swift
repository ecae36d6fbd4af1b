import Foundation

/// Dates (`YYYY-MM-DD` civil days, no time zones) and numbers as the reports print them.
enum ReportFormat {
    /// Noon UTC of the as-of day: the one timestamp a report may carry (the workbook's creation time).
    static func noon(of asOf: String) -> Date {
        Date(timeIntervalSince1970: Double((EventTime.dayNumber(asOf) ?? 0) * 86_400 + 43_200))
    }

    /// `checked / students` as a percentage with one decimal, `69.8%`; `—` for an empty group.
    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "—" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
