import Foundation

/// Paths of the package under test, found from this source file's location (tests run from anywhere).
public enum PackagePaths {
    /// The package root: the folder holding Package.swift.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ZichaTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// A path inside the package, e.g. `SampleData/night1/roster.csv`.
    public static func file(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
