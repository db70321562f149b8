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
    }

    public let dataset: RatingsDataset
    public let parameters: TrainingParameters
    public let holdout: Holdout
    public let dataFingerprint: String
    /// Measure the holdout after every epoch (for the learning curve), not only at the end.
    public var holdoutEveryEpoch = false

    public init(dataset: RatingsDataset, parameters: TrainingParameters, holdout: Holdout = .none, dataFingerprint: String? = nil) {
        self.dataset = dataset
        self.parameters = parameters
        self.holdout = holdout
        self.dataFingerprint = dataFingerprint ?? dataset.fingerprint()
    }

    public func run(observe: SGDTrainer.EpochObserver = { _ in }) throws(TrainingError) -> Outcome {
        let training: TrainingRatings
        let test: TrainingRatings?
        switch holdout {
        case .none:
            training = TrainingRatings(dataset)
            test = nil
        case .fraction(let fraction, let seed):
            let split = DataSplit.holdout(count: dataset.count, fraction: fraction, seed: seed)
            training = TrainingRatings(dataset, rows: split.train)
            test = TrainingRatings(dataset, rows: split.test)
        case .ratings(let ratings):
            training = TrainingRatings(dataset)
            test = ratings
        }
        let started = ContinuousClock.now
        let (model, epochs) = try SGDTrainer(parameters: parameters).train(training, scale: dataset.scale, holdout: test,
                                                                      holdoutEveryEpoch: holdoutEveryEpoch, observe: observe)
        let seconds = (ContinuousClock.now - started).seconds
        // The last epoch already measured the holdout with the final parameters.
        let accuracy = epochs.last.flatMap { report in
            report.holdoutRMSE.map { Accuracy(rmse: $0, mae: report.holdoutMAE ?? 0, count: test?.count ?? 0) }
        } ?? test.map { Accuracy.measure(model, on: $0) }
        return Outcome(model: model, epochs: epochs, training: training, holdoutCount: test?.count ?? 0, holdout: accuracy, seconds: seconds)
    }

    /// Writes the trained model, its ids and metadata to `path` (atomically) and returns the metadata.
    @discardableResult
    public func write(_ outcome: Outcome, to path: String, now: Date = Date()) throws(FileFormatError) -> ModelMetadata {
        let metadata = ModelMetadata(
            version: Self.version(now: now, fingerprint: dataFingerprint),
            createdAt: ISO8601DateFormatter().string(from: now),
            parameters: parameters, dataFingerprint: dataFingerprint,
            trainingRatings: outcome.training.count, holdoutRatings: outcome.holdoutCount,
            trainRMSE: outcome.epochs.last?.trainRMSE, holdoutRMSE: outcome.holdout?.rmse, holdoutMAE: outcome.holdout?.mae,
            trainingSeconds: outcome.seconds, epochs: outcome.epochs)
        try ModelFileWriter.write(outcome.model, customerIds: dataset.customerIds, movieIds: dataset.movieIds,
                                  ratings: outcome.training, metadata: metadata, to: path)
        return metadata
    }

    /// `20261125T180312Z-5955e1d9`: when it was made and from which data.
    static func version(now: Date, fingerprint: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: now) + "-" + fingerprint.prefix(8)
    }
}
