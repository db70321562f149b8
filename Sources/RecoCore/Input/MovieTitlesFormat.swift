/// The movie-title files the catalogue can be built from.
public enum MovieTitlesFormat: String, Sendable, CaseIterable {
    /// Netflix Prize `movie_titles.csv`: `MovieID,YearOfRelease,Title`, no header, ISO-8859-1,
    /// year may be `NULL`, the title may hold commas.
    case netflix
    /// The seed's `data_reco.csv` / `movie_titles.csv`: header `Movie_Id,Year,Name`, year as `2003.0`.
    case seed
    /// MovieLens `movies.csv`: `movieId,title,genres`, the year inside the title: `Heat (1995)`.
    case movieLensCSV
    /// MovieLens 100k `u.item`: `id|title|release date|…`, ISO-8859-1.
    case movieLensItem

    var hasHeader: Bool { self == .seed || self == .movieLensCSV }

    var defaultEncoding: TextEncoding {
        switch self {
        case .netflix: return .auto
        case .seed, .movieLensCSV: return .utf8
        case .movieLensItem: return .latin1
        }
    }
}
