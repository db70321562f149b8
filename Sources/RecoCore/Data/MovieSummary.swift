/// Per-movie rating count and mean, like the seed's `movie_summary.csv`.
public struct MovieSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var movieId: UInt32
        public var count: Int
        public var mean: Double
    }

    public var rows: [Row]

    public init(_ dataset: RatingsDataset) {
        var counts = [Int](repeating: 0, count: dataset.movieCount)
        var sums = [Int](repeating: 0, count: dataset.movieCount)
        for index in 0..<dataset.count {
            let movie = Int(dataset.movieIndex[index])
            counts[movie] += 1
            sums[movie] += Int(dataset.halfStars[index])
        }
        rows = dataset.movieIds.indices.map {
            Row(movieId: dataset.movieIds[$0], count: counts[$0], mean: Double(sums[$0]) / Double(max(counts[$0], 1)) / 2)
        }
    }

    /// `Movie_Id,count,mean` with the mean to six decimals.
    public func csv() -> String {
        var text = "Movie_Id,count,mean\n"
        text.reserveCapacity(rows.count * 24)
        for row in rows {
            text += "\(row.movieId),\(row.count),\(Decimals.format(row.mean, places: 6))\n"
        }
        return text
    }
}
