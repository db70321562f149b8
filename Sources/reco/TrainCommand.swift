import ArgumentParser
import CommandOptions
import Foundation
import Logging
import RecoCore

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the SVD (Surprise semantics, predicted stars) and the ranker (which movies to show, in what order) and write the model file.",
        discussion: """
            Parallel SGD: the ratings form a T×T grid of blocks (T = --threads, customers and movies in random groups); each epoch runs T rounds in which the T threads train blocks that share no customer and no movie. Results are deterministic for a given seed and thread count.

            With --holdout-fraction or --holdout FILE the holdout RMSE and MAE are measured after training; with --report also after every epoch, for the learning curve drawn as SVG. The model goes to --output atomically, with its metrics beside it as <output>.metrics.json.

            The ranker (EASE or iALS, --ranker) learns from which movies customers rated, weighted by stars (--feedback-zero-at, --feedback-full-at). With several candidates, each is fitted on 80% of the training ratings and the best NDCG@10 on the other 20% (random, or each customer's latest with --validation-split time) is then fitted on all training ratings. EASE needs movies² floats of memory and scores a customer in history × movies steps; above --ease-max-movies only iALS is trained (it keeps a top-10 at Netflix size within 0.2 ms). --no-ranker writes an SVD-only model, ordered by predicted rating.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainingOptions

    @Option(name: [.short, .customLong("output")], help: "Model file to write.")
    var output = "model/svd.recomodel"

    @Option(help: "Hold out this share (0-1) of the ratings at random (seeded by --seed) to measure accuracy.")
    var holdoutFraction: Double?

    @Option(help: "Measure accuracy on this ratings file instead (any format 'reco prepare' reads); all prepared ratings are trained on.")
    var holdout: String?

    @Option(help: "Write the learning curve (train and holdout RMSE per epoch) to this SVG file.")
    var report: String?

    @OptionGroup var rankers: RankerOptions

    @Flag(help: "Train no ranker: recommendations are ordered by the SVD's predicted rating.")
    var noRanker = false

    @Option(help: "How the ranker's validation split is carved from training: random or time.")
    var validationSplit: ValidationSplitKind = .random

    @Flag(help: "Fit the (single) ranker candidate without measuring it on a validation split first.")
    var noRankerValidation = false

    @Option(help: "Leave EASE out above this many movies (memory movies² floats; scoring history × movies).")
    var easeMaxMovies = 10_000

    @OptionGroup(title: "Learning loop (with --registry: a candidate for 'reco models gate')") var registry: RegistryOptions

    @Option(help: "With --registry: watches exported since the current model's cutoff ('reco models export-watches'); repeatable. Their positions file (<file>.positions.json) comes along.")
    var watches: [String] = []

    @OptionGroup var catalog: CatalogOptions

    @Option(help: "With --registry: the newest share of the exported watches (by time) held out for the gate.")
    var gateWindow = 0.2

    @Flag(help: "With --registry: make the new version current at once, without the gate (the first model of a registry).")
    var promote = false

    @OptionGroup var recency: RecencyOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let holdoutFraction, !(holdoutFraction > 0 && holdoutFraction < 1) {
            throw ValidationError("--holdout-fraction must be between 0 and 1")
        }
        if holdoutFraction != nil && holdout != nil {
            throw ValidationError("give --holdout-fraction or --holdout, not both")
        }
        if registry.isGiven {
            guard holdoutFraction == nil, holdout == nil, report == nil else {
                throw ValidationError("--registry trains a candidate on everything but the gate's window: --holdout-fraction, --holdout and --report do not apply")
            }
            guard (0..<1).contains(gateWindow) else { throw ValidationError("--gate-window must be at least 0 and below 1") }
        } else if !watches.isEmpty {
            throw ValidationError("--watches goes with --registry (or use 'reco prepare --watches')")
        }
    }

    func run() throws {
        let logger = global.makeLogger(label: "reco.train")
        if registry.isGiven { return try trainCandidate(logger: logger) }
        let dataset = try data.load()
        let holdoutSpec: TrainingJob.Holdout
        if let holdoutFraction {
            holdoutSpec = .fraction(holdoutFraction, seed: training.seed)
        } else if let holdout {
            holdoutSpec = .ratings(try RatingsFileReader.readMatching(holdout, dataset: dataset))
        } else {
            holdoutSpec = .none
        }
        let parameters = training.parameters
        var job = TrainingJob(dataset: dataset, parameters: parameters, holdout: holdoutSpec, dataFingerprint: data.preparedFingerprint)
        job.holdoutEveryEpoch = report != nil
        if !noRanker {
            var kinds = rankers.kinds
            if dataset.movieCount > easeMaxMovies, kinds.count > 1 {
                kinds.removeAll { $0 == .ease }
                logger.notice("EASE left out: more movies than --ease-max-movies", metadata: ["train.movies": "\(dataset.movieCount)"])
            }
            job.rankers = kinds.map { rankers.parameters($0, seed: training.seed, threads: training.threads) }
            job.rankerValidation = noRankerValidation && kinds.count == 1 ? nil : validationSplit.split(seed: training.seed &+ 1)
            job.watches = try data.loadWatches()
        }
        logger.info("training", metadata: [
            "train.ratings": "\(dataset.count)", "train.customers": "\(dataset.customerCount)", "train.movies": "\(dataset.movieCount)",
            "train.factors": "\(parameters.factors)", "train.epochs": "\(parameters.epochs)", "train.threads": "\(parameters.threads)",
        ])
        let outcome = try job.run { epoch in
            var line = "epoch \(pad(epoch.epoch, 3))/\(parameters.epochs)  train RMSE \(Decimals.format(epoch.trainRMSE, places: 4))"
            if let rmse = epoch.holdoutRMSE { line += "  holdout RMSE \(Decimals.format(rmse, places: 4))" }
            line += "  \(Decimals.format(epoch.seconds, places: 2)) s"
            Console.line(line)
        } rankerProgress: { stage in
            switch stage {
            case .validated(let done, let total, let trial):
                Console.line("ranker candidate \(done)/\(total): \(trial.parameters.summary)  validation NDCG@10 \(Decimals.format(trial.validation.ndcg, places: 4))  P@10 \(Decimals.format(trial.validation.precision, places: 4))  \(Decimals.format(trial.fitSeconds, places: 2)) s")
            case .fitted(let ranker):
                Console.line("ranker \(ranker.parameters.summary) fitted on all training ratings in \(Decimals.format(ranker.seconds, places: 2)) s")
            }
        }
        try FileManager.default.createDirectory(atPath: (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        if !job.watches.isEmpty {
            let used = outcome.watches.count
            Console.line("watches: \(Decimals.grouped(used)) of \(Decimals.grouped(job.watches.count)) joined the ranker's feedback (the others are of customers or movies without ratings here: fold-in serves them)")
            logger.info("watches", metadata: ["train.watches": "\(job.watches.count)", "train.watches_used": "\(used)"])
        }
        let metadata = try job.write(outcome, to: output)
        let metricsPath = Self.metricsPath(for: output)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(metadata), as: UTF8.self) + "\n", to: metricsPath)
        if let report {
            try AtomicFile.write(LearningCurveChart.svg(outcome.epochs, title: "reco train: k=\(parameters.factors), lr=\(parameters.learningRateFactors), reg=\(parameters.regularizationFactors)"), to: report)
        }

        let ratingEpochs = Double(outcome.training.count) * Double(max(parameters.epochs, 1))
        print("trained on \(Decimals.grouped(outcome.training.count)) ratings in \(Decimals.format(outcome.seconds, places: 2)) s "
            + "(\(Decimals.format(outcome.seconds / ratingEpochs * 1e6, places: 4)) µs per rating-epoch, \(parameters.threads) threads)")
        if let accuracy = outcome.holdout {
            print("holdout: \(Decimals.grouped(outcome.holdoutCount)) ratings, RMSE \(Decimals.format(accuracy.rmse, places: 4)), MAE \(Decimals.format(accuracy.mae, places: 4))")
        }
        if let ranker = metadata.ranker {
            print("ranker: \(ranker.parameters.summary)\(ranker.validation.map { ", validation NDCG@10 \(Decimals.format($0.ndcg, places: 4))" } ?? "")")
        }
        print("model \(metadata.version) written to \(output) (metrics: \(metricsPath)\(report.map { ", curve: \($0)" } ?? ""))")
        logger.info("trained", metadata: ["train.seconds": "\(Decimals.format(outcome.seconds, places: 3))",
                                          "train.holdout_rmse": "\(outcome.holdout.map { Decimals.format($0.rmse, places: 5) } ?? "-")"])
    }

    /// `--registry`: a candidate from the prepared data and the exported watches, the newest
    /// `--gate-window` of them held out, registered for the gate.
    private func trainCandidate(logger: Logger) throws {
        let registry = registry.registry
        try registry.create()
        let dataDirectory = (data.ratingsPath as NSString).deletingLastPathComponent
        var positions: LogPositions?
        for file in watches {
            let path = ExportWatchesCommand.positionsPath(for: file)
            if let bytes = FileManager.default.contents(atPath: path) { positions = try JSONDecoder().decode(LogPositions.self, from: bytes) }
        }
        let kinds = noRanker ? [] : rankers.kinds
        // The exports are copied into the registry: this version's children learn them again.
        let kept = try watches.map { try registry.keepWatches(from: $0) }
        var recipe = TrainingRecipe(dataDirectory: dataDirectory.isEmpty ? "." : dataDirectory, watchFiles: kept,
                                    catalogue: catalog.isDefault ? nil : catalog.path, parameters: training.parameters,
                                    rankers: kinds.map { rankers.parameters($0, seed: training.seed, threads: training.threads) },
                                    validationSplit: validationSplit.rawValue, gateWindow: gateWindow, positions: positions)
        let current = try registry.currentVersion()
        recipe.earlierWatchFiles = try current.flatMap { try registry.entry($0).recipe?.learnedWatchFiles } ?? []
        recipe.recencyCandidates = recency.candidates
        let parentCutoff = try current.map { try registry.entry($0).metadata.effectiveCutoff }
        let entry = try CandidateTrainer(registry: registry, recipe: recipe).train(
            parent: current, parentCutoff: parentCutoff, createdBy: CreatedBy.describe(),
            observe: { epoch in
                Console.line("epoch \(pad(epoch.epoch, 3))/\(recipe.parameters.epochs)  train RMSE \(Decimals.format(epoch.trainRMSE, places: 4))  \(Decimals.format(epoch.seconds, places: 2)) s")
            },
            rankerProgress: { stage in
                if case .fitted(let ranker) = stage {
                    Console.line("ranker \(ranker.parameters.summary) fitted in \(Decimals.format(ranker.seconds, places: 2)) s")
                }
            })
        let metadata = entry.metadata
        print("candidate \(entry.version) (parent \(current ?? "none")) in \(registry.directory): \(Decimals.grouped(metadata.trainingRatings)) ratings, "
            + "\(Decimals.grouped(metadata.trainingWatches ?? 0)) watches (\(recipe.earlierWatchFiles.count) earlier exports its ancestors learned, \(kept.count) new), "
            + "\(metadata.newMovies ?? 0) movies no rating knows; cutoff \(metadata.effectiveCutoff)")
        print(entry.heldOutWatches.map { "held out for the gate: \($0)" } ?? "nothing held out (no exported watches with times)")
        if let choice = entry.recency, !choice.trials.isEmpty {
            for trial in choice.trials {
                print("recency: \(trial.weighting)  validation NDCG@10 \(Decimals.format(trial.validation.ndcg, places: 4))  hit rate \(Decimals.format(trial.validation.hitRate, places: 4))")
            }
            print("recency chosen on \(Decimals.grouped(choice.validationWatches)) validation watches: \(choice.chosen)")
        }
        if promote {
            let event = try registry.promote(entry.version, reason: "promoted at training (--promote), without the gate")
            print("promoted \(event.to) (was \(event.from ?? "none"))")
        }
        logger.info("candidate trained", metadata: ["train.version": "\(entry.version)", "train.parent": "\(current ?? "-")"])
    }

    static func metricsPath(for model: String) -> String {
        let base = model.hasSuffix(".recomodel") ? String(model.dropLast(".recomodel".count)) : model
        return base + ".metrics.json"
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

/// How a validation split is carved from training rows.
enum ValidationSplitKind: String, ExpressibleByArgument, CaseIterable {
    case random, time

    func split(seed: UInt64) -> RankingSplit {
        switch self {
        case .random: return .fraction(0.2, seed: seed)
        case .time: return .defaultTime
        }
    }
}
