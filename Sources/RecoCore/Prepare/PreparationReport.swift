/// What `reco prepare` read, kept and wrote; also saved as `summary.json`.
public struct PreparationReport: Sendable, Codable, Equatable {
    public struct Counts: Sendable, Codable, Equatable {
        public var ratings: Int
        public var customers: Int
        public var movies: Int
        public var meanRating: Double
    }

    public struct FileRead: Sendable, Codable, Equatable {
        public var path: String
        public var kind: String
        public var lines: Int
        public var records: Int
        public var skippedLines: Int
        public var skippedExamples: [String]
    }

    public var files: [FileRead] = []
    /// Files inside input directories that were not recognised and left alone.
    public var ignoredFiles: [String] = []
    public var read = Counts(ratings: 0, customers: 0, movies: 0, meanRating: 0)
    public var kept = Counts(ratings: 0, customers: 0, movies: 0, meanRating: 0)
    public var trimming: Trimmer.Outcome?
    public var moviePercentile: Double?
    public var customerPercentile: Double?
    public var ratingScale: RatingScale = .netflix
    public var titles = 0
    public var keptMoviesWithoutTitle = 0
    /// Checksum of the kept ratings: models record it to name the data they were trained on.
    public var dataFingerprint = ""
    public var outputs: [String] = []
    public var seconds = 0.0

    public var skippedLines: Int { files.reduce(0) { $0 + $1.skippedLines } }
}
