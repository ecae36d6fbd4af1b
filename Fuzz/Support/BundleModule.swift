import Foundation

// SwiftPM generates `Bundle.module` for ZichaKit; a fuzz binary compiled with swiftc has no resource
// bundle, so the few sources that mention it see the main bundle (the fuzz targets never load resources).
extension Bundle {
    static var module: Bundle { Bundle.main }
}
