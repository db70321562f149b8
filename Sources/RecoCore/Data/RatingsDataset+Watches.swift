/// Watches on a data set's dense indices.
extension RatingsDataset {
    /// Each watch whose customer and movie the data set has, with its position in `watches`;
    /// the others are left out (fold-in serves them).
    public func denseWatches(_ watches: [WatchHistoryReader.Watch]) -> [(offset: Int, customer: UInt32, movie: UInt32)] {
        customerIds.withUnsafeBufferPointer { customers in
            movieIds.withUnsafeBufferPointer { movies in
                watches.enumerated().compactMap { offset, watch in
                    guard let customer = SortedIds.index(of: watch.customerId, in: customers),
                          let movie = SortedIds.index(of: watch.movieId, in: movies) else { return nil }
                    return (offset, UInt32(customer), UInt32(movie))
                }
            }
        }
    }
}
