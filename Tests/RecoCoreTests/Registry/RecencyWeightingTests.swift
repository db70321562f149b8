import Foundation
@testable import RecoCore
import Testing

/// Weighting recent feedback more: the weights by age, and the choice on validation.
struct RecencyWeightingTests {
    @Test func weightsHalveEveryHalfLifeFromTheNewestWatch() {
        let day: Int64 = 86_400_000_000
        let watches = [0, 2, 4].map { WatchHistoryReader.Watch(customerId: 1, movieId: 1, watchedAt: 10 * day + Int64($0) * day) }
            + [WatchHistoryReader.Watch(customerId: 1, movieId: 2)]
        #expect(RecencyWeighting(watchWeight: 4, halfLifeDays: 2).weights(watches) == [1, 2, 4, 4], "4 at the newest, halved every 2 days; no time: newest")
        #expect(RecencyWeighting.none.weights(watches) == [1, 1, 1, 1])
        #expect(RecencyWeighting(watchWeight: 3).weights(watches) == [3, 3, 3, 3])
    }

    @Test func recipesWithoutRecencyDecodeAsBefore() throws {
        let json = """
            {"data_directory": "d", "watch_files": [], "parameters": \(String(decoding: try JSONEncoder().encode(TrainingParameters()), as: UTF8.self)),
             "rankers": [], "validation_split": "random", "gate_window": 0.2}
            """
        let recipe = try JSONDecoder().decode(TrainingRecipe.self, from: Data(json.utf8))
        #expect(recipe.recencyCandidates == [.none] && recipe.earlierWatchFiles.isEmpty)
    }

    /// Customers' tastes changed: their old ratings say movies 1-10, their recent watches say
    /// 11-20 and the validation watches (the newest) continue 11-20. Weighting watches more
    /// finds them; equal weights leave the old ratings in charge.
    @Test func theChoiceFollowsTheValidationWatches() throws {
        var table = RatingsTable()
        var random = SplitMix64(seed: 5)
        for customer in UInt32(1)...150 {
            for movie in UInt32(1)...10 where random.nextUnit() < 0.8 { table.append(customer: customer, movie: movie, halfStars: 10, day: 0) }
            for movie in UInt32(11)...20 where random.nextUnit() < 0.1 { table.append(customer: customer, movie: movie, halfStars: 8, day: 0) }
        }
        let dataset = RatingsDataset(table, scale: .netflix)
        var watches: [WatchHistoryReader.Watch] = []
        var clock: Int64 = 1_800_000_000_000_000
        for round in 0..<3 {
            for customer in UInt32(1)...150 {
                clock += 1_000_000
                let movie = UInt32(11 + (Int(customer) + round * 3) % 10)
                watches.append(.init(customerId: customer, movieId: movie, watchedAt: clock))
            }
        }
        var ranker = RankerParameters(kind: .ease)
        ranker.l2 = 10
        let selection = RecencySelection(candidates: [.none, RecencyWeighting(watchWeight: 16)], ranker: ranker)
        let outcome = try selection.run(dataset.includingIds(customers: [], movies: []), earlier: [], exported: watches)
        #expect(outcome.validationWatches == 90)
        #expect(outcome.trials.count == 2)
        #expect(outcome.chosen == RecencyWeighting(watchWeight: 16), "\(outcome.trials.map { ($0.weighting, $0.validation.ndcg) })")
        #expect(outcome.trials[1].validation.ndcg > outcome.trials[0].validation.ndcg)
        // One candidate: used as it is, nothing fitted.
        let single = try RecencySelection(candidates: [.none], ranker: ranker).run(dataset, earlier: [], exported: watches)
        #expect(single.chosen == .none && single.trials.isEmpty)
    }
}
