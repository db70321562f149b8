/// Ratings with dense customer and movie indices, the form training and the store use.
///
/// `customerIds[c]` and `movieIds[m]` give back the original ids; both are ascending.
public struct RatingsDataset: Sendable, Equatable {
    public var customerIds: [UInt32]
    public var movieIds: [UInt32]
    /// Per rating: dense customer index, dense movie index, half stars, day (0 = unknown).
    public var customerIndex: [UInt32]
    public var movieIndex: [UInt32]
    public var halfStars: [UInt8]
    public var days: [UInt16]
    public var scale: RatingScale

    public init(customerIds: [UInt32], movieIds: [UInt32], customerIndex: [UInt32], movieIndex: [UInt32],
                halfStars: [UInt8], days: [UInt16], scale: RatingScale) {
        self.customerIds = customerIds
        self.movieIds = movieIds
        self.customerIndex = customerIndex
        self.movieIndex = movieIndex
        self.halfStars = halfStars
        self.days = days
        self.scale = scale
    }

    /// Takes over the table's columns, rewriting ids to dense indices in place.
    public init(_ table: consuming RatingsTable, scale: RatingScale) {
        var customers = table.customerIds
        var movies = table.movieIds
        table.customerIds = []
        table.movieIds = []
        let customerIds = DenseIds.densify(&customers)
        let movieIds = DenseIds.densify(&movies)
        self.init(customerIds: customerIds, movieIds: movieIds, customerIndex: customers, movieIndex: movies,
                  halfStars: table.halfStars, days: table.days, scale: scale)
    }

    public var count: Int { halfStars.count }
    public var customerCount: Int { customerIds.count }
    public var movieCount: Int { movieIds.count }

    /// The rating in stars.
    @inline(__always)
    public func rating(at index: Int) -> Float { Float(halfStars[index]) * 0.5 }

    public var meanRating: Double {
        guard count > 0 else { return 0 }
        var sum = 0
        for stars in halfStars { sum += Int(stars) }
        return Double(sum) / Double(count) / 2
    }

    /// Ratings per customer and per movie.
    public func counts() -> (customers: [UInt32], movies: [UInt32]) {
        var customers = [UInt32](repeating: 0, count: customerCount)
        var movies = [UInt32](repeating: 0, count: movieCount)
        for index in 0..<count {
            customers[Int(customerIndex[index])] += 1
            movies[Int(movieIndex[index])] += 1
        }
        return (customers, movies)
    }

    /// Keeps the ratings for which `keep(customerIndex, movieIndex)` is true and renumbers
    /// customers and movies so that those left without ratings disappear. Works in place.
    public mutating func retain(where keep: (_ customer: UInt32, _ movie: UInt32) -> Bool) {
        var kept = 0
        for index in 0..<count where keep(customerIndex[index], movieIndex[index]) {
            customerIndex[kept] = customerIndex[index]
            movieIndex[kept] = movieIndex[index]
            halfStars[kept] = halfStars[index]
            days[kept] = days[index]
            kept += 1
        }
        let removed = count - kept
        customerIndex.removeLast(removed)
        movieIndex.removeLast(removed)
        halfStars.removeLast(removed)
        days.removeLast(removed)
        customerIds = Self.renumber(&customerIndex, ids: customerIds)
        movieIds = Self.renumber(&movieIndex, ids: movieIds)
    }

    private static func renumber(_ indices: inout [UInt32], ids: [UInt32]) -> [UInt32] {
        var newIndex = [UInt32](repeating: .max, count: ids.count)
        for index in indices { newIndex[Int(index)] = 0 }
        var remaining: [UInt32] = []
        for old in ids.indices where newIndex[old] == 0 {
            newIndex[old] = UInt32(remaining.count)
            remaining.append(ids[old])
        }
        for position in indices.indices { indices[position] = newIndex[Int(indices[position])] }
        return remaining
    }
}

extension RatingsDataset {
    /// A hex checksum of the whole data set, recorded in models to name their training data.
    public func fingerprint() -> String {
        var checksum = Checksum64()
        checksum.update(customerIds)
        checksum.update(movieIds)
        checksum.update(customerIndex)
        checksum.update(movieIndex)
        checksum.update(halfStars)
        let hex = String(checksum.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension RatingsDataset {
    /// The same ratings with more customers and movies in the id maps: customers who only
    /// watched, movies only watches or an updated catalogue know. Ids stay ascending; the rating
    /// columns are renumbered onto the merged maps.
    public func includingIds(customers: some Sequence<UInt32>, movies: some Sequence<UInt32>) -> RatingsDataset {
        let (newCustomerIds, customerMap) = Self.merged(customerIds, customers)
        let (newMovieIds, movieMap) = Self.merged(movieIds, movies)
        return RatingsDataset(customerIds: newCustomerIds, movieIds: newMovieIds,
                              customerIndex: customerMap.isEmpty ? customerIndex : customerIndex.map { customerMap[Int($0)] },
                              movieIndex: movieMap.isEmpty ? movieIndex : movieIndex.map { movieMap[Int($0)] },
                              halfStars: halfStars, days: days, scale: scale)
    }

    /// `ids` (ascending) merged with the ids of `extra` they lack, and each old index's new
    /// index (empty when nothing was added).
    private static func merged(_ ids: [UInt32], _ extra: some Sequence<UInt32>) -> (ids: [UInt32], oldToNew: [UInt32]) {
        let added = ids.withUnsafeBufferPointer { buffer in Set(extra).filter { SortedIds.index(of: $0, in: buffer) == nil } }.sorted()
        guard !added.isEmpty else { return (ids, []) }
        var merged: [UInt32] = []
        merged.reserveCapacity(ids.count + added.count)
        var oldToNew = [UInt32](repeating: 0, count: ids.count)
        var i = 0
        var j = 0
        while i < ids.count || j < added.count {
            if j == added.count || (i < ids.count && ids[i] < added[j]) {
                oldToNew[i] = UInt32(merged.count)
                merged.append(ids[i])
                i += 1
            } else {
                merged.append(added[j])
                j += 1
            }
        }
        return (merged, oldToNew)
    }
}
