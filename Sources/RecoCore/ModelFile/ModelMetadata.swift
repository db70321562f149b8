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
