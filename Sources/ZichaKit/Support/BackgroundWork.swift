import Foundation

/// Runs one piece of work on a thread of its own while the caller goes on (the report's two passes, one per
/// core). `wait()` returns its result or rethrows its error; call it exactly once, on every path, so the work
/// never outlives the folder it writes into.
///
/// The work's closure is not `Sendable`: the caller promises that it shares no mutable state with the work
/// until `wait()` returns (each pass writes its own files from its own database connection).
final class BackgroundWork<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping () throws -> T) {
        let box = UncheckedBox(work)
        let thread = Thread { [self] in
            result = Result { try box.value() }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Blocks until the work is done; its value, or its error.
    func wait() throws -> T {
        done.wait()
        return try result!.get()
    }
}

/// Carries a value the compiler cannot prove `Sendable` across a thread boundary the caller has made safe.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Serializes a sink that two threads of the report stage may both report to.
final class SerializedDiagnostics: DiagnosticSink, @unchecked Sendable {
    private let base: DiagnosticSink
    private let lock = NSLock()

    init(_ base: DiagnosticSink) { self.base = base }

    func report(_ diagnostic: Diagnostic) {
        lock.lock()
        defer { lock.unlock() }
        base.report(diagnostic)
    }
}
