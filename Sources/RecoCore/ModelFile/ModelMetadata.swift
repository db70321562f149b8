/// The descriptive part of a model file, stored as JSON inside it and shown by `GET /v1/model`.
public struct ModelMetadata: Sendable, Codable, Equatable {
    public var algorithm = "biased matrix factorisation, SGD (Surprise SVD semantics)"
    /// `<creation time>-<data fingerprint prefix>`, e.g. `20261125T180312Z-5955e1d9`.
    public var version: String
    public var createdAt: String
    public var parameters: TrainingParameters
    public var dataFingerprint: String
    public var trainingRatings: Int
    public var holdoutRatings: Int
    public var trainRMSE: Double?
    public var holdoutRMSE: Double?
    public var holdoutMAE: Double?
    public var trainingSeconds: Double
    public var epochs: [EpochReport]
    /// The implicit-feedback ranker that orders recommendations; nil in SVD-only models.
    public var ranker: RankerMetadata?
    /// The registry version it was trained to replace (nil: the first, or trained outside a registry).
    public var parentVersion: String?
    /// The newest event it learned from (ISO 8601): replicas fold in the watches after it. nil:
    /// it learned from ratings only, and its creation time is the cutoff.
    public var cutoff: String?
    /// Where in the watch log its learning stopped (exact, where a replica reads the same log).
    public var logPositions: LogPositions?
    /// Watches it learned from beside the ratings, and the movies only watches or the catalogue brought.
    public var trainingWatches: Int?
    public var newMovies: Int?

    /// The time replicas fold in watches after: the newest event it learned from, else its creation.
    public var effectiveCutoff: String { cutoff ?? createdAt }

    public init(version: String, createdAt: String, parameters: TrainingParameters, dataFingerprint: String,
                trainingRatings: Int, holdoutRatings: Int, trainRMSE: Double?, holdoutRMSE: Double?, holdoutMAE: Double?,
                trainingSeconds: Double, epochs: [EpochReport]) {
        self.version = version
        self.createdAt = createdAt
        self.parameters = parameters
        self.dataFingerprint = dataFingerprint
        self.trainingRatings = trainingRatings
        self.holdoutRatings = holdoutRatings
        self.trainRMSE = trainRMSE
        self.holdoutRMSE = holdoutRMSE
        self.holdoutMAE = holdoutMAE
        self.trainingSeconds = trainingSeconds
        self.epochs = epochs
    }
}
