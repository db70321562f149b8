import Synchronization

/// EASE scores of the most recently active customers with their watches since the cutoff
/// folded in, kept up to date one watch at a time.
///
/// Scoring a customer from scratch sums one row of the item–item matrix per movie in the
/// history, and every watch makes the history longer; a fold-in here adds one row to the
/// customer's kept scores instead, and a recommendation only selects from them. The replica's
/// follower calls `fold` for each watch in log order; requests only read. So which customers are
/// kept, and every kept score, depends on the log and the byte budget alone: replicas fed the
/// same topic with the same budget serve the same lists, and a restarted replica rebuilds the
/// same cache. One cache serves one model: a reload starts an empty one.
///
/// A kept entry is used only when its movies are a subset of what the request folds in (the
/// rest added to a copy); otherwise the recommendation is scored from scratch. Kept scores are the
/// same sums as from scratch in another order (the last bit of a score may differ).
public final class FoldedScoreCache: Sendable {
    public let recommender: Recommender
    /// Customers kept at most: the byte budget over the bytes of one entry.
    public let capacity: Int
    private let state = Mutex(State())

    private struct Entry {
        /// Dense movie indices folded in, ascending.
        var movies: [UInt32]
        var scores: [Float]
    }

    private struct State {
        var entries = RecencyList<Entry>()
        var evictions = 0
    }

    /// Bytes one customer takes: the score vector and room for a typical list of movies.
    public static func bytesPerCustomer(_ recommender: Recommender) -> Int {
        recommender.scoreCount * MemoryLayout<Float>.stride + 256
    }

    /// nil when the model does not rank with EASE or the budget holds no customer.
    public init?(recommender: Recommender, byteBudget: Int) {
        guard recommender.ranksWithEASE else { return nil }
        let capacity = byteBudget / Self.bytesPerCustomer(recommender)
        guard capacity > 0 else { return nil }
        self.recommender = recommender
        self.capacity = capacity
    }

    /// Customers kept now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Customers evicted (least recently active first) since this cache was made.
    public var evictions: Int { state.withLock { $0.evictions } }

    /// After a watch of `customerId` was folded into the overlay: `folded` is what
    /// `Recommender.foldIn` gives for the customer's watches now. A kept entry whose movies are
    /// all still there gets the new ones added; otherwise (a new customer, or movies dropped by
    /// the per-customer cap) the scores are computed from scratch and the customer becomes the
    /// most recent, evicting the least recent beyond the capacity.
    public func fold(customerId: UInt32, folded: FoldedHistory) {
        let updated = state.withLock { state -> Bool in
            let done = state.entries.update(customerId) { entry -> Bool in
                guard let added = Self.added(to: entry.movies, toReach: folded.movies) else { return false }
                if !added.isEmpty { recommender.addWatches(added, customerId: customerId, to: &entry.scores) }
                entry.movies = folded.movies
                return true
            }
            if done == true { state.entries.touch(customerId) }
            return done == true
        }
        guard !updated else { return }
        // From scratch outside the lock: requests keep reading meanwhile.
        guard let scores = recommender.foldedScores(customerId: customerId, watched: folded.movies) else { return }
        state.withLock { state in
            if state.entries.value(of: customerId) == nil, state.entries.count >= capacity, let oldest = state.entries.oldest {
                state.entries.remove(oldest)
                state.evictions += 1
            }
            state.entries.setNewest(customerId, Entry(movies: folded.movies, scores: scores))
        }
    }

    /// `folded` with the customer's kept scores when there are any that fit: the kept entry's
    /// movies must all be in `folded.movies`; movies beyond them (being watched now, not yet
    /// read from the log) are added to a copy. Unchanged otherwise.
    public func withScores(customerId: UInt32, _ folded: FoldedHistory) -> FoldedHistory {
        // Only references are taken under the lock; copying and adding happen outside it.
        guard let entry = state.withLock({ $0.entries.value(of: customerId) }),
              let added = Self.added(to: entry.movies, toReach: folded.movies) else { return folded }
        var scores = entry.scores
        if !added.isEmpty { recommender.addWatches(added, customerId: customerId, to: &scores) }
        var result = folded
        result.rankerScores = scores
        return result
    }

    /// The movies of `target` that are not in `kept` (both ascending), or nil when `kept` has
    /// one that `target` has not.
    static func added(to kept: [UInt32], toReach target: [UInt32]) -> [UInt32]? {
        guard kept.count <= target.count else { return nil }
        var added: [UInt32] = []
        var next = 0
        for movie in target {
            if next < kept.count && kept[next] == movie {
                next += 1
            } else if next < kept.count && kept[next] < movie {
                return nil
            } else {
                added.append(movie)
            }
        }
        return next == kept.count ? added : nil
    }
}
