import CLinearAlgebra
import Dispatch
import Synchronization

/// Trains EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", 2019):
/// B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and a zero diagonal, where X holds the
/// weighted interactions. A customer's score for movie j is Σᵢ xᵢ·B[i][j].
///
/// The Gram matrix is accumulated from the sparse rows (cost Σ_customers |row|², not
/// customers × movies²), then inverted in place by LAPACK's Cholesky (`spotrf` + `spotri`,
/// OpenBLAS). Memory: movies² floats (1.26 GB at Netflix's 17,770 movies).
public enum EASETrainer {
    /// Returns B row-major with rows padded to `rowStride(movieCount)` floats (zeros), so that
    /// scoring adds whole SIMD rows.
    public static func train(_ matrix: InteractionMatrix, l2: Float, threads: Int) throws(TrainingError) -> [Float] {
        let n = matrix.movieCount
        guard n > 0, matrix.count > 0 else { throw .noRatings }
        let stride = rowStride(n)
        var gram = [Float](repeating: 0, count: n * stride)
        accumulateGram(matrix, into: &gram, stride: stride, threads: threads)
        for i in 0..<n { gram[i * stride + i] += l2 }

        // OpenBLAS's thread pool is one per process: two factorisations at once (parallel tests,
        // two tuning runs in one process) would make its threads spin against each other, so the
        // LAPACK calls take turns.
        let (factorInfo, inverseInfo) = lapackTurn.withLock { _ -> (Int32, Int32) in
            // Below a few thousand movies the factorisation takes milliseconds and OpenBLAS's
            // extra threads would only spin; above, every thread helps.
            openblas_set_num_threads(Int32(n >= 2_048 ? max(1, threads) : 1))
            // Our row-major lower triangle (row i holds columns 0...i) is LAPACK's column-major
            // upper triangle: handing it over as such spares LAPACKE a transposed copy of movies² floats.
            let factorInfo = LAPACKE_spotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), &gram, Int32(stride))
            guard factorInfo == 0 else { return (factorInfo, 0) }
            return (0, LAPACKE_spotri(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(n), &gram, Int32(stride)))
        }
        guard factorInfo == 0 else {
            throw .invalidParameter("EASE: the Gram matrix is not positive definite (LAPACK info \(factorInfo)); raise λ")
        }
        guard inverseInfo == 0 else { throw .invalidParameter("EASE: the inverse failed (LAPACK info \(inverseInfo))") }

        // P is symmetric and only its lower triangle is set: mirror it, then scale column j by
        // −1/P[j][j] and clear the diagonal.
        gram.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            // In 64 × 64 tiles: a plain column-wise pass would miss the cache on every write.
            let tile = 64
            for rowStart in Swift.stride(from: 0, to: n, by: tile) {
                for columnStart in Swift.stride(from: 0, through: rowStart, by: tile) {
                    for i in rowStart..<min(rowStart + tile, n) {
                        for j in columnStart..<min(columnStart + tile, i) { base[j * stride + i] = base[i * stride + j] }
                    }
                }
            }
        }
        let inverseDiagonal = (0..<n).map { j in -1 / gram[j * stride + j] }
        gram.withUnsafeMutableBufferPointer { buffer in
            let base = SendablePointer(buffer.baseAddress!)
            let chunks = min(n, max(1, threads) * 8)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                    let row = base.pointer + i * stride
                    for j in 0..<n { row[j] *= inverseDiagonal[j] }
                    row[i] = 0
                }
            }
        }
        return gram
    }

    private static let lapackTurn = Mutex(())

    public static func rowStride(_ movieCount: Int) -> Int { (movieCount + 7) / 8 * 8 }

    /// G = XᵀX, lower triangle only. Row i of G belongs to thread i % threads, so each entry has
    /// one writer and is summed in customer order: the result does not depend on timing.
    static func accumulateGram(_ matrix: InteractionMatrix, into gram: inout [Float], stride: Int, threads: Int) {
        let workers = max(1, threads)
        gram.withUnsafeMutableBufferPointer { output in
            let base = SendablePointer(output.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                matrix.movies.withUnsafeBufferPointer { movies in
                    matrix.weights.withUnsafeBufferPointer { weights in
                        for customer in 0..<matrix.customerCount {
                            let row = matrix.row(customer)
                            for p in row where Int(movies[p]) % workers == worker {
                                let target = base.pointer + Int(movies[p]) * stride
                                let weight = weights[p]
                                // Movies in a row are ascending: columns ≤ the row's own movie.
                                for q in row.lowerBound...p { target[Int(movies[q])] += weight * weights[q] }
                            }
                        }
                    }
                }
            }
        }
    }
}
