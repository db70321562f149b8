import Foundation
@testable import RecoCore
import Testing
import TestSupport

/// Two days of the loop through the registry: day 1's watches (with movie 501, which no rating
/// knows) teach version 1; day 2's (with movie 502) teach its child, which must still know what
/// day 1 taught (it learns its ancestors' exports again) and recommend both new movies.
@Suite struct CandidateTrainerTests {
    let directory = TemporaryDirectory()

    /// 200 customers rated some of movies 1-40; on `day`, 60% of them watch `newMovie`.
    private func watches(day: Int64, newMovie: UInt32, seed: UInt64) -> [WatchHistoryReader.Watch] {
        var random = SplitMix64(seed: seed)
        var watches: [WatchHistoryReader.Watch] = []
        let start: Int64 = 1_795_000_000_000_000 + day * 86_400_000_000
        for customer in UInt32(1)...200 where random.nextUnit() < 0.6 {
            watches.append(.init(customerId: customer, movieId: newMovie, watchedAt: start + Int64(watches.count) * 1_000_000))
            watches.append(.init(customerId: customer, movieId: UInt32(1 + random.next(below: 40)), watchedAt: start + Int64(watches.count) * 1_000_000))
        }
        return watches
    }

    private func recipe(data: String, watchFiles: [String], earlier: [String]) -> TrainingRecipe {
        var parameters = TrainingParameters()
        parameters.factors = 4
        parameters.epochs = 3
        var recipe = TrainingRecipe(dataDirectory: data, watchFiles: watchFiles, catalogue: nil, parameters: parameters,
                                    rankers: [RankerParameters(kind: .ease)], validationSplit: "random", gateWindow: 0, positions: nil)
        recipe.earlierWatchFiles = earlier
        return recipe
    }

    /// How many customers who had not watched `movie` get it in their top 10.
    private func listsWith(_ movie: UInt32, registry: ModelRegistry, version: String, watched: [WatchHistoryReader.Watch]) throws -> Int {
        let recommender = Recommender(model: try RecoModel(path: registry.modelPath(version)))
        let watchers = Set(watched.filter { $0.movieId == movie }.map(\.customerId))
        return (UInt32(1)...200).filter { !watchers.contains($0) }
            .filter { recommender.recommend(customerId: $0).items.contains { $0.movieId == movie } }.count
    }

    @Test func aChildLearnsWhatItsAncestorsLearnedAndNewMoviesBecomeRecommendable() throws {
        let data = directory.path + "/prepared"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var table = RatingsTable()
        var random = SplitMix64(seed: 11)
        for customer in UInt32(1)...200 {
            for movie in UInt32(1)...40 where random.nextUnit() < 0.2 {
                table.append(customer: customer, movie: movie, halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        try RatingsStore.write(RatingsDataset(table, scale: .netflix), to: data + "/" + DataPreparer.ratingsFile)
        let registry = ModelRegistry(directory: directory.path + "/registry")
        try registry.create()
        let dayOne = watches(day: 1, newMovie: 501, seed: 1)
        let dayTwo = watches(day: 2, newMovie: 502, seed: 2)
        try WatchHistoryReader.write(dayOne, to: directory.path + "/day1.csv")
        try WatchHistoryReader.write(dayTwo, to: directory.path + "/day2.csv")

        // Kept by content: the export's own folder may go.
        let keptOne = try registry.keepWatches(from: directory.path + "/day1.csv")
        #expect(try registry.keepWatches(from: directory.path + "/day1.csv") == keptOne)
        try FileManager.default.removeItem(atPath: directory.path + "/day1.csv")
        let first = try CandidateTrainer(registry: registry, recipe: recipe(data: data, watchFiles: [keptOne], earlier: []))
            .train(parent: nil, parentCutoff: nil, createdBy: "test", now: Date(timeIntervalSince1970: 1_795_100_000))
        try registry.promote(first.version, reason: "day 1")
        #expect(first.metadata.trainingWatches == dayOne.count && first.metadata.newMovies == 1)
        #expect(try listsWith(501, registry: registry, version: first.version, watched: dayOne) > 0, "day 1's new movie is recommended")

        let keptTwo = try registry.keepWatches(from: directory.path + "/day2.csv")
        let earlier = try #require(first.recipe).learnedWatchFiles
        #expect(earlier == [keptOne])
        let second = try CandidateTrainer(registry: registry, recipe: recipe(data: data, watchFiles: [keptTwo], earlier: earlier))
            .train(parent: first.version, parentCutoff: first.metadata.cutoff, createdBy: "test", now: Date(timeIntervalSince1970: 1_795_200_000))
        #expect(second.metadata.trainingWatches == dayOne.count + dayTwo.count, "day 2's model learned day 1's watches too")
        #expect(second.metadata.newMovies == 2)
        #expect(try listsWith(501, registry: registry, version: second.version, watched: dayOne + dayTwo) > 0, "day 1's new movie is still known")
        #expect(try listsWith(502, registry: registry, version: second.version, watched: dayTwo) > 0, "day 2's new movie is recommended")
        #expect(try RecoModel(path: registry.modelPath(first.version)).movieIndex(of: 502) == nil)

        // Prune keeps the exports that kept versions learned and drops those nobody refers to.
        try registry.promote(second.version, reason: "day 2")
        try "customer_id,movie_id\n".write(toFile: registry.directory + "/watches-00000000000000aa.csv", atomically: true, encoding: .utf8)
        #expect(try registry.prune(keep: 0).isEmpty, "current and its parent stay")
        #expect(FileManager.default.fileExists(atPath: keptOne) && FileManager.default.fileExists(atPath: keptTwo))
        #expect(!FileManager.default.fileExists(atPath: registry.directory + "/watches-00000000000000aa.csv"))
    }
}
