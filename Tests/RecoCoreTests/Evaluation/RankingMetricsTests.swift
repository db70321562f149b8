@testable import RecoCore
import Foundation
import Testing

@Suite struct RankingMetricsTests {
    /// Hits at ranks 1 and 3 of a top 4, 3 relevant items: worked by hand.
    @Test func customerFiguresMatchHandComputedValues() {
        let figures = RankingMetrics.customerFigures(hits: [true, false, true, false], relevant: 3, k: 4)
        #expect(figures.precision == 0.5)
        #expect(abs(figures.recall - 2.0 / 3.0) < 1e-12)
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal over min(3, 4) = 3 hits: 1 + 1/log2(3) + 1/log2(4).
        let ideal = 1 + 1 / log2(3.0) + 0.5
        #expect(abs(figures.ndcg - 1.5 / ideal) < 1e-12)
        // AP@4 = (1/1 + 2/3) / min(3, 4).
        #expect(abs(figures.map - (1 + 2.0 / 3.0) / 3) < 1e-12)
        #expect(figures.hit == 1)
    }

    @Test func idealIsBoundedByKAndMissesScoreZero() {
        // 5 relevant, k = 2, both hits: a perfect list.
        let perfect = RankingMetrics.customerFigures(hits: [true, true], relevant: 5, k: 2)
        #expect(perfect.ndcg == 1)
        #expect(perfect.map == 1)
        #expect(perfect.recall == 0.4)
        let none = RankingMetrics.customerFigures(hits: [false, false], relevant: 1, k: 2)
        #expect(none.ndcg == 0 && none.map == 0 && none.precision == 0 && none.hit == 0)
    }

    /// Two customers, four movies; scores fixed so every figure can be worked by hand.
    @Test func evaluatorAppliesTheProtocol() {
        // Training: customer c rated movie c (c = 0, 1, 2). Movie 3 has no training rating, so it
        // is never a candidate nor relevant.
        let training = InteractionMatrix(customers: [0, 1, 2], movies: [0, 1, 2], weights: [1, 1, 1], customerCount: 4, movieCount: 4)
        // Held out: customer 0 likes 2 (5★) and 3 (5★, not in training), dislikes 1 (2★);
        // customer 1 likes 0; customer 2 gave only 3★ (nothing relevant); customer 3 has no training.
        let test = TrainingRatings(customers: [0, 0, 0, 1, 2, 3], movies: [2, 3, 1, 0, 2, 2], stars: [5, 5, 2, 4, 3, 5],
                                   customerCount: 4, movieCount: 4)
        let evaluator = RankingEvaluator(training: training, test: test, k: 1)
        #expect(evaluator.customers == [0, 1])
        #expect(evaluator.candidateCount == 3)
        // Every movie scores the same: ties go to the smaller movie id among the candidates.
        let metrics = evaluator.evaluate(scoreCapacity: 4) { _, scores in scores.update(repeating: 1, count: 4) }
        // Customer 0: candidates 1, 2 → top 1 = movie 1 (tie, smaller id), a miss.
        // Customer 1: candidates 0, 2 → movie 0, a hit.
        #expect(metrics.customers == 2)
        #expect(metrics.precision == 0.5)
        #expect(metrics.hitRate == 0.5)
        #expect(metrics.ndcg == 0.5)
        #expect(metrics.recall == 0.5)
        // Distinct recommended movies {0, 1} of 3 in training; the top 10 hold every slot.
        #expect(abs(metrics.coverage - 2.0 / 3.0) < 1e-12)
        #expect(metrics.concentration == 1)
    }

    @Test func higherScoresWinAndExcludedMoviesNeverAppear() {
        let training = InteractionMatrix(customers: [0, 0, 1], movies: [0, 1, 2], weights: [1, 1, 1], customerCount: 2, movieCount: 4)
        let test = TrainingRatings(customers: [0], movies: [3], stars: [4], customerCount: 2, movieCount: 4)
        // Movie 3 has no training rating: nothing is relevant, nobody is evaluated.
        #expect(RankingEvaluator(training: training, test: test, k: 2).customers.isEmpty)
        let test2 = TrainingRatings(customers: [0], movies: [2], stars: [4], customerCount: 2, movieCount: 4)
        let evaluator = RankingEvaluator(training: training, test: test2, k: 2)
        // The customer's own movies score highest but are excluded.
        let top = evaluator.topMovies(for: 0, scores: UnsafeMutablePointer<Float>.allocate(capacity: 4)) { _, scores in
            scores[0] = 9; scores[1] = 8; scores[2] = 1; scores[3] = 5
        }
        #expect(top == [2])
    }
}
