import DagEngine
import ServiceLifecycle
import Synchronization

/// Work of a DAG runner as a `Service` (a whole run, or one task under a scheduler): a graceful
/// shutdown (SIGINT, SIGTERM or SIGHUP through the command's service group) asks the runner to
/// stop its services in reverse order.
final class DagRunService<Outcome: Sendable>: Service, Sendable {
    let runner: DagRunner
    private let work: @Sendable (DagRunner) async throws -> Outcome
    private let result = Mutex<Outcome?>(nil)

    init(runner: DagRunner, work: @escaping @Sendable (DagRunner) async throws -> Outcome) {
        self.runner = runner
        self.work = work
    }

    /// What the work returned, once it ended.
    var outcome: Outcome? { result.withLock { $0 } }

    func run() async throws {
        let (runner, work) = (self.runner, self.work)
        let outcome = try await withGracefulShutdownHandler {
            try await work(runner)
        } onGracefulShutdown: {
            runner.requestStop()
        }
        result.withLock { $0 = outcome }
    }
}
