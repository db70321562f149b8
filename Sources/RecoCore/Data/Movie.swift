/// A catalogue entry: the movie's id in the rating files, its release year if known, its title.
public struct Movie: Sendable, Equatable, Codable {
    public var id: UInt32
    public var year: Int?
    public var title: String

    public init(id: UInt32, year: Int?, title: String) {
        self.id = id
        self.year = year
        self.title = title
    }
}
