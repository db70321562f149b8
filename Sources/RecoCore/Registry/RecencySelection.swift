import Foundation

/// Chooses a `RecencyWeighting` the way the other hyper-parameters are chosen: on a validation
/// part carved from what the candidate learns (the newest `validationShare` of its exported
/// watches, by time), never on the gate's window. Each weighting fits the ranker on the ratings
/// and the other watches weighted by it; the one whose top 10s find most of the validation
/// watches (NDCG@10, `RankingEvaluator`'s protocol) wins, the first of equals.
public struct RecencySelection: Sendable {
    public var candidates: [RecencyWeighting]
    public var ranker: RankerParameters
    public var validationShare = 0.2

    public init(candidates: [RecencyWeighting], ranker: RankerParameters) {
        self.candidates = candidates
        self.ranker = ranker
    }

    public struct Trial: Sendable, Codable, Equatable {
        public var weighting: RecencyWeighting
        public var validation: RankingMetrics
    }

    /// The choice and every trial, kept in the registry entry.
    public struct Outcome: Sendable, Codable, Equatable {
        public var chosen: RecencyWeighting
        public var trials: [Trial]
        /// Watches in the validation part.
        public var validationWatches: Int
    }

    /// `earlier`: watches learned before the export (prepared, ancestors'); `exported`: the
    /// export's learned watches. Ids must be in `dataset` (as `CandidateTrainer` extends it).
    public func run(_ dataset: RatingsDataset, earlier: [WatchHistoryReader.Watch], exported: [WatchHistoryReader.Watch]) throws(TrainingError) -> Outcome {
        guard let first = candidates.first else { throw .invalidParameter("no recency weighting to choose from") }
        let timed = exported.enumerated().filter { $0.element.watchedAt != nil }
            .sorted { ($0.element.watchedAt!, $0.offset) < ($1.element.watchedAt!, $1.offset) }
        let count = Int((Double(timed.count) * validationShare).rounded(.up))
        guard candidates.count > 1, count > 0 else { return Outcome(chosen: first, trials: [], validationWatches: 0) }
        let heldOut = Set(timed.suffix(count).map(\.offset))
        let fitWatches = earlier + exported.enumerated().filter { !heldOut.contains($0.offset) }.map(\.element)
        let validation = timed.suffix(count).map(\.element)
        let ratings = TrainingRatings(dataset)
        let fit = dataset.denseWatches(fitWatches)
        let held = dataset.denseWatches(validation)
        let test = TrainingRatings(customers: held.map(\.customer), movies: held.map(\.movie), stars: [Float](repeating: 5, count: held.count),
                                   customerCount: dataset.customerCount, movieCount: dataset.movieCount)
        // Scored as a replica scores: the model file keeps a customer's watches at weight 1 in
        // their history, whatever weight the ranker learned them with.
        let pairs = fit.map { ($0.customer, $0.movie) }
        let history = InteractionMatrix(ratings, weighting: ranker.weighting, watches: pairs)
        let evaluator = RankingEvaluator(training: history, test: test, k: 10, relevantThreshold: 4)
        var trials: [Trial] = []
        var best = 0
        for (index, weighting) in candidates.enumerated() {
            let all = weighting.weights(fitWatches)
            let weights = fit.map { all[$0.offset] }
            let matrix = InteractionMatrix(ratings, weighting: ranker.weighting, watches: pairs, watchWeights: weights)
            let trained = try TrainedRanker.train(matrix, parameters: ranker)
            let metrics = evaluator.evaluate(scoreCapacity: trained.scoreCapacity, threads: ranker.threads) { customer, scores in
                trained.score(customer: customer, in: history, into: scores)
            }
            trials.append(Trial(weighting: weighting, validation: metrics))
            if metrics.ndcg > trials[best].validation.ndcg { best = index }
        }
        return Outcome(chosen: candidates[best], trials: trials, validationWatches: held.count)
    }
}
