/// Where the fields of a delimited ratings file are: the seed's CSV and MovieLens's files.
public struct DelimitedRatingsLayout: Sendable, Equatable {
    public var name: String
    public var delimiter: UInt8
    /// Header names in file order, or nil for a file without a header line.
    public var header: [String]?
    public var customerColumn: Int
    public var movieColumn: Int
    public var ratingColumn: Int
    /// A Unix-time column, turned into the rating's day.
    public var timestampColumn: Int?
    public var scale: RatingScale

    /// The seed's `data_cleaned.csv`: `Cust_Id,Rating,Movie_Id`, ratings written as `3.0`.
    public static let seed = DelimitedRatingsLayout(
        name: "seed ratings CSV", delimiter: UInt8(ascii: ","), header: ["Cust_Id", "Rating", "Movie_Id"],
        customerColumn: 0, movieColumn: 2, ratingColumn: 1, timestampColumn: nil, scale: .netflix)

    /// MovieLens `ratings.csv`: `userId,movieId,rating,timestamp`, half stars.
    public static let movieLensCSV = DelimitedRatingsLayout(
        name: "MovieLens ratings.csv", delimiter: UInt8(ascii: ","), header: ["userId", "movieId", "rating", "timestamp"],
        customerColumn: 0, movieColumn: 1, ratingColumn: 2, timestampColumn: 3, scale: .movieLens)

    /// MovieLens 100k `u.data`: tab-separated `user item rating timestamp`, no header.
    public static let movieLensUData = DelimitedRatingsLayout(
        name: "MovieLens u.data", delimiter: ByteParsing.tab, header: nil,
        customerColumn: 0, movieColumn: 1, ratingColumn: 2, timestampColumn: 3, scale: .netflix)

    var columnCount: Int { max(customerColumn, movieColumn, ratingColumn, timestampColumn ?? 0) + 1 }

    func fieldName(_ column: Int) -> String {
        if let header, column < header.count { return header[column] }
        switch column {
        case customerColumn: return "user"
        case movieColumn: return "item"
        case ratingColumn: return "rating"
        default: return "timestamp"
        }
    }

    /// The seed layout with columns found by name, so reordered columns still read.
    static func seed(fromHeader names: [String]) -> DelimitedRatingsLayout? {
        guard let customer = names.firstIndex(of: "Cust_Id"), let rating = names.firstIndex(of: "Rating"),
              let movie = names.firstIndex(of: "Movie_Id") else { return nil }
        var layout = seed
        layout.header = names
        layout.customerColumn = customer
        layout.ratingColumn = rating
        layout.movieColumn = movie
        return layout
    }
}
