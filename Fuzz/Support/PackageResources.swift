// SwiftPM generates `PackageResources` for ZichaKit's resources embedded in code; a fuzz binary compiled with swiftc
// has none, so the few sources that mention them see empty ones (the fuzz targets never load them).
enum PackageResources {
    static let name_exceptions_json: [UInt8] = []
    static let remedies_json: [UInt8] = []
}
