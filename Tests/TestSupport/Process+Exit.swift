import Foundation

extension Process {
    /// Waits for the process to exit on a thread of its own: `waitUntilExit` blocks its thread,
    /// and two tests blocking Swift Testing's two cooperative threads (this machine has two
    /// cores) stall every other test, timing tests included.
    public func exited() async {
        let process = UncheckedProcess(process: self)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                process.process.waitUntilExit()
                continuation.resume()
            }.start()
        }
    }
}

/// A Process handed to the waiting thread; only `waitUntilExit` is called there.
private struct UncheckedProcess: @unchecked Sendable {
    let process: Process
}
