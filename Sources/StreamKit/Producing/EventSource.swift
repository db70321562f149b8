import RecoCore

/// Where watch events come from. `nextBatch` returns nil when the source is finished.
public protocol EventSource: Sendable {
    func nextBatch() async throws -> [WatchEvent]?
    func shutdown() async
}

extension EventSource {
    public func shutdown() async {}
}
