import Logging
import Synchronization

/// Keeps every log line, to check what a service logged (and that secrets never appear).
public final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    public init() {}

    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A logger whose lines (level, message, metadata) land here.
    public func logger(label: String) -> Logger {
        Logger(label: label) { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            self.log.lines.withLock { $0.append("\(level) \(message) \(metadata ?? [:])") }
        }
    }
}

/// A logger that only shows errors (tests that expect warnings keep the output short).
public func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .error
    return logger
}
