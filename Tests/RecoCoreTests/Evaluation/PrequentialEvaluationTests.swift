@testable import RecoCore
import Foundation
import Testing
import TestSupport

/// `reco evaluate --prequential` (issue 16 item 5): train before a time cutoff, replay the rest.
@Suite struct PrequentialEvaluationTests {
    let directory = TemporaryDirectory()

    @Test func replaysEveryEventAfterTheCutoffAndFoldInBeatsTheFrozenModel() async throws {
        let path = directory.path + "/prequential.recomodel"
        let (dataset, result) = try await offPool {
            let dataset = try SyntheticRatings.make(customers: 600, movies: 80, ratings: 6_000)
            var svd = TrainingParameters()
            svd.factors = 4
            svd.epochs = 2
            var evaluation = PrequentialEvaluation(svd: svd, ranker: RankerParameters(kind: .ease))
            evaluation.trainingFraction = 0.7
            return (dataset, try evaluation.run(dataset, modelPath: path))
        }
        // Every rating is either training (before the cutoff day) or an event (on it or after).
        #expect(result.trainingRatings + result.events == dataset.count)
        #expect(result.trainingRatings == dataset.days.filter { Int($0) < result.cutoffDay }.count)
        #expect(result.rows.map(\.recommender) == ["fold-in (EASE)", "frozen model (EASE)", "most popular", "fold-in, kept scores (EASE)"])
        // A following replica's kept scores serve the lists scoring from scratch gives, but for
        // near ties: the same sums in another order may differ in a score's last bit (MovieLens
        // 100k: 1 list of 20,047).
        let differing = try #require(result.keptScoreListsDiffering)
        #expect(differing * 100 <= result.events, "\(differing) of \(result.events)")
        #expect(abs(result.rows[3].hits - result.rows[0].hits) * 100 <= result.events, "\(result.rows)")
        for row in result.rows {
            #expect(row.hits <= result.events)
            #expect(abs(row.hitRate - Double(row.hits) / Double(result.events)) < 1e-12)
            #expect(row.ndcg <= row.hitRate)
        }
        #expect(result.rows[0].hitRate > result.rows[1].hitRate, "\(result.rows)")
        #expect(result.foldInMicroseconds > 0)
    }
}
