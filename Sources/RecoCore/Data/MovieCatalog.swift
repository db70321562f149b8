/// Movies by id: titles and years for display. Written as the seed's `Movie_Id,Year,Name` CSV.
public struct MovieCatalog: Sendable, Equatable {
    public private(set) var movies: [Movie] = []
    private var positionById: [UInt32: Int] = [:]

    public init() {}

    public init(_ movies: [Movie]) {
        for movie in movies { insert(movie) }
    }

    public var count: Int { movies.count }

    public subscript(id: UInt32) -> Movie? {
        positionById[id].map { movies[$0] }
    }

    /// Adds or replaces (later sources win) a movie.
    public mutating func insert(_ movie: Movie) {
        if let position = positionById[movie.id] {
            movies[position] = movie
        } else {
            positionById[movie.id] = movies.count
            movies.append(movie)
        }
    }

    /// UTF-8 CSV with header `Movie_Id,Year,Name`, ordered by id; unknown years are empty.
    public func csv() -> String {
        var text = "Movie_Id,Year,Name\n"
        for movie in movies.sorted(by: { $0.id < $1.id }) {
            text += "\(movie.id),\(movie.year.map(String.init) ?? ""),\(CSVLine.escape(movie.title))\n"
        }
        return text
    }

    public func write(to path: String) throws(FileFormatError) {
        try AtomicFile.write(csv(), to: path)
    }

    /// Reads a catalogue written by `write(to:)` (or the seed's own titles CSV).
    public static func load(path: String) throws -> MovieCatalog {
        MovieCatalog(try MovieTitlesReader(path: path, format: .seed).read().movies)
    }
}
