import TestSupport
@testable import RecoCore

/// A synthetic data set made by `reco synth`'s generator and read back, for ranking tests.
enum SyntheticRatings {
    static func make(customers: Int = 1_000, movies: Int = 150, ratings: Int = 15_000, seed: UInt64 = 11,
                     selectionStrength: Double = 1.5) throws -> RatingsDataset {
        var config = SyntheticDataConfig()
        config.customers = customers
        config.movies = movies
        config.ratings = ratings
        config.seed = seed
        config.files = 1
        config.selectionStrength = selectionStrength
        let directory = TemporaryDirectory()
        let summary = try SyntheticDataGenerator(config: config).write(to: directory.path)
        var table = RatingsTable()
        for file in summary.files { _ = try NetflixRatingsReader(path: file).read(into: &table) }
        return RatingsDataset(table, scale: .netflix)
    }
}
