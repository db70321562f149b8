@testable import RecoCore
import Testing

@Suite struct EvaluationTests {
    @Test func foldsPartitionTheRows() {
        for (count, folds) in [(10, 3), (1_003, 5), (5, 5)] {
            let split = DataSplit.folds(count: count, folds: folds, seed: 4)
            #expect(split.count == folds)
            let all = split.flatMap { $0 }
            #expect(all.sorted() == Array(0..<count))
            let sizes = split.map(\.count)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
            #expect(DataSplit.training(split, leaving: 0).count == count - split[0].count)
        }
        #expect(DataSplit.folds(count: 100, folds: 4, seed: 1) == DataSplit.folds(count: 100, folds: 4, seed: 1))
        #expect(DataSplit.folds(count: 100, folds: 4, seed: 1) != DataSplit.folds(count: 100, folds: 4, seed: 2))
    }

    @Test func holdoutSplitsTheRequestedShare() {
        let (train, test) = DataSplit.holdout(count: 1_000, fraction: 0.2, seed: 3)
        #expect(test.count == 200)
        #expect(Set(train).isDisjoint(with: test))
        #expect((train + test).sorted() == Array(0..<1_000))
    }

    @Test func seedGridHasSixteenCandidatesInGridSearchOrder() {
        let grid = GridSearch.Grid(epochs: [5, 10], learningRates: [0.002, 0.005], regularizations: [0.4, 0.6], factors: [50, 100])
        let candidates = grid.candidates(base: TrainingParameters())
        #expect(candidates.count == 16)
        #expect(candidates[0].epochs == 5 && candidates[0].factors == 50 && candidates[0].learningRateBias == 0.002 && candidates[0].regularizationFactors == 0.4)
        #expect(candidates[1].factors == 100)
        #expect(candidates[15].epochs == 10 && candidates[15].learningRateFactors == 0.005 && candidates[15].regularizationBias == 0.6)
    }

    @Test func crossValidationAndGridSearchPickTheBetterCandidate() throws {
        var table = RatingsTable()
        var random = SplitMix64(seed: 2)
        for customer in 1...60 {
            for movie in 1...40 where random.nextUnit() < 0.4 {
                let stars = min(5, max(1, 3 + (customer % 3) - (movie % 2) + random.next(below: 2)))
                table.append(customer: UInt32(customer), movie: UInt32(movie), halfStars: UInt8(stars * 2), day: 0)
            }
        }
        let dataset = RatingsDataset(table, scale: .netflix)
        var base = TrainingParameters()
        base.factors = 4
        let result = try CrossValidation(folds: 3, seed: 1).run(dataset, parameters: base)
        #expect(result.folds.count == 3)
        #expect(result.meanRMSE > 0 && result.meanRMSE < 1.5)
        // Zero epochs (the global mean only) must lose to 30 epochs.
        let search = GridSearch(grid: GridSearch.Grid(epochs: [0, 30]), base: base, crossValidation: CrossValidation(folds: 3, seed: 1))
        let outcome = try search.run(dataset)
        #expect(outcome.candidates.count == 2)
        #expect(outcome.bestByRMSE?.parameters.epochs == 30)
        #expect(outcome.bestByMAE?.parameters.epochs == 30)
    }

    @Test func learningCurveIsAnSVGWithBothLines() {
        let epochs = (1...5).map { EpochReport(epoch: $0, trainRMSE: 1.0 / Double($0), holdoutRMSE: 1.1 / Double($0), holdoutMAE: nil, seconds: 0) }
        let svg = LearningCurveChart.svg(epochs, title: "k=10 <test>")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.contains("&lt;test&gt;"))
    }
}
