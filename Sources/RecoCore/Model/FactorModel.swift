/// Trained biased-MF parameters in memory: μ, b_u, b_i, p_u, q_i.
///
/// Factor rows are padded to `stride` floats (a multiple of 8) with zeros so SIMD loops need no
/// tail handling; padding stays zero through training.
public struct FactorModel: Sendable {
    public let factors: Int
    public let stride: Int
    public var globalMean: Float
    public var customerBias: [Float]
    public var movieBias: [Float]
    public var customerFactors: [Float]
    public var movieFactors: [Float]
    /// Whether the training ratings held the customer / movie (Surprise's `knows_user`).
    public var knownCustomer: [Bool]
    public var knownMovie: [Bool]
    public var scale: RatingScale

    public static func stride(for factors: Int) -> Int { (factors + 7) / 8 * 8 }

    public init(factors: Int, globalMean: Float, customerBias: [Float], movieBias: [Float],
                customerFactors: [Float], movieFactors: [Float], knownCustomer: [Bool], knownMovie: [Bool], scale: RatingScale) {
        self.factors = factors
        self.stride = Self.stride(for: factors)
        self.globalMean = globalMean
        self.customerBias = customerBias
        self.movieBias = movieBias
        self.customerFactors = customerFactors
        self.movieFactors = movieFactors
        self.knownCustomer = knownCustomer
        self.knownMovie = knownMovie
        self.scale = scale
    }

    public var customerCount: Int { customerBias.count }
    public var movieCount: Int { movieBias.count }

    /// Surprise `SVD.estimate`: μ, plus b_u if the customer is known, plus b_i if the movie is
    /// known, plus q_i·p_u if both are; clipped to the rating scale.
    public func predict(customer: Int, movie: Int) -> Float {
        let userKnown = customer >= 0 && customer < customerCount && knownCustomer[customer]
        let movieKnown = movie >= 0 && movie < movieCount && knownMovie[movie]
        var estimate = globalMean
        if userKnown { estimate += customerBias[customer] }
        if movieKnown { estimate += movieBias[movie] }
        if userKnown && movieKnown {
            estimate += customerFactors.withUnsafeBufferPointer { users in
                movieFactors.withUnsafeBufferPointer { movies in
                    VectorMath.dot(users.baseAddress! + customer * stride, movies.baseAddress! + movie * stride, count: stride)
                }
            }
        }
        return min(max(estimate, scale.lowest), scale.highest)
    }
}
