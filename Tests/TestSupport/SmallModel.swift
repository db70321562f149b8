import Foundation
import RecoCore

/// A model file over 60 customers (ids 1000…1059) and 40 movies (ids 7001…7040) with a
/// catalogue, trained in a second: what the stream services' tests recommend from. The movie ids
/// are this model's own, so its titles never meet other tests' in the shared `movies` table.
public enum SmallModel {
    public static let firstMovieId = 7_001

    public static func make(epochs: Int = 5) throws -> (recommender: Recommender, catalog: MovieCatalog, path: String) {
        var table = RatingsTable()
        var random = SplitMix64(seed: 3)
        for customer in 0..<60 {
            for movie in 1...40 where random.nextUnit() < 0.3 {
                table.append(customer: UInt32(1_000 + customer), movie: UInt32(firstMovieId - 1 + movie), halfStars: UInt8(2 + random.next(below: 9)), day: 0)
            }
        }
        var parameters = TrainingParameters()
        parameters.factors = 8
        parameters.epochs = epochs
        let job = TrainingJob(dataset: RatingsDataset(table, scale: .netflix), parameters: parameters)
        let path = NSTemporaryDirectory() + "small-\(UUID().uuidString).recomodel"
        try job.write(try job.run(), to: path)
        let catalog = MovieCatalog((1...40).map { Movie(id: UInt32(firstMovieId - 1 + $0), year: $0 % 7 == 0 ? nil : 1990 + $0, title: "Movie \"\($0)\", the") })
        return (Recommender(model: try RecoModel(path: path)), catalog, path)
    }
}
