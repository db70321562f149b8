import RecoCore
import Testing

/// The overlay of watches each reco-api replica keeps (issue 16).
@Suite struct OnlineOverlayTests {
    private func watch(_ movie: UInt32, at time: Int64) -> CustomerWatches.Watch { .init(movieId: movie, watchedAt: time) }

    @Test func aReplayedPositionFoldsInOnce() {
        let overlay = OnlineOverlay(capacity: 10)
        #expect(overlay.fold(customerId: 1, watch: watch(5, at: 100), position: ("t/0", 0)) == .folded)
        #expect(overlay.fold(customerId: 1, watch: watch(6, at: 101), position: ("t/0", 1)) == .folded)
        // The same messages again (a redelivery after a rebalance, a replay from an older offset).
        #expect(overlay.fold(customerId: 1, watch: watch(5, at: 100), position: ("t/0", 0)) == .alreadyApplied)
        #expect(overlay.fold(customerId: 1, watch: watch(7, at: 102), position: ("t/0", 1)) == .alreadyApplied)
        // Another partition has its own positions.
        #expect(overlay.fold(customerId: 2, watch: watch(5, at: 100), position: ("t/1", 0)) == .folded)
        #expect(overlay.watches(of: 1).movieIds == [5, 6])
        #expect(overlay.nextOffsets == ["t/0": 2, "t/1": 1])
        overlay.skip(partition: "t/0", offset: 2)
        #expect(overlay.fold(customerId: 1, watch: watch(8, at: 103), position: ("t/0", 2)) == .alreadyApplied)
    }

    @Test func aMovieWatchedAgainMovesToTheEndOnce() {
        let overlay = OnlineOverlay(capacity: 10)
        overlay.fold(customerId: 1, watch: watch(5, at: 100))
        overlay.fold(customerId: 1, watch: watch(6, at: 101))
        #expect(overlay.fold(customerId: 1, watch: watch(5, at: 100)) == .unchanged)
        #expect(overlay.fold(customerId: 1, watch: watch(5, at: 102)) == .folded)
        #expect(overlay.watches(of: 1).watches == [watch(6, at: 101), watch(5, at: 102)])
    }

    @Test func theCapEvictsTheLeastRecentlyActiveCustomer() {
        let overlay = OnlineOverlay(capacity: 3)
        for customer: UInt32 in [1, 2, 3] { overlay.fold(customerId: customer, watch: watch(customer, at: 1)) }
        // Customer 1 watches again: 2 is now the least recently active.
        overlay.fold(customerId: 1, watch: watch(9, at: 2))
        #expect(overlay.customersByActivity == [2, 3, 1])
        overlay.fold(customerId: 4, watch: watch(4, at: 3))
        #expect(overlay.count == 3)
        #expect(overlay.evictions == 1)
        #expect(overlay.watches(of: 2).isEmpty)
        #expect(overlay.customersByActivity == [3, 1, 4])
        // Reading a customer is not activity.
        _ = overlay.watches(of: 3)
        overlay.fold(customerId: 5, watch: watch(5, at: 4))
        #expect(overlay.customersByActivity == [1, 4, 5])
    }

    @Test func eachCustomerKeepsItsLatestWatchesOnly() {
        let overlay = OnlineOverlay(capacity: 2)
        let limit = OnlineOverlay.maximumWatchesPerCustomer
        for movie in 0..<(limit + 20) { overlay.fold(customerId: 1, watch: watch(UInt32(movie), at: Int64(movie))) }
        let kept = overlay.watches(of: 1).movieIds
        #expect(kept.count == limit)
        #expect(kept.first == 20)
        #expect(kept.last == UInt32(limit + 19))
    }

    @Test func aNewModelDropsTheWatchesItLearnedFrom() {
        let overlay = OnlineOverlay(capacity: 10)
        overlay.fold(customerId: 1, watch: watch(5, at: 100))
        overlay.fold(customerId: 1, watch: watch(6, at: 300))
        overlay.fold(customerId: 2, watch: watch(5, at: 150))
        overlay.dropWatches(before: 200)
        #expect(overlay.watches(of: 1).movieIds == [6])
        #expect(overlay.count == 1)
        #expect(overlay.customersByActivity == [1])
    }
}
