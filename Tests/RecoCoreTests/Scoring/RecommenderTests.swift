@testable import RecoCore
import Testing
import TestSupport

@Suite struct RecommenderTests {
    let directory = TemporaryDirectory()

    /// Customers 100 and 200, movies 1...5 with k = 2; factor rows padded to 8.
    private func model() throws -> RecoModel {
        func rows(_ values: [[Float]]) -> [Float] { values.flatMap { $0 + [Float](repeating: 0, count: 8 - $0.count) } }
        let factorModel = FactorModel(
            factors: 2, globalMean: 3,
            customerBias: [0.1, -0.1], movieBias: [0.0, 0.5, 0.5, -0.5, 0.2],
            customerFactors: rows([[1, 0], [0, 1]]),
            movieFactors: rows([[2, 0], [0, 0], [0, 0], [1, 1], [0, 2]]),
            knownCustomer: [true, true], knownMovie: [true, true, true, true, true], scale: .netflix)
        // Customer 100 rated movie 1; customer 200 rated movies 4 and 5.
        let ratings = TrainingRatings(customers: [0, 1, 1], movies: [0, 3, 4], stars: [4, 3, 5], customerCount: 2, movieCount: 5)
        let path = directory.path + "/scoring.recomodel"
        try ModelFileWriter.write(factorModel, customerIds: [100, 200], movieIds: [1, 2, 3, 4, 5], ratings: ratings,
                                  metadata: ModelMetadata(version: "test", createdAt: "now", parameters: TrainingParameters(),
                                                          dataFingerprint: "f", trainingRatings: 3, holdoutRatings: 0, trainRMSE: nil,
                                                          holdoutRMSE: nil, holdoutMAE: nil, trainingSeconds: 0, epochs: []),
                                  to: path)
        return try RecoModel(path: path)
    }

    @Test func ranksByPredictionAndLeavesOutRatedMovies() throws {
        let recommender = Recommender(model: try model())
        // Customer 100 (b_u 0.1, p = [1, 0]): movie 1 = 2 + 0 (rated), 2 = 0.5, 3 = 0.5, 4 = 1 - 0.5 = 0.5, 5 = 0.2
        let result = recommender.recommend(customerId: 100, limit: 3)
        #expect(!result.coldStart)
        // Equal raw scores 0.5 for movies 2, 3, 4: the smaller id ranks first.
        #expect(result.items.map(\.movieId) == [2, 3, 4])
        #expect(result.items.map(\.score) == [3.6, 3.6, 3.6])
        let withRated = recommender.recommend(customerId: 100, limit: 2, excludeRated: false)
        #expect(withRated.items.map(\.movieId) == [1, 2])
        // Scores are clipped to the scale but ranking uses the raw value.
        #expect(withRated.items[0].score == 5)
    }

    @Test func excludesEveryRatedMovie() throws {
        let recommender = Recommender(model: try model())
        let result = recommender.recommend(customerId: 200, limit: 10)
        #expect(Set(result.items.map(\.movieId)) == [1, 2, 3])
    }

    @Test func unknownCustomerGetsTheColdStartRanking() throws {
        let recommender = Recommender(model: try model())
        let result = recommender.recommend(customerId: 999, limit: 5)
        #expect(result.coldStart)
        // μ + b_i: movies 2 and 3 tie at 3.5 (smaller id first), then 5, 1, 4.
        #expect(result.items.map(\.movieId) == [2, 3, 5, 1, 4])
        #expect(result.items.first?.score == 3.5)
    }

    @Test func similarMoviesUseCosineAndSkipTheMovieItself() throws {
        let recommender = Recommender(model: try model())
        let similar = try recommender.similarMovies(to: 4, limit: 2)
        // Movie 4 = [1, 1]; movies 1 = [2, 0] and 5 = [0, 2] both have cosine 0.7071.
        #expect(similar.map(\.movieId) == [1, 5])
        #expect(abs(similar[0].score - 0.70710677) < 1e-5)
        #expect(throws: ScoringError.unknownMovie(42)) { try recommender.similarMovies(to: 42) }
    }

    @Test func batchKeepsOrderAndLimitsAreClamped() throws {
        let recommender = Recommender(model: try model())
        let batch = recommender.recommend(customerIds: [200, 999, 100], limit: 1)
        #expect(batch.map(\.customerId) == [200, 999, 100])
        #expect(batch.map(\.coldStart) == [false, true, false])
        #expect(recommender.recommend(customerId: 100, limit: 0).items.isEmpty)
    }

    @Test func selectorKeepsTheBestWithDeterministicTies() {
        var selector = TopNSelector(capacity: 3)
        for (score, movie) in [(1.0, 5), (3.0, 9), (3.0, 2), (2.0, 7), (3.0, 4), (0.5, 1)] as [(Float, Int)] {
            selector.consider(score, movie: movie)
        }
        #expect(selector.movies == [2, 4, 9])
        #expect(selector.scores == [3, 3, 3])
    }
}
