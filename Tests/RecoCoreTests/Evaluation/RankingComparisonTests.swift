@testable import RecoCore
import Testing
import TestSupport

@Suite struct RankingComparisonTests {
    /// On synthetic data with selection bias, which movies a customer rated is learnable: both
    /// rankers beat most-popular, which beats random, by clear margins.
    @Test func rankersBeatPopularityWhichBeatsRandom() async throws {
        let rows = try await offPool { () throws -> [RankingComparison.Row] in
            let dataset = try SyntheticRatings.make()
            let split = RankingSplit.fraction(0.2, seed: 1).split(Array(0..<dataset.count), of: dataset)
            var comparison = RankingComparison()
            comparison.includeRandom = true
            comparison.threads = 2
            var ials = RankerParameters(kind: .ials)
            ials.factors = 8
            ials.iterations = 5
            comparison.rankers = [RankerParameters(kind: .ease), ials]
            return try comparison.run(dataset, training: split.train, test: TrainingRatings(dataset, rows: split.test))
        }
        let ndcg = Dictionary(uniqueKeysWithValues: rows.map { ($0.model, $0.metrics.ndcg) })
        let random = try #require(ndcg["random"])
        let popular = try #require(ndcg["most popular"])
        let ease = try #require(ndcg["EASE"])
        let als = try #require(ndcg["iALS"])
        #expect(popular > 2 * random, "most popular \(popular) vs random \(random)")
        #expect(ease > 1.3 * popular, "EASE \(ease) vs most popular \(popular)")
        #expect(als > 1.3 * popular, "iALS \(als) vs most popular \(popular)")
        #expect(rows.allSatisfy { $0.metrics.customers == rows[0].metrics.customers })
    }

    /// Without selection bias, who rates a movie says nothing about taste: the rankers' edge over
    /// popularity shrinks. This is what makes the biased generator the right test bed.
    @Test func selectionBiasIsWhatMakesChoicesLearnable() async throws {
        @Sendable func gain(strength: Double) throws -> Double {
            let dataset = try SyntheticRatings.make(seed: 5, selectionStrength: strength)
            let split = RankingSplit.fraction(0.2, seed: 1).split(Array(0..<dataset.count), of: dataset)
            var comparison = RankingComparison()
            comparison.rankers = [RankerParameters(kind: .ease)]
            let rows = try comparison.run(dataset, training: split.train, test: TrainingRatings(dataset, rows: split.test))
            return rows[1].metrics.ndcg / max(rows[0].metrics.ndcg, 1e-9)
        }
        let biased = try await offPool { try gain(strength: 1.5) }
        let unbiased = try await offPool { try gain(strength: 0) }
        #expect(biased > unbiased + 0.1, "EASE / most popular: \(biased) with selection bias, \(unbiased) without")
    }
}
