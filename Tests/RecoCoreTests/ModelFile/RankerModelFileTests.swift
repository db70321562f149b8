@testable import RecoCore
import Foundation
import Testing
import TestSupport

/// The model file carries the ranker; the served order is the ranker's and the scores are the SVD's.
@Suite struct RankerModelFileTests {
    let directory = TemporaryDirectory()

    private func train(_ kind: RankerKind?, version: UInt32 = ModelFileLayout.formatVersion) async throws -> (RecoModel, TrainingJob.Outcome, RatingsDataset) {
        let folder = directory.path
        return try await offPool { try Self.train(kind, version: version, in: folder) }
    }

    private static func train(_ kind: RankerKind?, version: UInt32, in folder: String) throws -> (RecoModel, TrainingJob.Outcome, RatingsDataset) {
        let dataset = try SyntheticRatings.make(customers: 500, movies: 100, ratings: 6_000)
        var svd = TrainingParameters()
        svd.factors = 8
        svd.epochs = 3
        var job = TrainingJob(dataset: dataset, parameters: svd)
        if let kind {
            var ranker = RankerParameters(kind: kind)
            ranker.factors = 8
            ranker.iterations = 4
            job.rankers = [ranker]
            job.rankerValidation = .fraction(0.2, seed: 1)
        }
        let outcome = try job.run()
        let path = folder + "/\(kind?.rawValue ?? "svd")-v\(version).recomodel"
        if version == ModelFileLayout.formatVersion {
            try job.write(outcome, to: path)
        } else {
            try ModelFileWriter.write(outcome.model, customerIds: dataset.customerIds, movieIds: dataset.movieIds, ratings: outcome.training,
                                      ranker: nil, weighting: FeedbackWeighting(),
                                      metadata: ModelMetadata(version: "old", createdAt: "then", parameters: svd, dataFingerprint: "f",
                                                              trainingRatings: 1, holdoutRatings: 0, trainRMSE: nil, holdoutRMSE: nil,
                                                              holdoutMAE: nil, trainingSeconds: 0, epochs: []),
                                      to: path, version: version)
        }
        return (try RecoModel(path: path), outcome, dataset)
    }

    @Test(arguments: [RankerKind.ease, .ials])
    func servedOrderIsTheRankersAndScoresAreSVDStars(kind: RankerKind) async throws {
        let (model, outcome, dataset) = try await train(kind)
        #expect(model.ranker == kind)
        #expect(model.metadata.ranker?.parameters.kind == kind)
        #expect(model.metadata.ranker?.validation != nil)
        let ranker = try #require(outcome.ranker)
        let matrix = InteractionMatrix(outcome.training, weighting: ranker.parameters.weighting)
        let recommender = Recommender(model: model)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: ranker.scoreCapacity)
        defer { scores.deallocate() }
        for customer in [0, 5, 17] {
            // The in-memory ranker's top 10 over unrated movies, ties to the smaller id.
            ranker.score(customer: customer, in: matrix, into: scores)
            let rated = Set(matrix.ratedMovies[matrix.rated(customer)])
            var selector = TopNSelector(capacity: 10)
            for movie in 0..<dataset.movieCount where !rated.contains(UInt32(movie)) { selector.consider(scores[movie], movie: movie) }
            let expected = selector.movies.map { dataset.movieIds[Int($0)] }
            let served = recommender.recommend(customerId: dataset.customerIds[customer], limit: 10)
            #expect(served.rankedBy == RankedBy(kind))
            #expect(served.items.map(\.movieId) == expected, "customer \(customer)")
            for item in served.items {
                let movie = try #require(dataset.movieIds.firstIndex(of: item.movieId))
                #expect(abs(item.score - outcome.model.predict(customer: customer, movie: movie)) < 1e-4)
            }
            let bySVD = recommender.recommend(customerId: dataset.customerIds[customer], limit: 10, ordering: .svd)
            #expect(bySVD.rankedBy == .svd)
            #expect(zip(bySVD.items, bySVD.items.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        let cold = recommender.recommend(customerId: 4_000_000_000, limit: 5)
        #expect(cold.coldStart && cold.rankedBy == .popularity)
        let popularity = matrix.ratingCounts()
        let mostRated = (0..<dataset.movieCount).sorted { popularity[$0] != popularity[$1] ? popularity[$0] > popularity[$1] : $0 < $1 }
        #expect(cold.items.map(\.movieId) == mostRated.prefix(5).map { dataset.movieIds[$0] })
        let similar = try recommender.similarMovies(to: dataset.movieIds[0], limit: 5)
        #expect(similar.count == 5)
    }

    @Test func versionOneFilesStillLoadAndRankBySVD() async throws {
        let (model, outcome, dataset) = try await train(nil, version: 1)
        #expect(model.formatVersion == 1)
        #expect(model.ranker == nil)
        let served = Recommender(model: model).recommend(customerId: dataset.customerIds[2], limit: 10)
        #expect(served.rankedBy == .svd)
        let stars = served.items.map(\.score)
        #expect(zip(stars, stars.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(served.items.count == 10)
        _ = outcome
    }

    /// A header claiming 2^61 customers (with a recomputed checksum) is refused, never trusted.
    @Test func craftedCountsAreRefused() async throws {
        let (model, _, _) = try await train(.ease)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model.path)))
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: (UInt64(1) << 61).littleEndian, toByteOffset: 16, as: UInt64.self) }
        let body = bytes.count - 8
        let checksum = bytes.withUnsafeBytes { Checksum64.ofWhole(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: checksum.littleEndian, toByteOffset: body, as: UInt64.self) }
        let path = directory.path + "/crafted.recomodel"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect { try RecoModel(path: path) } throws: { ($0 as? FileFormatError)?.code == .corrupt }
    }
}
