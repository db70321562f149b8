import Logging
import Synchronization

/// Bootstraps swift-log once per process, to standard error so that stdout stays for results.
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
