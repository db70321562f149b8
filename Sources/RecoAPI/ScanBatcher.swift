import Foundation
import RecoCore
import Synchronization

/// Gathers the factor scans of concurrent requests so that one pass over the movie rows serves
/// several of them (one answer reads all 17,770 × 64 movie factors, 4.5 MB, more than a core's
/// L2: the pass, not the arithmetic, was the cost). A request leads when no leader runs on its
/// thread and fewer run than there are cores: it lets the requests ready on its thread join,
/// runs passes until none is waiting, and hands each its list. Nobody waits for a batch to
/// fill: a lone request runs alone at once; under load, the requests that arrive during a pass
/// form the next one.
final class ScanBatcher: Sendable {
    private struct Waiting {
        let scan: FactorScan
        let continuation: CheckedContinuation<Recommendation, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        /// The thread each running leader started on.
        var leaders: [UInt] = []
        var passes = 0
        var lists = 0
    }

    let recommender: Recommender
    private let state = Mutex(State())
    /// Leaders that run at once: one a core.
    let maximumLeaders: Int
    /// Passes a leader runs before it hands the rest to a task of its own, so that its own
    /// answer waits for a bounded time under any load.
    static let passesPerLeader = 4

    init(recommender: Recommender, maximumLeaders: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.recommender = recommender
        self.maximumLeaders = max(1, maximumLeaders)
    }

    /// Passes run and lists they made: lists / passes is the mean batch.
    var counts: (passes: Int, lists: Int) { state.withLock { ($0.passes, $0.lists) } }

    func list(_ scan: FactorScan) async -> Recommendation {
        let thread = UInt(pthread_self())
        let leads = state.withLock { state in
            if state.leaders.count >= maximumLeaders || state.leaders.contains(thread) { return false }
            state.leaders.append(thread)
            return true
        }
        if leads {
            // Requests already read on this thread join this pass.
            await Task.yield()
            return lead(scan, thread: thread)
        }
        return await withCheckedContinuation { continuation in
            let queued = state.withLock { state in
                guard !state.leaders.isEmpty else { return false }
                state.waiting.append(Waiting(scan: scan, continuation: continuation))
                return true
            }
            // The leaders finished in between: no pass is running, so this one runs alone.
            if !queued { continuation.resume(returning: pass(own: scan, [])) }
        }
    }

    /// Runs passes for `own` and whoever waits; returns `own`'s list.
    private func lead(_ own: FactorScan, thread: UInt) -> Recommendation {
        let mine = pass(own: own, take(upTo: Recommender.maximumScanBatch - 1, leader: nil))
        for _ in 1..<Self.passesPerLeader {
            let batch = take(upTo: Recommender.maximumScanBatch, leader: thread)
            guard !batch.isEmpty else { return mine }
            _ = pass(own: nil, batch)
        }
        // Still leading, with requests waiting: a task of its own takes over the lead.
        Task {
            while true {
                let batch = self.take(upTo: Recommender.maximumScanBatch, leader: thread)
                guard !batch.isEmpty else { return }
                _ = self.pass(own: nil, batch)
            }
        }
        return mine
    }

    /// One pass: `own`'s list (if any) is returned, the waiting ones are handed theirs.
    private func pass(own: FactorScan?, _ batch: [Waiting]) -> Recommendation {
        let scans = (own.map { [$0] } ?? []) + batch.map(\.scan)
        let lists = recommender.scan(scans)
        state.withLock { state in
            state.passes += 1
            state.lists += scans.count
        }
        let waitingLists = own == nil ? lists[...] : lists.dropFirst()
        for (waiting, list) in zip(batch, waitingLists) { waiting.continuation.resume(returning: list) }
        return lists[0]
    }

    /// Up to `count` waiting scans, oldest first. When none waits, `leader`'s lead ends in the
    /// same step, so that a scan queued after it always finds a leader or leads itself.
    private func take(upTo count: Int, leader: UInt?) -> [Waiting] {
        state.withLock { state in
            if state.waiting.isEmpty {
                if let leader, let index = state.leaders.firstIndex(of: leader) { state.leaders.remove(at: index) }
                return []
            }
            let taken = Array(state.waiting.prefix(count))
            state.waiting.removeFirst(taken.count)
            return taken
        }
    }
}
