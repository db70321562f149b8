import DagEngine
import Synchronization
import Testing

/// The real clock behind a run's retry delays and probe intervals. Only lower bounds on real
/// time are checked (a busy machine makes waits longer, never shorter); the upper bound on an
/// interrupted wait is a safety net 40 times the 50 ms it promises.
@Suite struct SystemDagClockTests {
    @Test func waitsAtLeastWhatItIsAsked() async {
        let clock = SystemDagClock()
        let before = clock.now
        let started = ContinuousClock.now
        await clock.sleep(for: .milliseconds(300))
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        #expect(clock.now - before >= .milliseconds(300))
    }

    @Test func anInterruptionEndsTheWaitEarly() async {
        let clock = SystemDagClock()
        let flag = Flag()
        let started = ContinuousClock.now
        async let wait: Void = clock.sleep(for: .seconds(60)) { flag.raised.load(ordering: .acquiring) }
        try? await Task.sleep(for: .milliseconds(100))
        flag.raised.store(true, ordering: .releasing)
        await wait
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}

private final class Flag: Sendable {
    let raised = Atomic<Bool>(false)
}
