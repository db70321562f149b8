import Foundation
import Synchronization

/// Reaps one child on its own thread (waitpid blocks) and hands the status to every waiter.
final class ExitWaiter: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    init(pid: pid_t) {
        let thread = Thread { [self] in
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
            // WIFEXITED / WTERMSIG by hand: the C macros are not imported.
            let code: Int32 = result == -1 ? 255 : ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
            let waiters = self.state.withLock { state in
                state.status = code
                defer { state.waiters = [] }
                return state.waiters
            }
            waiters.forEach { $0.resume(returning: code) }
        }
        thread.name = "waitpid-\(pid)"
        thread.start()
    }

    var finished: Int32? { state.withLock { $0.status } }

    func value() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
