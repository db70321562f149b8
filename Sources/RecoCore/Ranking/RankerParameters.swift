/// The implicit-feedback models that choose and order a customer's top-N.
public enum RankerKind: String, Sendable, Codable, CaseIterable {
    /// Steck's EASE (2019): a closed-form item–item model, one Cholesky inverse of the
    /// movies × movies Gram matrix. Best on small and medium catalogues; memory grows with movies².
    case ease
    /// Implicit ALS (Hu, Koren, Volinsky 2008) solved by conjugate gradient (Takács et al. 2011):
    /// customer and movie factors, memory linear in customers and movies.
    case ials

    public var title: String {
        switch self {
        case .ease: return "EASE"
        case .ials: return "iALS"
        }
    }
}

/// Hyper-parameters of the ranker; which ones apply depends on `kind`.
public struct RankerParameters: Sendable, Codable, Equatable {
    public var kind: RankerKind
    /// How ratings turn into implicit feedback weights.
    public var weighting = FeedbackWeighting()
    /// EASE: L2 regularisation λ added to the Gram matrix's diagonal.
    public var l2: Float = 250
    /// iALS: latent factors, alternating iterations, regularisation, confidence scale α
    /// (confidence 1 + α·weight) and conjugate-gradient steps per solve.
    public var factors = 64
    public var iterations = 15
    public var regularization: Float = 20
    /// iALS: ν of the frequency-scaled regularisation λ·(n / mean n)^ν (0 = plain λ).
    public var regularizationExponent: Float = 0.5
    public var alpha: Float = 2
    public var conjugateGradientSteps = 3
    public var seed: UInt64 = 0
    /// Worker threads; results are deterministic for a given seed and thread count.
    public var threads = 1

    public init(kind: RankerKind = .ease) {
        self.kind = kind
    }

    public func validate() throws(TrainingError) {
        try weighting.validate()
        switch kind {
        case .ease:
            guard l2.isFinite, l2 > 0 else { throw .invalidParameter("EASE λ must be a positive number, got \(l2)") }
        case .ials:
            guard (1...512).contains(factors) else { throw .invalidParameter("iALS factors must be 1...512, got \(factors)") }
            guard (1...1_000).contains(iterations) else { throw .invalidParameter("iALS iterations must be 1...1000, got \(iterations)") }
            guard (1...64).contains(conjugateGradientSteps) else { throw .invalidParameter("conjugate-gradient steps must be 1...64") }
            guard regularization.isFinite, regularization > 0 else { throw .invalidParameter("iALS regularisation must be positive") }
            guard alpha.isFinite, alpha >= 0 else { throw .invalidParameter("iALS alpha must be ≥ 0") }
            guard regularizationExponent.isFinite, (0...2).contains(regularizationExponent) else {
                throw .invalidParameter("iALS regularisation exponent must be 0...2")
            }
        }
        guard (1...256).contains(threads) else { throw .invalidParameter("threads must be 1...256, got \(threads)") }
    }

    /// A short description, as tables and logs print it.
    public var summary: String {
        let weights = "weights \(Decimals.trimmed(weighting.zeroAt))→\(Decimals.trimmed(weighting.fullAt))★"
        switch kind {
        case .ease: return "EASE λ=\(Decimals.trimmed(l2)), \(weights)"
        case .ials:
            return "iALS k=\(factors), \(iterations) it, λ=\(Decimals.trimmed(regularization)), ν=\(Decimals.trimmed(regularizationExponent)), α=\(Decimals.trimmed(alpha)), \(weights)"
        }
    }
}
