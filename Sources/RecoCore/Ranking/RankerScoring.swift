/// The ranker's scoring kernels over raw rows, shared by evaluation (arrays in memory) and
/// serving (sections of a mapped model file). `scores` must hold a whole padded row.
public enum RankerScoring {
    /// EASE: scores = Σ weight·B[movie] over the history, in one pass of SIMD row additions.
    @inline(__always)
    public static func itemItem(rows: UnsafePointer<Float>, stride: Int, history: UnsafeBufferPointer<UInt32>,
                                weights: UnsafeBufferPointer<Float>, into scores: UnsafeMutablePointer<Float>) {
        scores.update(repeating: 0, count: stride)
        for index in history.indices where weights[index] > 0 {
            VectorMath.axpy(weights[index], rows + Int(history[index]) * stride, scores, count: stride)
        }
    }

    /// Factor models: scores[m] = x·y_m.
    @inline(__always)
    public static func factors(customer: UnsafePointer<Float>, movies: UnsafePointer<Float>, movieCount: Int, stride: Int,
                               into scores: UnsafeMutablePointer<Float>) {
        for movie in 0..<movieCount {
            scores[movie] = VectorMath.dot(customer, movies + movie * stride, count: stride)
        }
    }
}
