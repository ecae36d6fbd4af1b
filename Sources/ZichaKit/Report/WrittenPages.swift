import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Hands a report file's pages back to the system once they are on their way to disk.
///
/// A night's reports are written once and never read back by zicha (≈ 1.1 GB at a million students). Left in the page
/// cache they push out pages that are read again, and each new page is taken from free memory — which, on a virtual
/// machine that returns free memory to its host (virtio-balloon free page reporting, as on the machine the benchmark
/// runs on), costs a fault on the host at first touch: 1 GB written into such pages took 2.6–3.0 s of system time,
/// against 0.7 s when every 8 MB written was handed to writeback and dropped one window later (a test in C); a 1M
/// night's report spent 21 % of its CPU in the kernel's copy into new pages, 2–4 % with this (BENCHMARKS.md,
/// "Session 19"). `POSIX_FADV_DONTNEED` starts the writeback of dirty pages and drops the clean ones; pages not yet
/// written back (a slow disk) stay cached, as without it: nothing waits for the disk.
struct WrittenPages {
    /// Bytes handed to writeback at a time; the window before it is dropped.
    static let window = 8 << 20
    private var end = 0
    private var handedOver = 0
    private var dropped = 0

    /// Called after `count` more bytes are written to `fd`'s file.
    mutating func wrote(_ count: Int, fd: Int32) {
        end += count
        guard end - handedOver >= Self.window else { return }
        if handedOver > dropped { Self.advise(fd, from: dropped, to: handedOver) }  // written back by now: dropped
        dropped = handedOver
        Self.advise(fd, from: handedOver, to: end)  // starts its writeback
        handedOver = end
    }

    /// `POSIX_FADV_DONTNEED` for bytes `from..<to` of `fd`'s file (`to` 0: to its end).
    static func advise(_ fd: Int32, from: Int, to: Int) {
        #if canImport(Glibc)
        _ = posix_fadvise(fd, off_t(from), to == 0 ? 0 : off_t(to - from), POSIX_FADV_DONTNEED)
        #endif
    }

    /// Files just closed, kept open (a duplicate descriptor) until a few hundred later files are written, then
    /// dropped from the page cache: a counselor's list is a few KB, so its pages are dropped by file, not by window.
    static let closed = ClosedFiles()

    final class ClosedFiles: Sendable {
        private let open = Mutex<[Int32]>([])
        private let capacity: Int

        init(capacity: Int = 256) { self.capacity = capacity }

        /// Descriptors held: never more than the capacity.
        var held: Int { open.withLock { $0.count } }

        /// Starts the writeback of `fd`'s file (about to be closed) and drops its pages a few hundred files later.
        func add(_ fd: Int32) {
            #if canImport(Glibc)
            WrittenPages.advise(fd, from: 0, to: 0)
            let copy = dup(fd)
            guard copy >= 0 else { return }
            let oldest: Int32? = open.withLock { list in
                list.append(copy)
                return list.count > capacity ? list.removeFirst() : nil
            }
            if let oldest {
                WrittenPages.advise(oldest, from: 0, to: 0)
                Glibc.close(oldest)
            }
            #endif
        }
    }
}
