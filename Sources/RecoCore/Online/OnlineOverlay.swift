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
    public var count: Int { state.withLock { $0.entries.count } }

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
        state.withLock { $0.entries[customerId]?.watches ?? CustomerWatches() }
    }

    /// The movies of `watches(of:)`, oldest watch first, without copying the watches.
    public func watchedMovieIds(of customerId: UInt32) -> [UInt32] {
        state.withLock { state in
            guard let watches = state.entries[customerId]?.watches.watches else { return [] }
            var movies: [UInt32] = []
            movies.reserveCapacity(watches.count)
            for watch in watches { movies.append(watch.movieId) }
            return movies
        }
    }

    /// Customers from least to most recently active (tests and diagnostics).
    public var customersByActivity: [UInt32] {
        state.withLock { state in
            var order: [UInt32] = []
            var next = state.oldest
            while let customer = next {
                order.append(customer)
                next = state.entries[customer]?.newer
            }
            return order
        }
    }

    /// After a model reload: watches before the new model's cutoff are dropped (it learned from
    /// them); customers left with none leave the overlay.
    public func dropWatches(before cutoff: Int64) {
        state.withLock { state in
            for customer in Array(state.entries.keys) {
                state.entries[customer]?.watches.dropWatches(before: cutoff)
                if state.entries[customer]?.watches.isEmpty == true { state.remove(customer) }
            }
        }
    }

    // MARK: State

    /// Entries in a doubly linked list by activity, threaded through the dictionary by customer
    /// id: finding, moving and evicting are O(1).
    private struct Entry {
        var watches: CustomerWatches
        var older: UInt32?
        var newer: UInt32?
    }

    private struct State {
        var entries: [UInt32: Entry] = [:]
        var oldest: UInt32?
        var newest: UInt32?
        var nextOffsets: [String: Int64] = [:]
        var evictions = 0

        mutating func record(_ customer: UInt32, _ watch: CustomerWatches.Watch, capacity: Int) -> Bool {
            if var entry = entries[customer] {
                let changed = entry.watches.record(watch, keepingAtMost: OnlineOverlay.maximumWatchesPerCustomer)
                entries[customer] = entry
                if changed { moveToNewest(customer) }
                return changed
            }
            if entries.count >= capacity, let oldest {
                remove(oldest)
                evictions += 1
            }
            var watches = CustomerWatches()
            watches.record(watch, keepingAtMost: OnlineOverlay.maximumWatchesPerCustomer)
            entries[customer] = Entry(watches: watches, older: newest, newer: nil)
            if let newest { entries[newest]?.newer = customer }
            newest = customer
            if oldest == nil { oldest = customer }
            return true
        }

        mutating func remove(_ customer: UInt32) {
            guard let entry = entries.removeValue(forKey: customer) else { return }
            if let older = entry.older { entries[older]?.newer = entry.newer } else { oldest = entry.newer }
            if let newer = entry.newer { entries[newer]?.older = entry.older } else { newest = entry.older }
        }

        mutating func moveToNewest(_ customer: UInt32) {
            guard newest != customer, let watches = entries[customer]?.watches else { return }
            remove(customer)
            entries[customer] = Entry(watches: watches, older: newest, newer: nil)
            if let newest { entries[newest]?.newer = customer }
            newest = customer
            if oldest == nil { oldest = customer }
        }
    }
}
