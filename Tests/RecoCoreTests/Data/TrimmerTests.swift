@testable import RecoCore
import Testing

@Suite struct TrimmerTests {
    /// Values checked against numpy.quantile / pandas Series.quantile (linear interpolation).
    @Test func quantileInterpolatesLikePandas() {
        #expect(Trimmer.quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.7) == 7.3)
        #expect(abs(Trimmer.quantile([3, 9], 0.7) - 7.2) < 1e-12)
        #expect(Trimmer.quantile([5], 0.7) == 5)
        #expect(Trimmer.quantile([], 0.7) == 0)
    }

    @Test func benchmarkRoundsHalfToEvenLikePython() {
        // quantile 0.5 of [1, 2, 3, 4] is 2.5 → round() gives 2; of [1, 2, 4, 5] is 3.0.
        #expect(Trimmer.benchmark([4, 1, 3, 2], percentile: 0.5) == 2)
        #expect(Trimmer.benchmark([1, 2, 3, 4, 5, 6], percentile: 0.7) == 4)   // 4.5 → 4
        #expect(Trimmer.benchmark([1, 2, 3, 4, 5, 6, 7, 8], percentile: 0.5) == 4)  // 4.5 → 4
        #expect(Trimmer.benchmark([2, 4, 6, 8], percentile: 0.5) == 5)
    }

    /// Movie counts 1..4, customer counts from the same rows: both thresholds come from the
    /// untrimmed data and are applied together.
    @Test func trimsMoviesAndCustomersBelowTheirPercentiles() {
        var table = RatingsTable()
        // movie 10: 1 rating, movie 20: 2, movie 30: 3, movie 40: 4
        let rows: [(UInt32, UInt32)] = [(1, 10), (1, 20), (2, 20), (1, 30), (2, 30), (3, 30), (1, 40), (2, 40), (3, 40), (4, 40)]
        for (customer, movie) in rows { table.append(customer: customer, movie: movie, halfStars: 8, day: 0) }
        var dataset = RatingsDataset(table, scale: .netflix)
        // movie counts [1,2,3,4]: q0.7 = 3.1 → 3; customer counts c1:4 c2:3 c3:2 c4:1 → 3.1 → 3
        let outcome = Trimmer().trim(&dataset)
        #expect(outcome.movieBenchmark == 3)
        #expect(outcome.customerBenchmark == 3)
        #expect(dataset.movieIds == [30, 40])
        #expect(dataset.customerIds == [1, 2])
        #expect(dataset.count == 4)
        #expect(outcome.moviesDropped == 2)
        #expect(outcome.customersDropped == 2)
        // Dense indices stay consistent with the remaining ids.
        let pairs = (0..<dataset.count).map { (dataset.customerIds[Int(dataset.customerIndex[$0])], dataset.movieIds[Int(dataset.movieIndex[$0])]) }
        #expect(pairs.map(\.0) == [1, 2, 1, 2])
        #expect(pairs.map(\.1) == [30, 30, 40, 40])
    }

    @Test func percentileZeroKeepsEverything() {
        var table = RatingsTable()
        table.append(customer: 5, movie: 1, halfStars: 2, day: 0)
        table.append(customer: 6, movie: 2, halfStars: 10, day: 0)
        var dataset = RatingsDataset(table, scale: .netflix)
        _ = Trimmer(moviePercentile: 0, customerPercentile: 0).trim(&dataset)
        #expect(dataset.count == 2)
    }
}
