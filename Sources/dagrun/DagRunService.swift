import DagEngine
import ServiceLifecycle
import Synchronization

/// One run of a DAG as a `Service`: a graceful shutdown (SIGINT, SIGTERM or SIGHUP through the
/// command's service group) asks the runner to stop its services in reverse order.
final class DagRunService: Service, Sendable {
    let runner: DagRunner
    private let result = Mutex<RunRecord?>(nil)

    init(runner: DagRunner) {
        self.runner = runner
    }

    /// The run's final record, once it ended.
    var record: RunRecord? { result.withLock { $0 } }

    func run() async throws {
        let runner = self.runner
        let record = try await withGracefulShutdownHandler {
            try await runner.run()
        } onGracefulShutdown: {
            runner.requestStop()
        }
        result.withLock { $0 = record }
    }
}
