/// What one customer watched since the model was trained, as the online overlay holds it: each
/// movie once (the latest watch), oldest first, at most `OnlineOverlay.maximumWatchesPerCustomer`.
public struct CustomerWatches: Sendable, Equatable {
    public struct Watch: Sendable, Equatable {
        public var movieId: UInt32
        /// Milliseconds since the epoch.
        public var watchedAt: Int64

        public init(movieId: UInt32, watchedAt: Int64) {
            self.movieId = movieId
            self.watchedAt = watchedAt
        }
    }

    public private(set) var watches: [Watch] = []

    public init(_ watches: [Watch] = []) {
        for watch in watches { record(watch, keepingAtMost: .max) }
    }

    public var movieIds: [UInt32] { watches.map(\.movieId) }
    public var isEmpty: Bool { watches.isEmpty }

    /// Adds a watch; a movie watched again moves to the end with its new time. Returns whether
    /// anything changed (the same watch recorded twice changes nothing).
    @discardableResult
    public mutating func record(_ watch: Watch, keepingAtMost limit: Int) -> Bool {
        if let index = watches.firstIndex(where: { $0.movieId == watch.movieId }) {
            guard watches[index].watchedAt < watch.watchedAt else { return false }
            watches.remove(at: index)
        }
        watches.append(watch)
        if watches.count > limit { watches.removeFirst(watches.count - limit) }
        return true
    }

    /// Drops watches before `cutoff` (ms): a newer model learned from them already.
    public mutating func dropWatches(before cutoff: Int64) {
        watches.removeAll { $0.watchedAt < cutoff }
    }
}
