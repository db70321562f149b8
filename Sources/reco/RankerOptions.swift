import ArgumentParser
import Foundation
import RecoCore

/// Hyper-parameters of the implicit-feedback ranker, shared by train, evaluate and tune.
struct RankerOptions: ParsableArguments {
    @Option(help: "Ranker(s): ease, ials, or a comma-separated list (evaluate compares them; train picks the best on a validation split).")
    var ranker: ListOption<RankerKind> = ListOption([.ease, .ials])

    @Option(help: "EASE: L2 regularisation λ.")
    var easeLambda: Float = 250

    @Option(help: "iALS: latent factors.")
    var alsFactors = 64

    @Option(help: "iALS: alternating iterations.")
    var alsIterations = 15

    @Option(help: "iALS: regularisation λ.")
    var alsRegularization: Float = 20

    @Option(help: "iALS: exponent ν of the frequency-scaled regularisation λ·(n / mean n)^ν; 0 for plain λ.")
    var alsRegularizationExponent: Float = 0.5

    @Option(help: "iALS: confidence scale α (confidence = 1 + α·weight).")
    var alsAlpha: Float = 2

    @Option(help: "iALS: conjugate-gradient steps per row solve.")
    var alsCgSteps = 3

    @Option(help: "Stars at which a rating stops counting as positive feedback (weight 0 at or below).")
    var feedbackZeroAt: Float = 2

    @Option(help: "Stars from which a rating counts fully as positive feedback (weight 1).")
    var feedbackFullAt: Float = 4

    func parameters(_ kind: RankerKind, seed: UInt64, threads: Int) -> RankerParameters {
        var parameters = RankerParameters(kind: kind)
        parameters.l2 = easeLambda
        parameters.factors = alsFactors
        parameters.iterations = alsIterations
        parameters.regularization = alsRegularization
        parameters.alpha = alsAlpha
        parameters.regularizationExponent = alsRegularizationExponent
        parameters.conjugateGradientSteps = alsCgSteps
        parameters.weighting = FeedbackWeighting(zeroAt: feedbackZeroAt, fullAt: feedbackFullAt)
        parameters.seed = seed
        parameters.threads = threads
        return parameters
    }

    var kinds: [RankerKind] { ranker.values }

    func validate() throws {
        for kind in kinds {
            do {
                try parameters(kind, seed: 0, threads: 1).validate()
            } catch {
                throw ValidationError(error.description)
            }
        }
    }
}

extension RankerKind: ExpressibleByArgument, LosslessStringConvertible {
    public init?(_ description: String) { self.init(rawValue: description.lowercased()) }
    public var description: String { rawValue }
}

/// How `evaluate --ranking` and `tune --metric` split ratings.
struct RankingSplitOptions: ParsableArguments {
    @Option(help: "Held-out ratings file (any format 'reco prepare' reads); all prepared ratings are training.")
    var holdout: String?

    @Option(help: "Hold out this seeded random share of the ratings.")
    var holdoutFraction: Double?

    @Flag(help: "Hold out each customer's latest 20% of ratings by date (customers with fewer than 5 stay in training).")
    var timeSplit = false

    @Option(help: "Recommendation list length k.")
    var k = 10

    @Option(help: "Held-out ratings with at least these stars are relevant.")
    var relevantThreshold: Float = 4

    func validate() throws {
        let chosen = [holdout != nil, holdoutFraction != nil, timeSplit].filter { $0 }.count
        guard chosen <= 1 else { throw ValidationError("give one of --holdout, --holdout-fraction, --time-split") }
        if let holdoutFraction, !(holdoutFraction > 0 && holdoutFraction < 1) {
            throw ValidationError("--holdout-fraction must be between 0 and 1")
        }
        guard (1...1_000).contains(k) else { throw ValidationError("--k must be 1...1000") }
        guard relevantThreshold.isFinite else { throw ValidationError("--relevant-threshold must be a number") }
    }

    /// The split of the prepared ratings, and how a validation split is carved from training.
    func split(seed: UInt64) -> RankingSplit {
        if timeSplit { return .defaultTime }
        return .fraction(holdoutFraction ?? 0.2, seed: seed)
    }

    /// Training rows and held-out ratings for this split.
    func apply(to dataset: RatingsDataset, seed: UInt64) throws -> (training: [Int], test: TrainingRatings, summary: String) {
        if let holdout {
            return (Array(0..<dataset.count), try RatingsFileReader.readMatching(holdout, dataset: dataset), "held-out file \(holdout)")
        }
        let split = split(seed: seed)
        let parts = split.split(Array(0..<dataset.count), of: dataset)
        return (parts.train, TrainingRatings(dataset, rows: parts.test), split.summary)
    }
}
