@testable import RecoCore
import Foundation
import Testing
import TestSupport

/// Lists chosen by factor scans (iALS, the SVD's order) are the exact top of x·y over the movies
/// not watched, and the same whatever batch of customers shared the pass (issue 27).
@Suite struct FactorScanTests {
    let directory = TemporaryDirectory()

    /// 700 movies: two chunks of the scan, the second one padded.
    private func model() async throws -> RecoModel {
        let folder = directory.path
        return try await offPool {
            let dataset = try SyntheticRatings.make(customers: 300, movies: 700, ratings: 12_000)
            var svd = TrainingParameters()
            svd.factors = 12
            svd.epochs = 2
            var job = TrainingJob(dataset: dataset, parameters: svd)
            var ranker = RankerParameters(kind: .ials)
            ranker.factors = 16
            ranker.iterations = 2
            job.rankers = [ranker]
            let outcome = try job.run()
            try job.write(outcome, to: folder + "/scan.recomodel")
            return try RecoModel(path: folder + "/scan.recomodel")
        }
    }

    /// The reference: every movie's x·y (+ b_i) in Double, one row at a time.
    private func referenceScores(_ model: RecoModel, customer: Int, ordering: Recommender.Ordering) -> [Double] {
        let ranker = ordering == .ranker
        let stride = ranker ? model.rankerStride : model.stride
        let customers = ranker ? model.rankerCustomerFactors : model.customerFactors
        let movies = ranker ? model.rankerMovieRows : model.movieFactors
        return (0..<model.movieCount).map { movie in
            var sum = ranker ? 0 : Double(model.movieBias[movie])
            for dimension in 0..<stride { sum += Double(customers[customer * stride + dimension]) * Double(movies[movie * stride + dimension]) }
            return sum
        }
    }

    @Test(arguments: [Recommender.Ordering.ranker, .svd])
    func aScanIsTheExactTopOfTheDotProducts(ordering: Recommender.Ordering) async throws {
        let model = try await model()
        let recommender = Recommender(model: model)
        for customerId in model.customerIds.prefix(60) {
            let customer = try #require(model.customerIndex(of: customerId))
            let list = recommender.recommend(customerId: customerId, limit: 10, ordering: ordering)
            #expect(list.rankedBy == (ordering == .ranker ? .ials : .svd))
            let rated = Set(model.ratedMovies(customer: customer).map(Int.init))
            let scores = referenceScores(model, customer: customer, ordering: ordering)
            let best = scores.indices.filter { !rated.contains($0) }.sorted { scores[$0] > scores[$1] }
            let listed = list.items.map { item in model.movieIds.firstIndex(of: item.movieId)! }
            #expect(listed.count == 10)
            #expect(listed.allSatisfy { !rated.contains($0) }, "a rated movie listed for \(customerId)")
            // The same movies as the exact order, but where two scores tie within float rounding.
            let tenth = scores[best[9]]
            for (rank, movie) in listed.enumerated() {
                #expect(abs(scores[movie] - scores[best[rank]]) < 1e-4, "customer \(customerId), rank \(rank)")
                #expect(scores[movie] >= tenth - 1e-4)
            }
        }
    }

    @Test(arguments: [1, 2, 3, 5, 8, 11])
    func aListIsTheSameWhateverItsBatch(size: Int) async throws {
        let model = try await model()
        let recommender = Recommender(model: model)
        for ordering in Recommender.Ordering.allCases {
            let ids = Array(model.customerIds.suffix(size))
            let alone = ids.map { recommender.recommend(customerId: $0, limit: 10, ordering: ordering) }
            let together = recommender.recommend(customerIds: ids, limit: 10, ordering: ordering)
            #expect(together == alone, "batch of \(size), \(ordering)")
            // Mixed plans: a newcomer (cold start) between scans keeps its place.
            let mixed = recommender.resolve([ids[0], 4_000_000_000].map { recommender.plan(customerId: $0, ordering: ordering) })
            #expect(mixed[0] == alone[0] && mixed[1].coldStart)
        }
    }
}
