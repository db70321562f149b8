import DagEngine
import Synchronization

/// A clock on which a sleep returns at once and moves time forward by what it asked for, and
/// which remembers every wait asked for, in order. A test then checks the delays a run chose,
/// not how long a busy machine took to get through them.
///
/// Every sleeper shares the one virtual time: a test that checks a deadline has one sleeper.
final class VirtualDagClock: DagClock {
    private let state = Mutex<(now: Duration, asked: [Duration])>((.zero, []))

    var now: Duration { state.withLock { $0.now } }

    /// Every wait asked for, in the order asked.
    var asked: [Duration] { state.withLock { $0.asked } }

    func sleep(for duration: Duration, interrupted: @Sendable () -> Bool) async {
        state.withLock { state in
            state.asked.append(duration)
            state.now += duration
        }
        // Lets whatever the sleeper waits for (a process, a stop request) make progress.
        await Task.yield()
    }
}
