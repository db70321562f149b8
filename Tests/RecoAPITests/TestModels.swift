import Foundation
import Logging
import RecoCore
@testable import RecoAPI

/// Small model files and catalogues written for API tests.
final class TestModels: Sendable {
    let directory: String
    let modelPath: String
    let moviesPath: String

    init() throws {
        directory = NSTemporaryDirectory() + "reco-api-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        modelPath = directory + "/model.recomodel"
        moviesPath = directory + "/movies.csv"
        // Movie 5 has no year: the seed answered 500 when it reached a top 10.
        try MovieCatalog([
            Movie(id: 1, year: 2003, title: "Dinosaur Planet"), Movie(id: 2, year: 2004, title: "Isle of Man, TT \"2004\""),
            Movie(id: 3, year: 1997, title: "Amélie"), Movie(id: 4, year: 1994, title: "Paula Abdul's Get Up & Dance"),
            Movie(id: 5, year: nil, title: "The Rise and Fall of ECW"),
        ]).write(to: moviesPath)
        try write(version: "model-a", movieBias: [0.0, 0.5, 0.3, -0.5, 0.45], to: modelPath)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Customers 100 (rated movie 1) and 200 (rated 4 and 5); movies 1...5; k = 2.
    func write(version: String, movieBias: [Float], to path: String) throws {
        func rows(_ values: [[Float]]) -> [Float] { values.flatMap { $0 + [Float](repeating: 0, count: 8 - $0.count) } }
        let model = FactorModel(
            factors: 2, globalMean: 3, customerBias: [0.1, -0.1], movieBias: movieBias,
            customerFactors: rows([[1, 0], [0, 1]]), movieFactors: rows([[2, 0], [0, 0], [0.1, 0], [1, 1], [0, 2]]),
            knownCustomer: [true, true], knownMovie: [true, true, true, true, true], scale: .netflix)
        let ratings = TrainingRatings(customers: [0, 1, 1], movies: [0, 3, 4], stars: [4, 3, 5], customerCount: 2, movieCount: 5)
        try ModelFileWriter.write(model, customerIds: [100, 200], movieIds: [1, 2, 3, 4, 5], ratings: ratings,
                                  metadata: ModelMetadata(version: version, createdAt: "2026-11-25T00:00:00Z", parameters: TrainingParameters(),
                                                          dataFingerprint: "abc", trainingRatings: 3, holdoutRatings: 0, trainRMSE: 0.9,
                                                          holdoutRMSE: nil, holdoutMAE: nil, trainingSeconds: 0.1, epochs: []),
                                  to: path)
    }

    /// A holder serving this directory's files, loaded or not.
    func holder(loaded: Bool = true) async throws -> ModelHolder {
        let holder = ModelHolder(modelPath: modelPath, moviesPath: moviesPath, metrics: APIMetrics(), logger: Logger(label: "test"))
        if loaded { holder.install(try await ServingModel.load(modelPath: modelPath, moviesPath: moviesPath)) }
        return holder
    }

    /// Six customers, movies 1…5, an SVD and an EASE ranker, written beside `TestModels`' catalogue.
    func writeRankerModel() throws -> String {
        let path = directory + "/ranker.recomodel"
        try writeRankerModel(to: path)
        return path
    }

    /// The same model at `path`, named `version` (default: from its time and data) with the
    /// cutoff `cutoff` (default: its creation) and an EASE weight of `l2`.
    @discardableResult
    func writeRankerModel(to path: String, version: String? = nil, cutoff: String? = nil, l2: Float = 1, positions: LogPositions? = nil) throws -> ModelMetadata {
        var table = RatingsTable()
        let ratings: [(UInt32, UInt32, UInt8)] = [
            (100, 1, 10), (100, 2, 8), (200, 1, 8), (200, 3, 10), (300, 2, 10), (300, 3, 8), (300, 4, 4),
            (400, 1, 10), (400, 2, 10), (400, 3, 10), (500, 4, 10), (500, 5, 8), (600, 5, 10), (600, 1, 6),
        ]
        for (customer, movie, halfStars) in ratings { table.append(customer: customer, movie: movie, halfStars: halfStars, day: 0) }
        let dataset = RatingsDataset(table, scale: .netflix)
        var svd = TrainingParameters()
        svd.factors = 2
        svd.epochs = 5
        var job = TrainingJob(dataset: dataset, parameters: svd)
        var ease = RankerParameters(kind: .ease)
        ease.l2 = l2
        job.rankers = [ease]
        job.rankerValidation = nil
        return try job.write(try job.run(), to: path, version: version) { metadata in
            metadata.cutoff = cutoff
            metadata.logPositions = positions
        }
    }
}
