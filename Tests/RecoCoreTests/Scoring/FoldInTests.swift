@testable import RecoCore
import Foundation
import Testing
import TestSupport

/// Folding a watch into a customer's recommendations without retraining (issue 16).
@Suite struct FoldInTests {
    let directory = TemporaryDirectory()

    private struct Trained {
        var model: RecoModel
        var outcome: TrainingJob.Outcome
        var dataset: RatingsDataset
    }

    private func train(_ kind: RankerKind) async throws -> Trained {
        let folder = directory.path
        return try await offPool {
            let dataset = try SyntheticRatings.make(customers: 500, movies: 90, ratings: 5_000)
            var svd = TrainingParameters()
            svd.factors = 8
            svd.epochs = 3
            var job = TrainingJob(dataset: dataset, parameters: svd)
            var ranker = RankerParameters(kind: kind)
            ranker.factors = 8
            ranker.iterations = 4
            job.rankers = [ranker]
            let outcome = try job.run()
            let path = folder + "/\(kind.rawValue).recomodel"
            try job.write(outcome, to: path)
            return Trained(model: try RecoModel(path: path), outcome: outcome, dataset: dataset)
        }
    }

    /// A movie the customer did not rate, the first one recommended to them.
    private func unratedTopMovie(_ recommender: Recommender, _ customerId: UInt32) -> UInt32 {
        recommender.recommend(customerId: customerId, limit: 1).items[0].movieId
    }

    @Test func easeScoresAWatchAsPartOfTheHistory() async throws {
        let trained = try await train(.ease)
        let ranker = try #require(trained.outcome.ranker)
        let matrix = InteractionMatrix(trained.outcome.training, weighting: ranker.parameters.weighting)
        let recommender = Recommender(model: trained.model)
        for customer in [2, 9, 31] {
            let customerId = trained.dataset.customerIds[customer]
            let watchedId = unratedTopMovie(recommender, customerId)
            let watched = UInt32(try #require(trained.dataset.movieIds.firstIndex(of: watchedId)))
            let folded = try #require(recommender.foldIn(customerId: customerId, watched: [watchedId]))
            #expect(folded.movies == [watched])
            // The in-memory ranker over the training history plus the watch at weight 1.
            var history = Array(matrix.ratedMovies[matrix.rated(customer)])
            var weights = Array(matrix.ratedWeights[matrix.rated(customer)])
            history.append(watched)
            weights.append(1)
            var scores = [Float](repeating: 0, count: ranker.scoreCapacity)
            ranker.movieRows.withUnsafeBufferPointer { rows in
                history.withUnsafeBufferPointer { history in
                    weights.withUnsafeBufferPointer { weights in
                        scores.withUnsafeMutableBufferPointer { scores in
                            RankerScoring.itemItem(rows: rows.baseAddress!, stride: ranker.stride, movieCount: ranker.movieCount,
                                                   prior: ranker.prior, history: history, weights: weights, into: scores.baseAddress!)
                        }
                    }
                }
            }
            let excluded = Set(history)
            var selector = TopNSelector(capacity: 10)
            for movie in 0..<trained.dataset.movieCount where !excluded.contains(UInt32(movie)) { selector.consider(scores[movie], movie: movie) }
            let served = recommender.recommend(customerId: customerId, limit: 10, folded: folded)
            #expect(served.items.map(\.movieId) == selector.movies.map { trained.dataset.movieIds[Int($0)] }, "customer \(customer)")
            #expect(!served.coldStart)
        }
    }

    /// With the movie factors fixed, the folded vector is the least-squares solution of the
    /// customer's normal equations over training history + watches, solved here directly.
    @Test func iALSFoldInMatchesAFromScratchSolve() async throws {
        let trained = try await train(.ials)
        let model = trained.model
        let parameters = try #require(model.metadata.ranker?.parameters)
        let recommender = Recommender(model: model)
        let stride = model.rankerStride
        let k = parameters.factors
        let movieFactors = Array(model.rankerMovieRows)
        let meanCount = Float(try #require(model.metadata.ranker?.interactions)) / Float(model.customerCount)
        for (customerId, watchedIds) in [(trained.dataset.customerIds[4], [trained.dataset.movieIds[7], trained.dataset.movieIds[50]]),
                                         (UInt32(9_999_999), [trained.dataset.movieIds[3]])] {
            let folded = try #require(recommender.foldIn(customerId: customerId, watched: watchedIds))
            let factors = try #require(folded.rankerFactors)
            var history: [(movie: Int, weight: Float)] = []
            if let customer = model.customerIndex(of: customerId) {
                let weights = try #require(model.ratedWeights(customer: customer))
                for (movie, weight) in zip(model.ratedMovies(customer: customer), weights) { history.append((Int(movie), weight)) }
            }
            for id in watchedIds {
                let movie = try #require(model.movieIndex(of: id))
                history.removeAll { $0.movie == movie }
                history.append((movie, 1))
            }
            history.removeAll { $0.weight <= 0 }
            let trainer = ALSTrainer(parameters: parameters)
            let gram = trainer.gramian(movieFactors, count: model.movieCount, stride: stride)
            let lambda = Double(trainer.regularization(count: history.count, meanCount: meanCount))
            var a = (0..<k).map { i in (0..<k).map { j in Double(gram[i * stride + j]) + (i == j ? lambda : 0) } }
            var b = [Double](repeating: 0, count: k)
            for (movie, weight) in history {
                let y = (0..<k).map { Double(movieFactors[movie * stride + $0]) }
                let confidence = 1 + Double(parameters.alpha * weight)
                for i in 0..<k {
                    b[i] += confidence * y[i]
                    for j in 0..<k { a[i][j] += (confidence - 1) * y[i] * y[j] }
                }
            }
            let exact = Self.solve(&a, &b)
            let scale = exact.map(abs).max() ?? 1
            for f in 0..<k { #expect(abs(Double(factors[f]) - exact[f]) <= 1e-3 * max(scale, 1e-3), "customer \(customerId) factor \(f)") }
        }
    }

    /// Gauss–Jordan elimination (the matrix is symmetric positive definite: no pivoting needed).
    private static func solve(_ a: inout [[Double]], _ b: inout [Double]) -> [Double] {
        let n = b.count
        for column in 0..<n {
            let pivot = a[column][column]
            for j in 0..<n { a[column][j] /= pivot }
            b[column] /= pivot
            for row in 0..<n where row != column {
                let factor = a[row][column]
                guard factor != 0 else { continue }
                for j in 0..<n { a[row][j] -= factor * a[column][j] }
                b[row] -= factor * b[column]
            }
        }
        return b
    }

    @Test(arguments: [RankerKind.ease, .ials])
    func aWatchedMovieNeverReappears(kind: RankerKind) async throws {
        let trained = try await train(kind)
        let recommender = Recommender(model: trained.model)
        for customerId in [trained.dataset.customerIds[1], trained.dataset.customerIds[77], 8_888_888] {
            var watched: [UInt32] = []
            for _ in 0..<25 {
                let folded = recommender.foldIn(customerId: customerId, watched: watched)
                let list = recommender.recommend(customerId: customerId, limit: 10, folded: folded)
                #expect(Set(list.items.map(\.movieId)).isDisjoint(with: watched), "customer \(customerId) after \(watched.count) watches")
                #expect(list.items.count == 10)
                watched.append(list.items[0].movieId)
            }
        }
    }

    @Test(arguments: [RankerKind.ease, .ials])
    func aColdCustomerIsPersonalisedAfterOneWatch(kind: RankerKind) async throws {
        let trained = try await train(kind)
        let recommender = Recommender(model: trained.model)
        let newcomer: UInt32 = 7_777_777
        let before = recommender.recommend(customerId: newcomer, limit: 10)
        #expect(before.coldStart)
        #expect(before.rankedBy == .popularity)
        // Two newcomers who watched different movies get different lists, neither the popular one.
        let firstMovie = before.items[0].movieId
        let lastMovie = trained.dataset.movieIds[trained.dataset.movieCount - 1]
        let first = recommender.recommend(customerId: newcomer, limit: 10, folded: recommender.foldIn(customerId: newcomer, watched: [firstMovie]))
        let other = recommender.recommend(customerId: newcomer, limit: 10, folded: recommender.foldIn(customerId: newcomer, watched: [lastMovie]))
        #expect(!first.coldStart)
        #expect(first.rankedBy == RankedBy(kind))
        #expect(!first.items.map(\.movieId).contains(firstMovie))
        #expect(first.items.map(\.movieId) != other.items.map(\.movieId))
        #expect(first.items.map(\.movieId) != before.items.map(\.movieId).filter { $0 != firstMovie } || other.items.map(\.movieId) != before.items.map(\.movieId))
        // A movie the model does not know changes nothing.
        #expect(recommender.foldIn(customerId: newcomer, watched: [4_000_000_000]) == nil)
        // Ids between the model's (not in it), past its largest, known ones twice: each known one once, in index order.
        let ids = trained.dataset.movieIds
        let gap = (1..<ids.count).first { ids[$0] > ids[$0 - 1] + 1 }.map { ids[$0] - 1 }
        let mixed = [ids[5], ids.max()! + 1, ids[2], 4_000_000_000, ids[5]] + (gap.map { [$0] } ?? [])
        #expect(recommender.foldIn(customerId: newcomer, watched: mixed)?.movies == [2, 5])
    }

    @Test func theSVDAloneExcludesWatchesFromItsLists() async throws {
        let trained = try await train(.ease)
        let recommender = Recommender(model: trained.model)
        let customerId = trained.dataset.customerIds[3]
        let bySVD = recommender.recommend(customerId: customerId, limit: 5, ordering: .svd)
        let folded = recommender.foldIn(customerId: customerId, watched: [bySVD.items[0].movieId])
        let after = recommender.recommend(customerId: customerId, limit: 5, ordering: .svd, folded: folded)
        #expect(after.items.map(\.movieId) == Array(bySVD.items.dropFirst().map(\.movieId)) + [after.items[4].movieId])
    }
}
