import Foundation
import Logging
import RecoCore

/// `reco tune --metric ndcg`: ranker grid on a validation split of training, refit, one test.
struct RankerTuning {
    let command: TuneCommand
    let metric: RankingMetric
    let logger: Logger

    func run(_ dataset: RatingsDataset) throws {
        let seed = command.training.seed
        let threads = command.training.threads
        let parts = try command.split.apply(to: dataset, seed: seed)
        let validation: RankingSplit = command.split.timeSplit ? .defaultTime : .fraction(command.split.holdoutFraction ?? 0.2, seed: seed &+ 1)
        let candidates = makeCandidates(seed: seed, threads: threads)
        var selection = RankerSelection(candidates: candidates, validation: validation)
        selection.metric = metric
        selection.k = command.split.k
        selection.relevantThreshold = command.split.relevantThreshold
        selection.threads = threads
        Console.line("test split: \(parts.summary); validation split of the \(Decimals.grouped(parts.training.count)) training ratings: \(validation.summary); \(candidates.count) candidates, maximising \(metric.rawValue)@\(command.split.k)")
        logger.info("ranker tuning", metadata: ["tune.candidates": "\(candidates.count)", "tune.metric": "\(metric.rawValue)"])
        let started = ContinuousClock.now
        let outcome = try selection.run(dataset, training: parts.training) { done, total, trial in
            Console.line("[\(done)/\(total)] \(trial.parameters.summary)  \(metric.rawValue) \(Decimals.format(trial.validation.value(of: metric), places: 4))  NDCG \(Decimals.format(trial.validation.ndcg, places: 4))  P \(Decimals.format(trial.validation.precision, places: 4))  \(Decimals.format(trial.fitSeconds, places: 2)) s")
        }
        let best = outcome.bestTrial
        print("best on validation: \(best.parameters.summary)  \(metric.rawValue)@\(command.split.k) \(Decimals.format(best.validation.value(of: metric), places: 4))")
        for kind in RankerKind.allCases {
            if let top = outcome.trials.filter({ $0.parameters.kind == kind }).max(by: { $0.validation.value(of: metric) < $1.validation.value(of: metric) }) {
                print("  best \(kind.title): \(top.parameters.summary)  \(metric.rawValue) \(Decimals.format(top.validation.value(of: metric), places: 4))")
            }
        }

        // The chosen parameters (and the best of each other kind) refitted on all of training, measured once on the test part.
        var comparison = RankingComparison()
        comparison.k = command.split.k
        comparison.relevantThreshold = command.split.relevantThreshold
        comparison.threads = threads
        comparison.svd = command.noSvd ? nil : command.training.parameters
        comparison.rankers = bestPerKind(outcome)
        Console.line("refitting on all training ratings and measuring on the test part …")
        let rows = try comparison.run(dataset, training: parts.training, test: parts.test)
        print("test part (\(parts.summary)):")
        print(RankingTable(rows: rows).text)
        logger.info("ranker tuning done", metadata: ["tune.seconds": "\(Decimals.format((ContinuousClock.now - started).seconds, places: 1))",
                                                     "tune.best": "\(best.parameters.summary)"])
        if let json = command.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = RankerTuningReport(metric: metric.rawValue, validation: validation.summary, trials: outcome.trials,
                                            best: best, test: RankingReport(split: parts.summary, trainingRatings: parts.training.count,
                                                                            heldOutRatings: parts.test.count, k: command.split.k,
                                                                            relevantThreshold: command.split.relevantThreshold, rows: rows))
            try AtomicFile.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: json)
        }
        if let output = command.output {
            var job = TrainingJob(dataset: dataset, parameters: command.training.parameters, dataFingerprint: command.data.preparedFingerprint)
            var chosen = best.parameters
            chosen.threads = threads
            job.rankers = [chosen]
            job.rankerValidation = nil
            var result = try job.run()
            result.rankerMetadata?.validation = best.validation
            result.rankerMetadata?.candidates = outcome.trials
            result.rankerMetadata?.chosenBy = "reco tune: \(metric.rawValue)@\(command.split.k) on a validation split (\(validation.summary)) of the training part of \(parts.summary)"
            let metadata = try job.write(result, to: output)
            print("final model \(metadata.version) (SVD + \(best.parameters.summary), all \(Decimals.grouped(dataset.count)) ratings) written to \(output)")
        }
    }

    private func makeCandidates(seed: UInt64, threads: Int) -> [RankerParameters] {
        var candidates: [RankerParameters] = []
        for feedback in command.feedbackGrid.values {
            for kind in command.rankers.kinds {
                var base = command.rankers.parameters(kind, seed: seed, threads: threads)
                base.weighting = feedback.weighting
                switch kind {
                case .ease:
                    for lambda in command.easeLambdaGrid.values {
                        base.l2 = lambda
                        candidates.append(base)
                    }
                case .ials:
                    let factors = command.alsFactorsGrid.values.isEmpty ? [base.factors] : command.alsFactorsGrid.values
                    for k in factors {
                        for regularization in command.alsRegularizationGrid.values {
                            for alpha in command.alsAlphaGrid.values {
                                base.factors = k
                                base.regularization = regularization
                                base.alpha = alpha
                                candidates.append(base)
                            }
                        }
                    }
                }
            }
        }
        return candidates
    }

    /// The best trial of each kind, best overall first.
    private func bestPerKind(_ outcome: RankerSelection.Outcome) -> [RankerParameters] {
        var result = [outcome.bestTrial.parameters]
        for kind in RankerKind.allCases where kind != outcome.bestTrial.parameters.kind {
            if let top = outcome.trials.filter({ $0.parameters.kind == kind }).max(by: { $0.validation.value(of: metric) < $1.validation.value(of: metric) }) {
                result.append(top.parameters)
            }
        }
        return result
    }
}

/// What `tune --metric … --json` writes.
struct RankerTuningReport: Codable {
    var metric: String
    var validation: String
    var trials: [RankerSelection.Trial]
    var best: RankerSelection.Trial
    var test: RankingReport
}
