import Synchronization

/// Every customer's watches since the model's training cutoff, as read from the watch-event log:
/// the state each reco-api replica folds into its recommendations.
///
/// A replica reads every partition in offset order, so the overlay remembers the next offset of
/// each partition it applied and ignores a message below it: a redelivered event is folded in
/// once. The state depends only on the log, so replicas that read the same topic hold the same
/// overlay, and a restarted one rebuilds it by reading again.
///
/// Memory is bounded: at most `capacity` customers (the least recently active one is evicted
/// when a new one would exceed it) and `maximumWatchesPerCustomer` watches each (the oldest go).
public final class OnlineOverlay: Sendable {
    public static let maximumWatchesPerCustomer = 500

    public let capacity: Int
    private let state: Mutex<State>

    public enum FoldResult: Sendable, Equatable {
        /// The watch is part of the customer's state now.
        case folded
        /// The message's position was applied before (a redelivery or replay): nothing changed.
        case alreadyApplied
        /// The same movie at the same or a later time was already there: nothing changed.
        case unchanged
    }

    public init(capacity: Int) {
        precondition(capacity > 0, "the overlay holds at least one customer")
        self.capacity = capacity
        state = Mutex(State())
    }

    /// Customers held now.
    public var count: Int { state.withLock { $0.customers.count } }

    /// Customers evicted since start.
    public var evictions: Int { state.withLock { $0.evictions } }

    /// Folds one watch in. `position` is the message's place in the log (partition key and
    /// offset); a position below the partition's applied end is a replay and changes nothing.
    @discardableResult
    public func fold(customerId: UInt32, watch: CustomerWatches.Watch, position: (partition: String, offset: Int64)? = nil) -> FoldResult {
        fold([(customerId, watch)], position: position)
    }

    /// Folds in the watches of one message (the seed's format carries several) under its position.
    @discardableResult
    public func fold(_ watches: [(customerId: UInt32, watch: CustomerWatches.Watch)], position: (partition: String, offset: Int64)?) -> FoldResult {
        state.withLock { state in
            if let position {
                if let next = state.nextOffsets[position.partition], position.offset < next { return .alreadyApplied }
                state.nextOffsets[position.partition] = position.offset + 1
            }
            var changed = false
            for (customerId, watch) in watches where state.record(customerId, watch, capacity: capacity) { changed = true }
            return changed ? .folded : .unchanged
        }
    }

    /// Marks a message as applied without a watch in it (a dead letter, an event from before
    /// the cutoff), so the applied end of its partition moves on.
    public func skip(partition: String, offset: Int64) {
        state.withLock { state in
            if offset + 1 > state.nextOffsets[partition] ?? 0 { state.nextOffsets[partition] = offset + 1 }
        }
    }

    /// The next offset to apply for each partition read so far.
    public var nextOffsets: [String: Int64] { state.withLock { $0.nextOffsets } }

    /// The customer's watches since the cutoff (empty when none or evicted). Reading does not
    /// count as activity: only watches keep a customer in the overlay.
    public func watches(of customerId: UInt32) -> CustomerWatches {
        state.withLock { $0.customers.value(of: customerId) ?? CustomerWatches() }
    }

    /// The movies of `watches(of:)`, oldest watch first, without copying the watches.
    public func watchedMovieIds(of customerId: UInt32) -> [UInt32] {
        state.withLock { state in
            guard let watches = state.customers.value(of: customerId)?.watches else { return [] }
            var movies: [UInt32] = []
            movies.reserveCapacity(watches.count)
            for watch in watches { movies.append(watch.movieId) }
            return movies
        }
    }

    /// Customers from least to most recently active (tests and diagnostics).
    public var customersByActivity: [UInt32] {
        state.withLock { $0.customers.keysByActivity }
    }

    /// After a model reload: watches before the new model's cutoff are dropped (it learned from
    /// them); customers left with none leave the overlay.
    public func dropWatches(before cutoff: Int64) {
        state.withLock { state in
            for customer in state.customers.allKeys {
                let empty = state.customers.update(customer) { watches in
                    watches.dropWatches(before: cutoff)
                    return watches.isEmpty
                }
                if empty == true { state.customers.remove(customer) }
            }
        }
    }

    // MARK: State

    private struct State {
        var customers = RecencyList<CustomerWatches>()
        var nextOffsets: [String: Int64] = [:]
        var evictions = 0

        mutating func record(_ customer: UInt32, _ watch: CustomerWatches.Watch, capacity: Int) -> Bool {
            if let changed = customers.update(customer, { $0.record(watch, keepingAtMost: OnlineOverlay.maximumWatchesPerCustomer) }) {
                if changed { customers.touch(customer) }
                return changed
            }
            if customers.count >= capacity, let oldest = customers.oldest {
                customers.remove(oldest)
                evictions += 1
            }
            var watches = CustomerWatches()
            watches.record(watch, keepingAtMost: OnlineOverlay.maximumWatchesPerCustomer)
            customers.setNewest(customer, watches)
            return true
        }
    }
}
