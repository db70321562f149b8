@testable import RecoCore
import Testing
import TestSupport

/// EASE scores kept watch by watch (issue 16: fold-in at stream speed).
@Suite struct FoldedScoreCacheTests {
    let directory = TemporaryDirectory()

    private func easeRecommender() async throws -> (Recommender, RatingsDataset) {
        let path = directory.path + "/ease.recomodel"
        return try await offPool {
            let dataset = try SyntheticRatings.make(customers: 400, movies: 80, ratings: 3_000)
            var svd = TrainingParameters()
            svd.factors = 4
            svd.epochs = 2
            var job = TrainingJob(dataset: dataset, parameters: svd)
            job.rankers = [RankerParameters(kind: .ease)]
            try job.write(try job.run(), to: path)
            return (Recommender(model: try RecoModel(path: path)), dataset)
        }
    }

    @Test func keptScoresGiveTheListsOfAFromScratchFoldIn() async throws {
        let (recommender, dataset) = try await easeRecommender()
        let cache = try #require(FoldedScoreCache(recommender: recommender, byteBudget: 1 << 20))
        // Known customers and one the model has not seen; watches of rated, unrated and again-watched movies.
        let customers = Array(dataset.customerIds.prefix(6)) + [999_999]
        for (round, customerId) in customers.enumerated() {
            let model = recommender.model
            let rated = model.customerIndex(of: customerId).map { Array(model.ratedMovies(customer: $0)) } ?? []
            var watched: [UInt32] = []
            let picks = [rated.first.map { model.movieIds[Int($0)] }, dataset.movieIds[(round * 7) % 80], dataset.movieIds[(round * 7 + 3) % 80],
                         dataset.movieIds[(round * 7) % 80], dataset.movieIds[(round * 11 + 40) % 80]].compactMap { $0 }
            for movieId in picks {
                watched.append(movieId)
                let folded = try #require(recommender.foldIn(customerId: customerId, watched: watched))
                cache.fold(customerId: customerId, folded: folded)
                let fromScratch = recommender.recommend(customerId: customerId, limit: 10, folded: folded)
                let kept = cache.withScores(customerId: customerId, folded)
                let scores = try #require(kept.rankerScores)
                let direct = try #require(recommender.foldedScores(customerId: customerId, watched: folded.movies))
                for movie in 0..<model.movieCount { #expect(abs(scores[movie] - direct[movie]) <= 1e-5 * max(1, abs(direct[movie]))) }
                #expect(recommender.recommend(customerId: customerId, limit: 10, folded: kept) == fromScratch, "customer \(customerId) after \(watched)")
                #expect(!fromScratch.items.contains { watched.contains($0.movieId) })
            }
        }
        #expect(cache.count == customers.count)
    }

    @Test func aMovieBeingWatchedNowIsAddedToACopy() async throws {
        let (recommender, dataset) = try await easeRecommender()
        let cache = try #require(FoldedScoreCache(recommender: recommender, byteBudget: 1 << 20))
        let customerId = dataset.customerIds[3]
        let logged = try #require(recommender.foldIn(customerId: customerId, watched: [dataset.movieIds[10]]))
        cache.fold(customerId: customerId, folded: logged)
        // The request carries a movie the follower has not read yet.
        let now = try #require(recommender.foldIn(customerId: customerId, watched: [dataset.movieIds[10], dataset.movieIds[20]]))
        let served = cache.withScores(customerId: customerId, now)
        #expect(served.rankerScores != nil)
        #expect(recommender.recommend(customerId: customerId, folded: served) == recommender.recommend(customerId: customerId, folded: now))
        // The kept entry itself is unchanged: the next request without the movie gets the logged scores.
        #expect(cache.withScores(customerId: customerId, logged).rankerScores == recommender.foldedScores(customerId: customerId, watched: logged.movies))
        // A request without a movie the entry has (dropped by the per-customer cap) is scored from scratch.
        let fewer = FoldedHistory(movies: [])
        #expect(cache.withScores(customerId: customerId, fewer).rankerScores == nil)
    }

    @Test func theBudgetBoundsTheCustomersAndEvictsTheLeastRecentlyActive() async throws {
        let (recommender, dataset) = try await easeRecommender()
        let budget = 3 * FoldedScoreCache.bytesPerCustomer(recommender)
        let cache = try #require(FoldedScoreCache(recommender: recommender, byteBudget: budget))
        #expect(cache.capacity == 3)
        func fold(_ customer: Int, _ movies: [Int]) throws {
            let customerId = dataset.customerIds[customer]
            cache.fold(customerId: customerId, folded: try #require(recommender.foldIn(customerId: customerId, watched: movies.map { dataset.movieIds[$0] })))
        }
        try fold(1, [1])
        try fold(2, [2])
        try fold(3, [3])
        try fold(1, [1, 4]) // 2 is now the least recently active
        try fold(4, [5])
        #expect(cache.count == 3)
        #expect(cache.evictions == 1)
        let two = try #require(recommender.foldIn(customerId: dataset.customerIds[2], watched: [dataset.movieIds[2]]))
        #expect(cache.withScores(customerId: dataset.customerIds[2], two).rankerScores == nil)
        let one = try #require(recommender.foldIn(customerId: dataset.customerIds[1], watched: [dataset.movieIds[1], dataset.movieIds[4]]))
        #expect(cache.withScores(customerId: dataset.customerIds[1], one).rankerScores != nil)
        #expect(FoldedScoreCache(recommender: recommender, byteBudget: 0) == nil)
    }

    @Test func onlyEASEKeepsScores() async throws {
        let path = directory.path + "/ials.recomodel"
        let recommender = try await offPool {
            let dataset = try SyntheticRatings.make(customers: 100, movies: 30, ratings: 300)
            var job = TrainingJob(dataset: dataset, parameters: TrainingParameters())
            var ials = RankerParameters(kind: .ials)
            ials.iterations = 2
            job.rankers = [ials]
            try job.write(try job.run(), to: path)
            return Recommender(model: try RecoModel(path: path))
        }
        #expect(FoldedScoreCache(recommender: recommender, byteBudget: 1 << 20) == nil)
    }

    @Test func addedMoviesAreTheDifferenceOfSortedLists() {
        #expect(FoldedScoreCache.added(to: [], toReach: [1, 2]) == [1, 2])
        #expect(FoldedScoreCache.added(to: [2], toReach: [1, 2, 5]) == [1, 5])
        #expect(FoldedScoreCache.added(to: [1, 2], toReach: [1, 2]) == [])
        #expect(FoldedScoreCache.added(to: [1, 3], toReach: [1, 2, 4]) == nil)
        #expect(FoldedScoreCache.added(to: [1, 2, 3], toReach: [1, 2]) == nil)
        #expect(FoldedScoreCache.added(to: [9], toReach: [1, 2]) == nil)
    }
}
