import Foundation

/// One `reco train` run: split off a holdout if asked, train, measure, write the model file.
public struct TrainingJob: Sendable {
    public enum Holdout: Sendable {
        case none
        /// A seeded random share of the ratings (Surprise's `train_test_split(test_size:)`).
        case fraction(Double, seed: UInt64)
        /// Explicit test ratings, mapped onto the data set's ids.
        case ratings(TrainingRatings)
    }

    public struct Outcome: Sendable {
        public var model: FactorModel
        public var epochs: [EpochReport]
        public var training: TrainingRatings
        public var holdoutCount: Int
        public var holdout: Accuracy?
        public var seconds: Double
        /// The ranker fitted on the same training ratings, and how it was chosen.
        public var ranker: TrainedRanker?
        public var rankerMetadata: RankerMetadata?
        /// `watches` on the data set's dense indices, as the ranker learned them and the file keeps them.
        public var watches: [(customer: UInt32, movie: UInt32)] = []
        /// Each of `watches`' weight in the ranker's feedback.
        public var watchWeights: [Float] = []
    }

    /// Progress of the ranker stage, for terminals and logs.
    public enum RankerStage: Sendable {
        case validated(done: Int, total: Int, RankerSelection.Trial)
        case fitted(TrainedRanker)
    }

    public let dataset: RatingsDataset
    public let parameters: TrainingParameters
    public let holdout: Holdout
    public let dataFingerprint: String
    /// Measure the holdout after every epoch (for the learning curve), not only at the end.
    public var holdoutEveryEpoch = false
    /// Ranker candidates; with more than one (or with `rankerValidation`), the best by NDCG on
    /// a validation split of the training rows is fitted on all training rows. Empty: SVD only.
    public var rankers: [RankerParameters] = []
    /// How the validation split is carved from training; nil fits the first candidate unvalidated.
    public var rankerValidation: RankingSplit? = .fraction(0.2, seed: 0)
    /// Watches without a rating (the `watch_events` history): implicit feedback for the ranker,
    /// at the weights `recency` gives (1 by default), beside the ratings; the SVD learns from ratings only. (The validation that
    /// chooses the ranker uses the ratings alone.)
    public var watches: [WatchHistoryReader.Watch] = []
    /// The watches' weights by age (the learning loop's choice); `.none`: all at weight 1.
    public var recency = RecencyWeighting.none
    /// Movies an updated catalogue adds that nothing rated or watched yet: kept in the model's id
    /// map (with zero rows) so that fold-in and the catalogue's rows know them.
    public var extraMovieIds: [UInt32] = []

    public init(dataset: RatingsDataset, parameters: TrainingParameters, holdout: Holdout = .none, dataFingerprint: String? = nil) {
        self.dataset = dataset
        self.parameters = parameters
        self.holdout = holdout
        self.dataFingerprint = dataFingerprint ?? dataset.fingerprint()
    }

    public func run(observe: SGDTrainer.EpochObserver = { _ in }, rankerProgress: (RankerStage) -> Void = { _ in }) throws(TrainingError) -> Outcome {
        let training: TrainingRatings
        let test: TrainingRatings?
        let trainingRows: [Int]
        switch holdout {
        case .none:
            training = TrainingRatings(dataset)
            test = nil
            trainingRows = Array(0..<dataset.count)
        case .fraction(let fraction, let seed):
            let split = DataSplit.holdout(count: dataset.count, fraction: fraction, seed: seed)
            training = TrainingRatings(dataset, rows: split.train)
            test = TrainingRatings(dataset, rows: split.test)
            trainingRows = split.train
        case .ratings(let ratings):
            training = TrainingRatings(dataset)
            test = ratings
            trainingRows = Array(0..<dataset.count)
        }
        let started = ContinuousClock.now
        let (model, epochs) = try SGDTrainer(parameters: parameters).train(training, scale: dataset.scale, holdout: test,
                                                                      holdoutEveryEpoch: holdoutEveryEpoch, observe: observe)
        let seconds = (ContinuousClock.now - started).seconds
        // The last epoch already measured the holdout with the final parameters.
        let accuracy = epochs.last.flatMap { report in
            report.holdoutRMSE.map { Accuracy(rmse: $0, mae: report.holdoutMAE ?? 0, count: test?.count ?? 0) }
        } ?? test.map { Accuracy.measure(model, on: $0) }
        var outcome = Outcome(model: model, epochs: epochs, training: training, holdoutCount: test?.count ?? 0, holdout: accuracy, seconds: seconds)
        (outcome.watches, outcome.watchWeights) = denseWatches()
        if !rankers.isEmpty {
            let (ranker, metadata) = try fitRanker(training, rows: trainingRows, watches: outcome.watches, weights: outcome.watchWeights,
                                                   progress: rankerProgress)
            outcome.ranker = ranker
            outcome.rankerMetadata = metadata
        }
        return outcome
    }

    private func fitRanker(_ training: TrainingRatings, rows: [Int], watches: [(customer: UInt32, movie: UInt32)], weights: [Float],
                           progress: (RankerStage) -> Void) throws(TrainingError) -> (TrainedRanker, RankerMetadata) {
        var chosen = rankers[0]
        var trials: [RankerSelection.Trial] = []
        var chosenBy: String?
        var validation: RankingMetrics?
        if let split = rankerValidation {
            var selection = RankerSelection(candidates: rankers, validation: split)
            selection.threads = parameters.threads
            let outcome = try selection.run(dataset, training: rows) { done, total, trial in
                progress(.validated(done: done, total: total, trial))
            }
            chosen = rankers[outcome.best]
            trials = outcome.trials
            validation = outcome.bestTrial.validation
            chosenBy = "\(selection.metric.rawValue)@\(selection.k) on a validation split (\(split.summary)) of the training ratings"
        }
        chosen.threads = parameters.threads
        let matrix = InteractionMatrix(training, weighting: chosen.weighting, watches: watches, watchWeights: weights)
        let ranker = try TrainedRanker.train(matrix, parameters: chosen)
        progress(.fitted(ranker))
        let metadata = RankerMetadata(parameters: chosen, trainingSeconds: ranker.seconds, interactions: matrix.count,
                                      chosenBy: chosenBy, validation: validation, candidates: trials)
        return (ranker, metadata)
    }

    /// `watches` on the data set's dense indices with their weights; watches of customers or
    /// movies it does not have are left out (fold-in serves them).
    private func denseWatches() -> (pairs: [(customer: UInt32, movie: UInt32)], weights: [Float]) {
        let weights = recency.weights(watches)
        let dense = dataset.denseWatches(watches)
        return (dense.map { ($0.customer, $0.movie) }, dense.map { weights[$0.offset] })
    }

    /// Writes the trained model, its ids and metadata to `path` (atomically) and returns the metadata.
    @discardableResult
    public func write(_ outcome: Outcome, to path: String, now: Date = Date(), version: String? = nil,
                      annotate: (inout ModelMetadata) -> Void = { _ in }) throws(FileFormatError) -> ModelMetadata {
        var metadata = ModelMetadata(
            version: version ?? Self.version(now: now, fingerprint: dataFingerprint),
            createdAt: ISO8601DateFormatter().string(from: now),
            parameters: parameters, dataFingerprint: dataFingerprint,
            trainingRatings: outcome.training.count, holdoutRatings: outcome.holdoutCount,
            trainRMSE: outcome.epochs.last?.trainRMSE, holdoutRMSE: outcome.holdout?.rmse, holdoutMAE: outcome.holdout?.mae,
            trainingSeconds: outcome.seconds, epochs: outcome.epochs)
        metadata.ranker = outcome.rankerMetadata
        annotate(&metadata)
        let extra = dataset.movieIds.withUnsafeBufferPointer { movies in Set(extraMovieIds.compactMap { SortedIds.index(of: $0, in: movies) }) }
        try ModelFileWriter.write(outcome.model, customerIds: dataset.customerIds, movieIds: dataset.movieIds,
                                  ratings: outcome.training, watches: outcome.watches, ranker: outcome.ranker,
                                  weighting: outcome.ranker?.parameters.weighting ?? FeedbackWeighting(),
                                  extraMovies: extra, metadata: metadata, to: path)
        return metadata
    }

    /// `20261125T180312Z-5955e1d9`: when it was made and from which data.
    public static func version(now: Date, fingerprint: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: now) + "-" + fingerprint.prefix(8)
    }
}
