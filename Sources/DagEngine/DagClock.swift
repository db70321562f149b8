/// The clock a run schedules its own waits on: retry delays, probe intervals, probe start periods
/// and deadlines. Real time in production (`SystemDagClock`); a test injects a virtual clock to
/// check which delays were asked for and in what order, independent of the machine's speed and
/// load. Waits that race a real process (execution time-outs, a probe command's time-out, a stop's
/// grace period) stay on real time: a virtual clock would end them before the process could act.
public protocol DagClock: Sendable {
    /// Time since an arbitrary fixed origin; only differences mean anything.
    var now: Duration { get }

    /// Waits `duration`, or less once `interrupted()` says so (checked at least every 50 ms).
    func sleep(for duration: Duration, interrupted: @Sendable () -> Bool) async
}

extension DagClock {
    public func sleep(for duration: Duration) async {
        await sleep(for: duration) { Task.isCancelled }
    }
}

/// Real time, on the monotonic clock.
public struct SystemDagClock: DagClock {
    private let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration, interrupted: @Sendable () -> Bool) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline && !interrupted() {
            try? await Task.sleep(for: min(.milliseconds(50), deadline - ContinuousClock.now))
        }
    }
}
