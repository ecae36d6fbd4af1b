import Foundation
import Testing
@testable import ZichaKit

/// The plumbing that puts each stage's reading half on a second core: order, bounded read-ahead, and errors
/// from either side ending both without losing what came before.
@Suite("Two-thread streaming")
struct TwoThreadStreamTests {
    struct Stop: Error {}

    @Test("every element arrives once, in order, across many batches; meanwhile runs first")
    func orderAndCompleteness() throws {
        var got: [Int] = []
        var meanwhileRanFirst = false
        try streamOnSecondThread(batchSize: 7, meanwhile: { meanwhileRanFirst = got.isEmpty },
                                 produce: { emit in for i in 0..<10_000 { try emit(i) } },
                                 consume: { got.append($0) })
        #expect(meanwhileRanFirst)
        #expect(got == Array(0..<10_000))
    }

    @Test("the producer's error surfaces after everything it emitted before was consumed")
    func producerErrorAfterItsRows() throws {
        var got: [Int] = []
        #expect(throws: Stop.self) {
            try streamOnSecondThread(batchSize: 10, produce: { emit in
                for i in 0..<95 { try emit(i) }
                throw Stop()
            }, consume: { got.append($0) })
        }
        #expect(got == Array(0..<90), "the 9 whole batches arrive; the 5 rows of the unsent batch do not")
    }

    @Test("the consumer's error stops the producer, which never runs more than a few batches ahead")
    func consumerErrorStopsTheProducer() throws {
        let produced = Counter()
        #expect(throws: Stop.self) {
            try streamOnSecondThread(batchSize: 10, produce: { emit in
                for i in 0..<1_000_000 { produced.add(); try emit(i) }
            }, consume: { if $0 == 25 { throw Stop() } })
        }
        // At most: the 3 batches the consumer took, 4 queued, one full and waiting to be sent, one element more.
        #expect(produced.value <= 10 * 9, "the producer ran \(produced.value) elements ahead")
    }

    @Test("a full channel holds the producer back (bounded memory)")
    func boundedReadAhead() throws {
        let produced = Counter()
        var maxAhead = 0
        var consumed = 0
        try streamOnSecondThread(batchSize: 100, produce: { emit in
            for i in 0..<20_000 { produced.add(); try emit(i) }
        }, consume: { _ in
            consumed += 1
            maxAhead = max(maxAhead, produced.value - consumed)
            if consumed % 1000 == 0 { usleep(2_000) }  // a slow store
        })
        #expect(consumed == 20_000)
        // The consumer's batch, 4 queued and one full and waiting to be sent.
        #expect(maxAhead <= 100 * 6, "the producer ran \(maxAhead) elements ahead")
    }

    @Test("elements of many cells end a batch early: what is read ahead is bounded in cells, not only in rows")
    func readAheadBoundedByCells() throws {
        let produced = Counter()
        var maxAhead = 0
        var consumed = 0
        // Given rows of 1,000 cells (a 5,000-column export, scaled down) and batches of 100 rows, 3,200 cells
        try streamOnSecondThread(batchSize: 100, cells: { _ in 1000 }, produce: { emit in
            for i in 0..<2_000 { produced.add(); try emit(i) }
        }, consume: { _ in
            consumed += 1
            maxAhead = max(maxAhead, produced.value - consumed)
            if consumed % 50 == 0 { usleep(2_000) }
        })
        #expect(consumed == 2_000)
        // Then each batch ends at 4 rows: the consumer's, 4 queued, one being filled
        #expect(maxAhead <= 4 * 6, "the producer ran \(maxAhead) rows of 1,000 cells ahead")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.withLock { n += 1 } }
        var value: Int { lock.withLock { n } }
    }
}
