@testable import RecoCore
import Testing

@Suite struct RatingsDatasetTests {
    @Test func densifyKeepsIdOrderAndMapsBack() {
        var table = RatingsTable()
        for (customer, movie) in [(2_649_429, 17_770), (6, 1), (2_649_429, 1)] as [(UInt32, UInt32)] {
            table.append(customer: customer, movie: movie, halfStars: 6, day: 0)
        }
        let dataset = RatingsDataset(table, scale: .netflix)
        #expect(dataset.customerIds == [6, 2_649_429])
        #expect(dataset.movieIds == [1, 17_770])
        #expect(dataset.customerIndex == [1, 0, 1])
        #expect(dataset.movieIndex == [1, 0, 0])
    }

    @Test func largeIdsUseTheSortingPath() {
        var ids: [UInt32] = [4_000_000_000, 7, 4_000_000_000, 100_000_000]
        let distinct = DenseIds.densify(&ids)
        #expect(distinct == [7, 100_000_000, 4_000_000_000])
        #expect(ids == [2, 0, 2, 1])
    }

    @Test func meanAndCounts() {
        var table = RatingsTable()
        table.append(customer: 1, movie: 1, halfStars: 2, day: 0)
        table.append(customer: 1, movie: 2, halfStars: 9, day: 0)
        let dataset = RatingsDataset(table, scale: .movieLens)
        #expect(dataset.meanRating == 2.75)
        #expect(dataset.counts().customers == [2])
        #expect(dataset.counts().movies == [1, 1])
    }
}
