import CLinearAlgebra
import Dispatch

/// Trains biased matrix factorisation with exactly Surprise `SVD`'s stochastic gradient steps:
///
///     e    = r − (μ + b_u + b_i + q_i·p_u)
///     b_u += lr_b·(e − reg_b·b_u)        b_i += lr_b·(e − reg_b·b_i)
///     p_u += lr_f·(e·q_i − reg_f·p_u)    q_i += lr_f·(e·p_u − reg_f·q_i)
///
/// with b = 0 and p, q ~ N(init_mean, init_std) at the start.
///
/// Parallel scheme: the ratings form a T×T `BlockGrid` (T = threads). An epoch is T rounds; in
/// round s thread t trains block (t, (t + s) mod T). Blocks of one round share no customer and no
/// movie, so threads never touch the same parameters and the result does not depend on timing:
/// it is deterministic for a given seed and thread count.
public struct SGDTrainer: Sendable {
    public let parameters: TrainingParameters

    public init(parameters: TrainingParameters) {
        self.parameters = parameters
    }

    public typealias EpochObserver = (EpochReport) -> Void

    /// Trains on `ratings`. When `holdout` is given its RMSE and MAE are measured after the last
    /// epoch, or after every epoch with `holdoutEveryEpoch` (for learning curves).
    public func train(_ ratings: TrainingRatings, scale: RatingScale, holdout: TrainingRatings? = nil, holdoutEveryEpoch: Bool = false,
                      observe: EpochObserver = { _ in }) throws(TrainingError) -> (model: FactorModel, epochs: [EpochReport]) {
        try parameters.validate()
        guard ratings.count > 0 else { throw .noRatings }
        let p = parameters
        let stride = FactorModel.stride(for: p.factors)
        var random = SplitMix64(seed: p.seed)

        var customerFactors = Self.gaussianRows(ratings.customerCount, factors: p.factors, stride: stride, stream: 1 << 40, p)
        var movieFactors = Self.gaussianRows(ratings.movieCount, factors: p.factors, stride: stride, stream: 2 << 40, p)
        var customerBias = [Float](repeating: 0, count: ratings.customerCount)
        var movieBias = [Float](repeating: 0, count: ratings.movieCount)
        let globalMean = Float(ratings.mean)

        let threads = min(p.threads, max(1, min(ratings.customerCount, ratings.movieCount)))
        let grid = BlockGrid(ratings, size: threads, random: &random)
        var knownCustomer = [Bool](repeating: false, count: ratings.customerCount)
        var knownMovie = [Bool](repeating: false, count: ratings.movieCount)
        for customer in ratings.customers { knownCustomer[Int(customer)] = true }
        for movie in ratings.movies { knownMovie[Int(movie)] = true }

        var reports: [EpochReport] = []
        let started = ContinuousClock.now
        var squaredErrors = [Double](repeating: 0, count: threads)
        for epoch in 1...max(p.epochs, 1) where p.epochs > 0 {
            customerFactors.withUnsafeMutableBufferPointer { pu in
                movieFactors.withUnsafeMutableBufferPointer { qi in
                    customerBias.withUnsafeMutableBufferPointer { bu in
                        movieBias.withUnsafeMutableBufferPointer { bi in
                            grid.entries.withUnsafeBufferPointer { entries in
                                squaredErrors.withUnsafeMutableBufferPointer { errors in
                                    let shared = SharedState(
                                        pu: pu.baseAddress!, qi: qi.baseAddress!, bu: bu.baseAddress!, bi: bi.baseAddress!,
                                        entries: entries.baseAddress!, errors: errors.baseAddress!)
                                    for index in 0..<threads { errors[index] = 0 }
                                    for round in 0..<threads {
                                        DispatchQueue.concurrentPerform(iterations: threads) { row in
                                            let range = grid.block(row: row, round: round)
                                            shared.errors[row] += Self.sgd(range, shared, mean: globalMean, stride: stride, p)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let sse = squaredErrors.reduce(0, +)
            guard sse.isFinite else { throw .diverged(epoch: epoch) }
            var report = EpochReport(epoch: epoch, trainRMSE: (sse / Double(ratings.count)).squareRoot(),
                                     holdoutRMSE: nil, holdoutMAE: nil, seconds: (ContinuousClock.now - started).seconds)
            if let holdout, holdoutEveryEpoch || epoch == p.epochs {
                let model = FactorModel(factors: p.factors, globalMean: globalMean, customerBias: customerBias, movieBias: movieBias,
                                        customerFactors: customerFactors, movieFactors: movieFactors,
                                        knownCustomer: knownCustomer, knownMovie: knownMovie, scale: scale)
                let accuracy = Accuracy.measure(model, on: holdout)
                report.holdoutRMSE = accuracy.rmse
                report.holdoutMAE = accuracy.mae
            }
            reports.append(report)
            observe(report)
        }
        let model = FactorModel(factors: p.factors, globalMean: globalMean, customerBias: customerBias, movieBias: movieBias,
                                customerFactors: customerFactors, movieFactors: movieFactors,
                                knownCustomer: knownCustomer, knownMovie: knownMovie, scale: scale)
        return (model, reports)
    }

    /// Pointers into the parameter and rating arrays, shared by the threads of one round.
    /// Unchecked: each thread only touches rows of its own block, which no other thread has.
    private struct SharedState: @unchecked Sendable {
        let pu: UnsafeMutablePointer<Float>
        let qi: UnsafeMutablePointer<Float>
        let bu: UnsafeMutablePointer<Float>
        let bi: UnsafeMutablePointer<Float>
        let entries: UnsafePointer<BlockGrid.Entry>
        let errors: UnsafeMutablePointer<Double>
    }

    /// One SGD pass over a block; returns the sum of squared errors seen.
    @inline(__always)
    private static func sgd(_ range: Range<Int>, _ s: SharedState, mean: Float, stride: Int, _ p: TrainingParameters) -> Double {
        var squared: Float = 0
        var blockSquared: Double = 0
        // The rows of the rating `lookahead` ahead are prefetched: a movie row is a random read
        // (6.5 cache lines at k = 100) that missed L2 at nearly every rating, and waiting for it
        // was the largest cost of an epoch (perf: 30% of the samples on its first load).
        let lookahead = 6
        let rowBytes = stride * MemoryLayout<Float>.stride
        for n in range {
            if n + lookahead < range.upperBound {
                let ahead = s.entries[n + lookahead]
                let movieRow = UnsafeRawPointer(s.qi + Int(ahead.movie) * stride)
                var line = 0
                while line < rowBytes {
                    reco_prefetch(movieRow + line)
                    line += 64
                }
                // A block runs customer by customer: their row only when the customer changes.
                if ahead.customer != s.entries[n + lookahead - 1].customer {
                    let customerRow = UnsafeRawPointer(s.pu + Int(ahead.customer) * stride)
                    line = 0
                    while line < rowBytes {
                        reco_prefetch(customerRow + line)
                        line += 64
                    }
                }
            }
            let entry = s.entries[n]
            let u = Int(entry.customer)
            let i = Int(entry.movie)
            let error = step(stars: entry.stars, mean: mean, customerBias: s.bu + u, movieBias: s.bi + i,
                             customerRow: s.pu + u * stride, movieRow: s.qi + i * stride, stride: stride, p)
            squared += error * error
            // Flush the Float sum regularly so it keeps its precision on big blocks.
            if n & 1023 == 1023 {
                blockSquared += Double(squared)
                squared = 0
            }
        }
        return blockSquared + Double(squared)
    }

    /// One SGD step on one rating, in place; returns the error before the step.
    ///
    /// The factor step p += lr·(e·q − reg·p) is computed as p·(1 − lr·reg) + (lr·e)·q: the same
    /// value, two fused vector operations instead of five.
    @inline(__always)
    static func step(stars: Float, mean: Float, customerBias bu: UnsafeMutablePointer<Float>, movieBias bi: UnsafeMutablePointer<Float>,
                     customerRow pu: UnsafeMutablePointer<Float>, movieRow qi: UnsafeMutablePointer<Float>,
                     stride: Int, _ p: TrainingParameters) -> Float {
        let error = stars - (mean + bu.pointee + bi.pointee + VectorMath.dot(pu, qi, count: stride))
        bu.pointee += p.learningRateBias * (error - p.regularizationBias * bu.pointee)
        bi.pointee += p.learningRateBias * (error - p.regularizationBias * bi.pointee)
        let decay = SIMD8<Float>(repeating: 1 - p.learningRateFactors * p.regularizationFactors)
        let scaledError = SIMD8<Float>(repeating: p.learningRateFactors * error)
        var offset = 0
        while offset < stride {
            let puf = VectorMath.load(pu + offset)
            let qif = VectorMath.load(qi + offset)
            VectorMath.store((puf * decay).addingProduct(scaledError, qif), pu + offset)
            VectorMath.store((qif * decay).addingProduct(scaledError, puf), qi + offset)
            offset += 8
        }
        return error
    }

    /// N(init_mean, init_std) rows, zero-padded to `stride`. Each row has its own random stream,
    /// so rows are filled in parallel and the values do not depend on the thread count.
    private static func gaussianRows(_ rows: Int, factors: Int, stride: Int, stream: UInt64, _ p: TrainingParameters) -> [Float] {
        var values = [Float](repeating: 0, count: rows * stride)
        let chunks = max(1, min(p.threads * 4, rows / 1_024))
        values.withUnsafeMutableBufferPointer { buffer in
            let output = SendablePointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for row in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                    var random = SplitMix64(seed: p.seed, stream: stream &+ UInt64(row))
                    var factor = 0
                    while factor < factors {
                        let (first, second) = random.nextGaussianPair()
                        output.pointer[row * stride + factor] = p.initMean + p.initStandardDeviation * Float(first)
                        if factor + 1 < factors { output.pointer[row * stride + factor + 1] = p.initMean + p.initStandardDeviation * Float(second) }
                        factor += 2
                    }
                }
            }
        }
        return values
    }
}

/// A pointer handed to parallel workers that write disjoint parts of one buffer.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>

    init(_ pointer: UnsafeMutablePointer<Element>) {
        self.pointer = pointer
    }
}
