import Foundation

/// Hands batches from one producing thread to one consuming thread, in order, holding at most `capacity`
/// batches: the reader of a file runs ahead of the store by a few thousand rows, never by the whole file.
final class BatchChannel<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Element]] = []
    /// Batches the consumer is done with, freed by the producer at its next `send` (at most `capacity` + 1 wait):
    /// the memory goes back to the thread that allocated it, where jemalloc frees without taking an arena's lock,
    /// and the work leaves the storing thread, the roster's bound.
    private var spent: [[Element]] = []
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Producer: queues `batch`, waiting while the channel is full. False once the consumer has cancelled.
    func send(_ batch: [Element]) -> Bool {
        condition.lock()
        while batches.count >= capacity, !cancelled { condition.wait() }
        if cancelled { condition.unlock(); return false }
        batches.append(batch)
        condition.broadcast()
        var done: [[Element]] = []
        swap(&done, &spent)
        condition.unlock()
        done.removeAll()  // here, on the producer's thread, outside the lock
        return true
    }

    /// Producer: no more batches (after the last one, or after a failure).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next batch, waiting for it; nil when the producer has closed and everything was taken.
    func receive() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, !closed { condition.wait() }
        if batches.isEmpty { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// Consumer: hands a consumed batch back for the producer to free (at its next `send`).
    func giveBack(_ batch: [Element]) {
        condition.lock()
        if !cancelled, !closed { spent.append(batch) }
        condition.unlock()
    }

    /// Consumer: stops taking batches; the producer's next `send` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs `produce` on a second thread and hands what it emits to `consume` on this one, in order, a batch at a
/// time (the reading half of a stage on one core, the storing half on the other). `meanwhile` runs here first,
/// while the producer starts. The first error wins: the consumer's stops the producer at its next batch; the
/// producer's (a file that turns out unreadable) is rethrown after what it emitted before was consumed.
///
/// `cells`, when given, says how many cells an element holds: a batch also ends at `batchSize` × 32 of them, so that
/// rows of thousands of columns do not hold thousands of times the memory (a 5,000-column roster: 443 → 71 MB).
func streamOnSecondThread<Element>(batchSize: Int = 2048, cells: ((Element) -> Int)? = nil, meanwhile: () throws -> Void = {},
                                   produce: @escaping (_ emit: (Element) throws -> Void) throws -> Void,
                                   consume: (Element) throws -> Void) throws {
    let channel = BatchChannel<Element>(capacity: 4)
    let producer = BackgroundWork {
        defer { channel.close() }
        var batch: [Element] = []
        batch.reserveCapacity(batchSize)
        var held = 0
        let mostHeld = batchSize * 32
        try produce { element in
            batch.append(element)
            if let cells { held += cells(element) }
            if batch.count >= batchSize || held >= mostHeld {
                guard channel.send(batch) else { throw CancellationError() }
                batch.removeAll(keepingCapacity: true)
                held = 0
            }
        }
        _ = channel.send(batch)
    }
    do {
        try meanwhile()
        while var batch = channel.receive() {
            // Each element lent in place: iterating the array copied every row, a retain and a release of each of
            // its strings, on this thread, of memory the producer's thread last touched.
            try batch.withUnsafeBufferPointer { rows in for i in rows.indices { try consume(rows[i]) } }
            channel.giveBack(batch)
            batch = []  // the channel holds the last reference now
        }
    } catch {
        channel.cancel()
        _ = try? producer.wait()
        throw error
    }
    try producer.wait()
}
