import Foundation
import RecoCore
import Synchronization

/// A model file over 60 customers (ids 1000…1059) and 40 movies (ids 7001…7040) with a
/// catalogue: what the stream services' tests recommend from. The movie ids are this model's
/// own, so its titles never meet other tests' in the shared `movies` table. Trained once per test
/// process, off the cooperative pool, and shared.
public enum SmallModel {
    public static let firstMovieId = 7_001

    public struct Trained: Sendable {
        public let recommender: Recommender
        public let catalog: MovieCatalog
        public let path: String
    }

    private static let shared = Mutex<Task<Trained, any Error>?>(nil)

    public static func make() async throws -> (recommender: Recommender, catalog: MovieCatalog, path: String) {
        let task = shared.withLock { existing in
            if let existing { return existing }
            let task = Task { try await offPool { try train() } }
            existing = task
            return task
        }
        let model = try await task.value
        return (model.recommender, model.catalog, model.path)
    }

    private static func train() throws -> Trained {
        var table = RatingsTable()
        var random = SplitMix64(seed: 3)
        for customer in 0..<60 {
            for movie in 1...40 where random.nextUnit() < 0.3 {
                table.append(customer: UInt32(1_000 + customer), movie: UInt32(firstMovieId - 1 + movie), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        var parameters = TrainingParameters()
        parameters.factors = 8
        parameters.epochs = 5
        let job = TrainingJob(dataset: RatingsDataset(table, scale: .netflix), parameters: parameters)
        let path = NSTemporaryDirectory() + "small-\(UUID().uuidString).recomodel"
        try job.write(try job.run(), to: path)
        let catalog = MovieCatalog((1...40).map { Movie(id: UInt32(firstMovieId - 1 + $0), year: $0 % 7 == 0 ? nil : 1990 + $0, title: "Movie \"\($0)\", the") })
        return Trained(recommender: Recommender(model: try RecoModel(path: path)), catalog: catalog, path: path)
    }
}
