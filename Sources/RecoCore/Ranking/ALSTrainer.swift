#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Implicit ALS (Hu, Koren, Volinsky 2008): minimises Σ c·(p − xᵤ·yᵢ)² + λ(‖x‖² + ‖y‖²) over all
/// customer × movie pairs, p = 1 for a chosen movie and 0 otherwise, confidence c = 1 + α·weight.
/// Each half-iteration fixes one side and solves the other's rows with a few conjugate-gradient
/// steps warm-started from the previous solution (Takács, Pilászy, Tikk 2011), so no k×k
/// factorisation per row: a step costs k² + 4k per chosen movie.
///
/// Rows are independent and split into fixed chunks, so results depend only on the seed and not
/// on the thread count or timing.
public struct ALSTrainer: Sendable {
    public let parameters: RankerParameters

    public init(parameters: RankerParameters) {
        self.parameters = parameters
    }

    public struct Factors: Sendable {
        public var stride: Int
        public var customerFactors: [Float]
        public var movieFactors: [Float]
    }

    public func train(_ matrix: InteractionMatrix, observe: (Int) -> Void = { _ in }) throws(TrainingError) -> Factors {
        try parameters.validate()
        guard matrix.count > 0 else { throw .noRatings }
        let k = parameters.factors
        let stride = FactorModel.stride(for: k)
        var random = SplitMix64(seed: parameters.seed, stream: 0x1A15)
        let scale = 0.1 / Double(k).squareRoot()
        func initial(_ rows: Int) -> [Float] {
            var values = [Float](repeating: 0, count: rows * stride)
            for row in 0..<rows {
                for f in 0..<k { values[row * stride + f] = Float(scale * random.nextGaussian()) }
            }
            return values
        }
        var customers = initial(matrix.customerCount)
        var movies = initial(matrix.movieCount)
        for iteration in 1...parameters.iterations {
            solve(rows: matrix.customerCount, offsets: matrix.rowOffsets, columns: matrix.movies, weights: matrix.weights,
                  fixed: movies, fixedCount: matrix.movieCount, into: &customers, stride: stride)
            solve(rows: matrix.movieCount, offsets: matrix.columnOffsets, columns: matrix.customers, weights: matrix.columnWeights,
                  fixed: customers, fixedCount: matrix.customerCount, into: &movies, stride: stride)
            observe(iteration)
        }
        return Factors(stride: stride, customerFactors: customers, movieFactors: movies)
    }

    /// One customer's factors for the given history with the movie factors fixed: what training
    /// would compute for that row (fold-in). `gram` is `gramian(movieFactors)`.
    public func foldIn(movies history: [UInt32], weights: [Float], movieFactors: UnsafeBufferPointer<Float>,
                       gram: [Float], stride: Int, customerMeanCount: Float, startingFrom start: [Float]? = nil) -> [Float] {
        var x = start ?? [Float](repeating: 0, count: stride)
        var work = [Float](repeating: 0, count: stride * 3)
        history.withUnsafeBufferPointer { columns in
            weights.withUnsafeBufferPointer { values in
                gram.withUnsafeBufferPointer { gramBuffer in
                    x.withUnsafeMutableBufferPointer { row in
                        work.withUnsafeMutableBufferPointer { scratch in
                            solveRow(row.baseAddress!, columns: columns, weights: values, fixed: movieFactors.baseAddress!,
                                     gram: gramBuffer.baseAddress!, stride: stride, meanCount: customerMeanCount,
                                     scratch: scratch.baseAddress!)
                        }
                    }
                }
            }
        }
        return x
    }

    /// λ for a row with `count` chosen items: λ·(count / mean count of its side)^ν, so rows with
    /// more evidence are held back more (frequency-scaled regularisation, as in Zhou et al.'s
    /// ALS-WR and Rendle et al.'s "Revisiting iALS"), while λ keeps its scale across data sizes.
    @inline(__always)
    func regularization(count: Int, meanCount: Float) -> Float {
        let exponent = parameters.regularizationExponent
        guard exponent != 0, meanCount > 0 else { return parameters.regularization }
        return parameters.regularization * pow(Float(max(count, 1)) / meanCount, exponent)
    }

    /// YᵀY of the fixed side (stride × stride), summed in a fixed chunk order.
    public func gramian(_ factors: [Float], count: Int, stride: Int) -> [Float] {
        let k = parameters.factors
        let chunks = max(1, min(64, count / 512))
        var partial = [Float](repeating: 0, count: chunks * stride * stride)
        partial.withUnsafeMutableBufferPointer { target in
            let output = SendablePointer(target.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                factors.withUnsafeBufferPointer { source in
                    let gram = output.pointer + chunk * stride * stride
                    for row in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                        let y = source.baseAddress! + row * stride
                        for a in 0..<k where y[a] != 0 {
                            VectorMath.axpy(y[a], y, gram + a * stride, count: stride)
                        }
                    }
                }
            }
        }
        var gram = [Float](repeating: 0, count: stride * stride)
        for chunk in 0..<chunks {
            for index in 0..<(stride * stride) { gram[index] += partial[chunk * stride * stride + index] }
        }
        return gram
    }

    private func solve(rows: Int, offsets: [Int], columns: [UInt32], weights: [Float], fixed: [Float], fixedCount: Int,
                       into target: inout [Float], stride: Int) {
        let gram = gramian(fixed, count: fixedCount, stride: stride)
        let meanCount = Float(columns.count) / Float(max(rows, 1))
        let chunks = max(1, min(rows, 256))
        target.withUnsafeMutableBufferPointer { output in
            let base = SendablePointer(output.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: stride * 3)
                defer { scratch.deallocate() }
                columns.withUnsafeBufferPointer { columns in
                    weights.withUnsafeBufferPointer { weights in
                        fixed.withUnsafeBufferPointer { fixed in
                            gram.withUnsafeBufferPointer { gram in
                                for row in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                                    let range = offsets[row]..<offsets[row + 1]
                                    solveRow(base.pointer + row * stride,
                                             columns: UnsafeBufferPointer(rebasing: columns[range]),
                                             weights: UnsafeBufferPointer(rebasing: weights[range]),
                                             fixed: fixed.baseAddress!, gram: gram.baseAddress!, stride: stride,
                                             meanCount: meanCount, scratch: scratch)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Conjugate gradient on (YᵀY + Σ (c−1)·yyᵀ + λI)·x = Σ c·y, from the current x.
    @inline(__always)
    private func solveRow(_ x: UnsafeMutablePointer<Float>, columns: UnsafeBufferPointer<UInt32>, weights: UnsafeBufferPointer<Float>,
                          fixed: UnsafePointer<Float>, gram: UnsafePointer<Float>, stride: Int, meanCount: Float,
                          scratch: UnsafeMutablePointer<Float>) {
        let lambda = regularization(count: columns.count, meanCount: meanCount)
        let alpha = parameters.alpha
        let r = scratch
        let p = scratch + stride
        let ap = scratch + 2 * stride
        // r = b − A·x
        multiply(gram, x, into: r, stride: stride)
        for f in 0..<stride { r[f] = -r[f] - lambda * x[f] }
        // r += Σ (c − (c − 1)·y·x)·y, four movies at a time.
        accumulate(columns: columns, weights: weights, fixed: fixed, stride: stride, vector: x, into: r) { weight, product in
            let confidence = 1 + alpha * weight
            return confidence - (confidence - 1) * product
        }
        for f in 0..<stride { p[f] = r[f] }
        var residual = VectorMath.dot(r, r, count: stride)
        for _ in 0..<parameters.conjugateGradientSteps {
            if residual < 1e-20 { break }
            multiply(gram, p, into: ap, stride: stride)
            for f in 0..<stride { ap[f] += lambda * p[f] }
            accumulate(columns: columns, weights: weights, fixed: fixed, stride: stride, vector: p, into: ap) { weight, product in
                alpha * weight * product
            }
            let curvature = VectorMath.dot(p, ap, count: stride)
            guard curvature > 0 else { break }
            let step = residual / curvature
            VectorMath.axpy(step, p, x, count: stride)
            VectorMath.axpy(-step, ap, r, count: stride)
            let next = VectorMath.dot(r, r, count: stride)
            let beta = next / residual
            for f in 0..<stride { p[f] = r[f] + beta * p[f] }
            residual = next
        }
    }

    /// output += Σ coefficient(weight, y·vector)·y over the row's movies y, in groups of four so
    /// the dot products run as independent chains (the per-movie work is latency-bound otherwise).
    @inline(__always)
    private func accumulate(columns: UnsafeBufferPointer<UInt32>, weights: UnsafeBufferPointer<Float>, fixed: UnsafePointer<Float>,
                            stride: Int, vector: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                            coefficient: (_ weight: Float, _ product: Float) -> Float) {
        let count = columns.count
        var index = 0
        while index + 4 <= count {
            let y0 = fixed + Int(columns[index]) * stride
            let y1 = fixed + Int(columns[index + 1]) * stride
            let y2 = fixed + Int(columns[index + 2]) * stride
            let y3 = fixed + Int(columns[index + 3]) * stride
            let products = VectorMath.dot4(vector, y0, y1, y2, y3, count: stride)
            let coefficients = SIMD4(coefficient(weights[index], products[0]), coefficient(weights[index + 1], products[1]),
                                     coefficient(weights[index + 2], products[2]), coefficient(weights[index + 3], products[3]))
            VectorMath.axpy4(coefficients, y0, y1, y2, y3, output, count: stride)
            index += 4
        }
        while index < count {
            let y = fixed + Int(columns[index]) * stride
            VectorMath.axpy(coefficient(weights[index], VectorMath.dot(y, vector, count: stride)), y, output, count: stride)
            index += 1
        }
    }

    @inline(__always)
    private func multiply(_ gram: UnsafePointer<Float>, _ vector: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, stride: Int) {
        var row = 0
        while row + 4 <= stride {
            let products = VectorMath.dot4(vector, gram + row * stride, gram + (row + 1) * stride, gram + (row + 2) * stride,
                                           gram + (row + 3) * stride, count: stride)
            for lane in 0..<4 { output[row + lane] = products[lane] }
            row += 4
        }
    }
}
