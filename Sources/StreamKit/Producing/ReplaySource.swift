import Foundation
import Logging
import RecoCore
import Synchronization

/// Events from a JSON-lines file (watch_event/v1 or the seed's legacy format, one per line).
/// A bad line is reported with its line number and skipped.
public final class ReplaySource: EventSource {
    private let batches: Mutex<[[WatchEvent]]>
    public let invalidLines: Int
    /// Stamp events with the time they are sent instead of their own.
    public let retime: Bool

    public init(path: String, retime: Bool = false, logger: Logger) throws {
        self.retime = retime
        var events: [WatchEvent] = []
        var invalid = 0
        try LineReader(path: path).forEachLine { bytes, number in
            guard !bytes.isEmpty else { return }
            do {
                events.append(contentsOf: try WatchEventDecoder.decode(Array(bytes)))
            } catch {
                invalid += 1
                logger.error("replay line skipped", metadata: ["replay.file": "\(path)", "replay.line": "\(number)", "replay.error": "\(error)"])
            }
        }
        invalidLines = invalid
        var chunks: [[WatchEvent]] = []
        var start = 0
        while start < events.count {
            chunks.append(Array(events[start..<min(start + 1_000, events.count)]))
            start += 1_000
        }
        batches = Mutex(chunks.reversed())
    }

    public func nextBatch() async throws -> [WatchEvent]? {
        guard var batch = batches.withLock({ $0.popLast() }) else { return nil }
        if retime {
            let now = WatchEvent.timestamp(Date())
            for index in batch.indices { batch[index].watchedAt = now }
        }
        return batch
    }
}
