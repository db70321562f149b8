import ArgumentParser
import Foundation
import RecoCore

/// Hyper-parameters shared by train, evaluate and tune; names follow Surprise's SVD.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Number of latent factors (Surprise n_factors).")
    var factors = 100

    @Option(help: "Number of SGD epochs (Surprise n_epochs).")
    var epochs = 20

    @Option(help: "Learning rate for biases and factors (Surprise lr_all).")
    var lrAll: Float = 0.005

    @Option(help: "Regularisation for biases and factors (Surprise reg_all).")
    var regAll: Float = 0.02

    @Option(help: "Learning rate for biases only (Surprise lr_bu/lr_bi); default: --lr-all.")
    var lrBias: Float?

    @Option(help: "Learning rate for factors only (Surprise lr_pu/lr_qi); default: --lr-all.")
    var lrFactors: Float?

    @Option(help: "Regularisation for biases only (Surprise reg_bu/reg_bi); default: --reg-all.")
    var regBias: Float?

    @Option(help: "Regularisation for factors only (Surprise reg_pu/reg_qi); default: --reg-all.")
    var regFactors: Float?

    @Option(help: "Standard deviation of the initial factors (Surprise init_std_dev).")
    var initStd: Float = 0.1

    @Option(help: "Random seed for initialisation, shuffling and splits.")
    var seed: UInt64 = 0

    @Option(help: "Training threads (default: the number of cores). Results are deterministic for a given seed and thread count.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    var parameters: TrainingParameters {
        var parameters = TrainingParameters()
        parameters.factors = factors
        parameters.epochs = epochs
        parameters.learningRateBias = lrBias ?? lrAll
        parameters.learningRateFactors = lrFactors ?? lrAll
        parameters.regularizationBias = regBias ?? regAll
        parameters.regularizationFactors = regFactors ?? regAll
        parameters.initStandardDeviation = initStd
        parameters.seed = seed
        parameters.threads = threads
        return parameters
    }

    func validate() throws {
        do {
            try parameters.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// Where the prepared data set is.
struct DataOptions: ParsableArguments {
    @Option(help: "Prepared data directory (from 'reco prepare') or a ratings.bin file.")
    var data = "data/prepared"

    var ratingsPath: String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue {
            return (data as NSString).appendingPathComponent(DataPreparer.ratingsFile)
        }
        return data
    }

    /// The data fingerprint recorded by `reco prepare`, when its summary is beside the ratings.
    var preparedFingerprint: String? {
        let summary = ((ratingsPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(DataPreparer.reportFile)
        guard let data = FileManager.default.contents(atPath: summary),
              let report = try? JSONDecoder().decode(PreparationReport.self, from: data) else { return nil }
        return report.dataFingerprint
    }

    func load() throws -> RatingsDataset {
        try RatingsStore.load(path: ratingsPath)
    }

    /// The watches `reco prepare --watches` wrote beside the ratings (none when absent).
    func loadWatches() throws -> [WatchHistoryReader.Watch] {
        let path = ((ratingsPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(WatchHistoryReader.preparedFile)
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try WatchHistoryReader(path: path).read()
    }
}
