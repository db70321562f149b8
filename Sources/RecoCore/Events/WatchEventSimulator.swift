import Foundation

/// Invents realistic "customer is watching" events from a prepared data set: customers are
/// drawn in proportion to how much they rate, movies in proportion to their popularity.
/// Deterministic for a seed (event ids too), apart from the timestamps it is given.
public struct WatchEventSimulator: Sendable {
    private let customers: AliasTable
    private let movies: AliasTable
    private let customerIds: [UInt32]
    private let movieIds: [UInt32]
    private let catalog: MovieCatalog
    private var random: SplitMix64
    private var produced: UInt64 = 0
    private let runId: String

    public init(dataset: RatingsDataset, catalog: MovieCatalog, seed: UInt64) {
        let (customerCounts, movieCounts) = dataset.counts()
        customers = AliasTable(weights: customerCounts.map { Double($0) })
        movies = AliasTable(weights: movieCounts.map { Double($0) })
        customerIds = dataset.customerIds
        movieIds = dataset.movieIds
        self.catalog = catalog
        random = SplitMix64(seed: seed)
        var idSource = SplitMix64(seed: seed, stream: 99)
        runId = String(UInt32(truncatingIfNeeded: idSource.next()), radix: 16)
    }

    /// The next event, stamped `watchedAt` (RFC 3339; see `WatchEvent.timestamp`).
    public mutating func next(watchedAt: String) -> WatchEvent {
        let customer = customerIds[customers.sample(&random)]
        let movie = movieIds[movies.sample(&random)]
        produced += 1
        let entry = catalog[movie]
        return WatchEvent(eventId: "sim-\(runId)-\(produced)", customerId: customer, movieId: movie, title: entry?.title,
                          year: entry?.year, watchedAt: watchedAt, source: "simulator")
    }
}
