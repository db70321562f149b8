/// What a model file records about its ranker, shown by `GET /v1/model`.
public struct RankerMetadata: Sendable, Codable, Equatable {
    public var parameters: RankerParameters
    public var trainingSeconds: Double
    /// Interactions with a positive weight that it learned from.
    public var interactions: Int
    /// The metric and split that chose it, e.g. "NDCG@10 on a random 20% validation split of training".
    public var chosenBy: String?
    /// The chosen ranker's figures on the validation split (nil when it was not validated).
    public var validation: RankingMetrics?
    /// Every candidate's validation figures, the chosen one included.
    public var candidates: [RankerSelection.Trial]

    public init(parameters: RankerParameters, trainingSeconds: Double, interactions: Int, chosenBy: String?,
                validation: RankingMetrics?, candidates: [RankerSelection.Trial]) {
        self.parameters = parameters
        self.trainingSeconds = trainingSeconds
        self.interactions = interactions
        self.chosenBy = chosenBy
        self.validation = validation
        self.candidates = candidates
    }

    enum CodingKeys: String, CodingKey {
        case parameters, interactions, candidates, validation
        case trainingSeconds = "training_seconds"
        case chosenBy = "chosen_by"
    }
}
