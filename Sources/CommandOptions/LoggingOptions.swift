import ArgumentParser
import Logging
import Synchronization

/// `--log-level`, and the one logging bootstrap of every executable (libraries only take a
/// `Logger`). Log lines go to standard error, so that standard output stays for results.
public struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    public var logLevel: Logger.Level = .info

    public init() {}

    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log at `--log-level` (once per process; later calls only make a logger).
    public func bootstrap(label: String) -> Logger {
        let level = logLevel
        Self.bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
