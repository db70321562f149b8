/// Reads any supported ratings file, whatever its kind, into a table.
public enum RatingsFileReader {
    /// Reads `path` (of a ratings kind) and returns what it contributed and its rating scale.
    public static func read(_ path: String, kind: InputKind, policy: BadLinePolicy, into table: inout RatingsTable,
                            progress: (Int) -> Void = { _ in }) throws -> (RatingsReadResult, RatingScale) {
        switch kind {
        case .netflixRatings:
            return (try NetflixRatingsReader(path: path, policy: policy).read(into: &table, progress: progress), .netflix)
        case .delimitedRatings(let layout):
            return (try DelimitedRatingsReader(path: path, layout: layout, policy: policy).read(into: &table, progress: progress), layout.scale)
        case .movieTitles:
            throw InputError(.unknownFormat, file: path, message: "holds movie titles, not ratings")
        }
    }

    /// Reads a ratings file of any supported format and maps its ids onto `dataset`'s dense
    /// indices; customers or movies the data set lacks get `UInt32.max` (unknown to a model).
    public static func readMatching(_ path: String, dataset: RatingsDataset, policy: BadLinePolicy = .fail) throws -> TrainingRatings {
        var table = RatingsTable()
        let (result, _) = try read(path, kind: InputKind.detect(path: path), policy: policy, into: &table)
        guard result.ratings > 0 else { throw InputError(.empty, file: path, message: "contains no ratings") }
        func index(_ ids: [UInt32], _ id: UInt32) -> UInt32 {
            ids.withUnsafeBufferPointer { SortedIds.index(of: id, in: $0).map { UInt32($0) } ?? .max }
        }
        return TrainingRatings(customers: table.customerIds.map { index(dataset.customerIds, $0) },
                               movies: table.movieIds.map { index(dataset.movieIds, $0) },
                               stars: table.halfStars.map { Float($0) * 0.5 },
                               customerCount: dataset.customerCount, movieCount: dataset.movieCount)
    }
}
