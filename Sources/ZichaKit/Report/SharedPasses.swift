import Foundation

/// Lets other writers ride along the report's two ordered passes over the night, so the store runs its
/// join-and-sort twice a night instead of once per consumer (findings.json, follow-up files, counselor
/// lists, mail): at a million students each pass costs seconds.
///
/// Passes of different orders may run at the same time on two threads (riders are taken under a lock).
public final class SharedPasses<Base: FollowupSource>: FollowupSource, @unchecked Sendable {
    let base: Base
    private var riders: [FollowupOrder: [(FollowupRow) throws -> Void]] = [:]
    private let lock = NSLock()

    /// Wraps `base`; riders are added with `ride(order:_:)`.
    public init(_ base: Base) { self.base = base }

    /// Feeds `body` every row of the next pass in `order` (once: the riders leave after that pass).
    public func ride(order: FollowupOrder, _ body: @escaping (FollowupRow) throws -> Void) {
        lock.withLock { riders[order, default: []].append(body) }
    }

    /// Reads `base` in `order`, handing each row to the riders of that order first.
    public func forEachStudent(order: FollowupOrder, _ body: (FollowupRow) throws -> Void) throws {
        let extra = lock.withLock { riders.removeValue(forKey: order) } ?? []
        try base.forEachStudent(order: order) { row in
            for rider in extra { try rider(row) }
            try body(row)
        }
    }

    /// Runs a pass in `order` for riders whose pass nobody else ran (so each rider sees its rows exactly once).
    public func drain() throws {
        for order in lock.withLock({ Array(riders.keys) }) { try forEachStudent(order: order) { _ in } }
    }
}
