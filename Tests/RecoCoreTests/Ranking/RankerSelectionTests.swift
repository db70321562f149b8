@testable import RecoCore
import Testing
import TestSupport

@Suite struct RankerSelectionTests {
    private static func candidates() -> [RankerParameters] {
        [100, 400].map { lambda in
            var parameters = RankerParameters(kind: .ease)
            parameters.l2 = Float(lambda)
            return parameters
        }
    }

    /// The test part never reaches the selection: scrambling every held-out rating changes no
    /// validation figure and no choice.
    @Test func tuningNeverSeesTheTestPart() async throws {
        let dataset = try SyntheticRatings.make(customers: 600, movies: 100, ratings: 6_000)
        let split = RankingSplit.fraction(0.2, seed: 9).split(Array(0..<dataset.count), of: dataset)
        var scrambled = dataset
        for row in split.test {
            scrambled.halfStars[row] = 2
            scrambled.movieIndex[row] = UInt32((Int(scrambled.movieIndex[row]) + 7) % dataset.movieCount)
        }
        let selection = RankerSelection(candidates: Self.candidates(), validation: .fraction(0.2, seed: 10))
        let changed = scrambled
        let (original, other) = try await offPool { (try selection.run(dataset, training: split.train), try selection.run(changed, training: split.train)) }
        // Fit seconds differ run to run; everything measured must not.
        #expect(original.trials.map(\.validation) == other.trials.map(\.validation))
        #expect(original.trials.map(\.parameters) == other.trials.map(\.parameters))
        #expect(original.best == other.best)
        // Every validation row comes from the training rows.
        for carve in selection.carves(split.train, of: dataset) {
            #expect(Set(carve.test).isSubset(of: Set(split.train)))
            #expect(Set(carve.train).isDisjoint(with: Set(split.test)))
        }
    }

    @Test func picksTheCandidateWithTheBestMetric() async throws {
        let dataset = try SyntheticRatings.make(customers: 600, movies: 100, ratings: 6_000)
        var selection = RankerSelection(candidates: Self.candidates(), validation: .fraction(0.2, seed: 10))
        selection.repeats = 2
        let chosen = selection
        let outcome = try await offPool { try chosen.run(dataset, training: Array(0..<dataset.count)) }
        let best = outcome.trials.map(\.validation.ndcg).max()
        #expect(outcome.bestTrial.validation.ndcg == best)
        #expect(outcome.trials.count == 2)
    }
}
