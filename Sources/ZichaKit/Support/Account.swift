import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Names of the system accounts a run meets, for messages about who may write what.
enum Account {
    /// The account this run writes as (the effective one: a setuid start or `setpriv` count).
    static var current: String { name(geteuid()) }

    /// The login name of `uid`, or `uid N` when it has none.
    static func name(_ uid: uid_t) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
    }
}
