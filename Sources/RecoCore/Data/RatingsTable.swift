/// Ratings as read from input files, one column per field, ids as they appear in the files.
///
/// Ratings are stored in half stars (`7` is 3.5 stars) so Netflix's whole stars and
/// MovieLens's half stars share one exact, one-byte representation.
/// Days count from 1970-01-01; 0 means the input carried no date.
public struct RatingsTable: Sendable, Equatable {
    public var customerIds: [UInt32] = []
    public var movieIds: [UInt32] = []
    public var halfStars: [UInt8] = []
    public var days: [UInt16] = []

    public init() {}

    public var count: Int { customerIds.count }
    public var isEmpty: Bool { customerIds.isEmpty }

    /// Reserves room for `count` ratings. Untouched capacity costs address space, not memory,
    /// so callers may over-estimate.
    public mutating func reserveCapacity(_ count: Int) {
        customerIds.reserveCapacity(count)
        movieIds.reserveCapacity(count)
        halfStars.reserveCapacity(count)
        days.reserveCapacity(count)
    }

    @inline(__always)
    public mutating func append(customer: UInt32, movie: UInt32, halfStars stars: UInt8, day: UInt16) {
        customerIds.append(customer)
        movieIds.append(movie)
        halfStars.append(stars)
        days.append(day)
    }
}
