import Foundation
import RecoCore
import Synchronization

/// Simulated watch events at `rate` per second (0: as fast as the producer takes them).
public final class SimulatedSource: EventSource {
    private let simulator: Mutex<WatchEventSimulator>
    private let rate: Double
    private let batchInterval = Duration.milliseconds(10)
    /// Pacing starts with the first batch asked for, not at creation: set-up time is not
    /// turned into a burst of back-dated events.
    private let started = Mutex<ContinuousClock.Instant?>(nil)
    private let emitted = Mutex(0)

    public init(simulator: WatchEventSimulator, rate: Double) {
        self.simulator = Mutex(simulator)
        self.rate = rate
    }

    public func nextBatch() async throws -> [WatchEvent]? {
        let count: Int
        if rate <= 0 {
            count = 1_000
        } else {
            // Pace by the clock: emit what is due since the start, at most every 10 ms.
            let start = started.withLock { started in
                if started == nil { started = .now }
                return started!
            }
            try await Task.sleep(for: batchInterval)
            let due = Int(rate * (ContinuousClock.now - start).seconds)
            count = max(0, due - emitted.withLock { $0 })
        }
        let now = WatchEvent.timestamp(Date())
        let events = simulator.withLock { simulator in (0..<count).map { _ in simulator.next(watchedAt: now) } }
        emitted.withLock { $0 += count }
        return events
    }
}
