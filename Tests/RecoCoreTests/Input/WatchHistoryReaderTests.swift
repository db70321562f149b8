@testable import RecoCore
import Foundation
import Testing
import TestSupport

/// The watch history read back from PostgreSQL's export and learned from (issue 16 item 1).
@Suite struct WatchHistoryReaderTests {
    let directory = TemporaryDirectory()

    private func file(_ text: String) throws -> String {
        let path = directory.path + "/watches-\(UUID().uuidString.prefix(6)).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsPsqlsExportWithAnyColumnOrder() throws {
        let path = try file("\u{FEFF}watched_at,movie_id,customer_id,source\n2026-11-25 18:00:00+00,3,785314,simulator\n\"2026-11-25 18:01:00+00\",17,9,\"feed, http\"\n")
        let read = try WatchHistoryReader(path: path).read()
        #expect(read == [.init(customerId: 785_314, movieId: 3, watchedAt: 1_795_629_600_000_000), .init(customerId: 9, movieId: 17, watchedAt: 1_795_629_660_000_000)])
        // Written back with its times (RFC 3339), read back the same; a file without times has none.
        let copy = directory.path + "/copy.csv"
        try WatchHistoryReader.write(read, to: copy)
        #expect(try WatchHistoryReader(path: copy).read() == read)
        #expect(try WatchHistoryReader(path: try file("customer_id,movie_id\n5,6\n")).read() == [.init(customerId: 5, movieId: 6)])
    }

    @Test func aBadLineNamesFileLineAndField() throws {
        let cases: [(String, Int?, String?, String)] = [
            ("customer_id,movie_id\n1,2\n1,x\n", 3, "movie_id", "positive whole number"),
            ("customer_id,movie_id\n4294967296,2\n", 2, "customer_id", "out of range"),
            ("customer_id,movie_id\n1,2,3\n", 2, nil, "expected 2 fields"),
            ("user,item\n1,2\n", 1, nil, "customer_id and movie_id"),
            ("customer_id,movie_id\n0,2\n", 2, "customer_id", "positive"),
        ]
        for (text, line, field, fragment) in cases {
            let path = try file(text)
            do {
                _ = try WatchHistoryReader(path: path).read()
                Issue.record("accepted \(text)")
            } catch let error as InputError {
                #expect(error.file == path)
                #expect(error.line == line, "\(text)")
                #expect(error.field == field, "\(text)")
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
    }

    /// A watch the ratings do not have joins the customer's ranker history at weight 1 (and so
    /// leaves their list); the SVD is the same with or without it.
    @Test func trainingLearnsWatchesAsImplicitFeedback() async throws {
        let folder = directory.path
        let (plain, watched, watch) = try await offPool {
            let dataset = try SyntheticRatings.make(customers: 300, movies: 60, ratings: 2_000)
            var svd = TrainingParameters()
            svd.factors = 4
            svd.epochs = 2
            func train(_ watches: [WatchHistoryReader.Watch], _ name: String) throws -> RecoModel {
                var job = TrainingJob(dataset: dataset, parameters: svd)
                job.rankers = [RankerParameters(kind: .ease)]
                job.rankerValidation = nil
                job.watches = watches
                try job.write(try job.run(), to: folder + "/\(name).recomodel")
                return try RecoModel(path: folder + "/\(name).recomodel")
            }
            let plain = try train([], "plain")
            let customer = dataset.customerIds[0]
            let rated = Set(plain.ratedMovies(customer: 0).map { plain.movieIds[Int($0)] })
            let movie = dataset.movieIds.first { !rated.contains($0) }!
            let watch = WatchHistoryReader.Watch(customerId: customer, movieId: movie)
            // A watch of a customer the ratings do not have is left out.
            return (plain, try train([watch, .init(customerId: 4_000_000_000, movieId: movie)], "watched"), watch)
        }
        #expect(plain.customerCount == watched.customerCount)
        let customer = try #require(watched.customerIndex(of: watch.customerId))
        let movie = try #require(watched.movieIndex(of: watch.movieId))
        let history = Array(watched.ratedMovies(customer: customer))
        let position = try #require(history.firstIndex(of: UInt32(movie)))
        #expect(watched.ratedWeights(customer: customer)?[position] == 1)
        #expect(!plain.ratedMovies(customer: customer).contains(UInt32(movie)))
        #expect(Array(plain.customerFactors) == Array(watched.customerFactors))
        #expect(watched.metadata.ranker!.interactions == plain.metadata.ranker!.interactions + 1)
        let list = Recommender(model: watched).recommend(customerId: watch.customerId, limit: 20).items.map(\.movieId)
        #expect(!list.contains(watch.movieId))
    }
}
