/// Hyper-parameters of biased matrix factorisation, named and defaulted as Surprise's `SVD`.
public struct TrainingParameters: Sendable, Codable, Equatable {
    public var factors = 100
    public var epochs = 20
    /// Surprise's lr_bu / lr_bi (biases) and lr_pu / lr_qi (factors).
    public var learningRateBias: Float = 0.005
    public var learningRateFactors: Float = 0.005
    /// Surprise's reg_bu / reg_bi and reg_pu / reg_qi.
    public var regularizationBias: Float = 0.02
    public var regularizationFactors: Float = 0.02
    public var initMean: Float = 0
    public var initStandardDeviation: Float = 0.1
    public var seed: UInt64 = 0
    /// Worker threads; results are deterministic for a given seed and thread count.
    public var threads = 1

    public init() {}

    /// Surprise's `lr_all`.
    public mutating func setLearningRate(_ rate: Float) {
        learningRateBias = rate
        learningRateFactors = rate
    }

    /// Surprise's `reg_all`.
    public mutating func setRegularization(_ value: Float) {
        regularizationBias = value
        regularizationFactors = value
    }

    public func validate() throws(TrainingError) {
        guard (1...1024).contains(factors) else { throw .invalidParameter("factors must be 1...1024, got \(factors)") }
        guard (0...10_000).contains(epochs) else { throw .invalidParameter("epochs must be 0...10000, got \(epochs)") }
        guard (1...256).contains(threads) else { throw .invalidParameter("threads must be 1...256, got \(threads)") }
        for (name, value) in [("learning rate", learningRateBias), ("learning rate", learningRateFactors),
                              ("regularisation", regularizationBias), ("regularisation", regularizationFactors)] {
            guard value.isFinite, value >= 0 else { throw .invalidParameter("\(name) must be a non-negative number, got \(value)") }
        }
        guard initStandardDeviation.isFinite, initStandardDeviation >= 0 else { throw .invalidParameter("init standard deviation must be ≥ 0") }
    }
}

public enum TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidParameter(String)
    case noRatings
    case diverged(epoch: Int)

    public var description: String {
        switch self {
        case .invalidParameter(let message): return "invalid training parameter: \(message)"
        case .noRatings: return "there are no ratings to train on"
        case .diverged(let epoch): return "training diverged in epoch \(epoch) (the error became infinite); lower the learning rate"
        }
    }
}
