/// One row of `movies`: a title and year, stored once and joined by the views.
public struct MovieRow: Sendable, Equatable, Hashable {
    public var movieId: UInt32
    public var title: String?
    public var year: Int?

    public init(movieId: UInt32, title: String?, year: Int?) {
        self.movieId = movieId
        self.title = title
        self.year = year
    }
}
