@testable import RecoCore
import Testing
import TestSupport

@Suite struct EASETrainerTests {
    /// B from the closed form with a plain Gauss–Jordan inverse in Double, for comparison.
    private func reference(_ rows: [[Double]], lambda: Double) -> [[Double]] {
        let n = rows[0].count
        var gram = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for row in rows {
            for i in 0..<n { for j in 0..<n { gram[i][j] += row[i] * row[j] } }
        }
        for i in 0..<n { gram[i][i] += lambda }
        var inverse = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for column in 0..<n {
            let pivot = gram[column][column]
            for j in 0..<n { gram[column][j] /= pivot; inverse[column][j] /= pivot }
            for row in 0..<n where row != column {
                let factor = gram[row][column]
                for j in 0..<n { gram[row][j] -= factor * gram[column][j]; inverse[row][j] -= factor * inverse[column][j] }
            }
        }
        return (0..<n).map { i in (0..<n).map { j in i == j ? 0 : -inverse[i][j] / inverse[j][j] } }
    }

    @Test func matchesTheClosedFormOnASmallMatrix() throws {
        // 5 customers × 4 movies with weights; movie 3 is chosen by nobody.
        let dense: [[Double]] = [[1, 0.5, 0, 0], [1, 1, 1, 0], [0, 1, 1, 0], [0.5, 0, 1, 0], [1, 1, 0, 0]]
        var customers: [UInt32] = []
        var movies: [UInt32] = []
        var weights: [Float] = []
        for (c, row) in dense.enumerated() {
            for (m, value) in row.enumerated() where value > 0 {
                customers.append(UInt32(c)); movies.append(UInt32(m)); weights.append(Float(value))
            }
        }
        let matrix = InteractionMatrix(customers: customers, movies: movies, weights: weights, customerCount: 5, movieCount: 4)
        let b = try EASETrainer.train(matrix, l2: 2, threads: 2)
        let stride = EASETrainer.rowStride(4)
        let expected = reference(dense, lambda: 2)
        for i in 0..<4 {
            for j in 0..<4 {
                #expect(abs(Double(b[i * stride + j]) - expected[i][j]) < 1e-5, "B[\(i)][\(j)]")
            }
            #expect(b[i * stride + i] == 0)
        }
        // Padding stays zero, so SIMD row additions add nothing beyond the movies.
        for i in 0..<4 { for j in 4..<stride { #expect(b[i * stride + j] == 0) } }
    }

    /// Deterministic for a thread count; across thread counts LAPACK sums in another order, so
    /// the weights agree to rounding only.
    @Test func deterministicForAThreadCount() async throws {
        let dataset = try SyntheticRatings.make(customers: 800, movies: 120, ratings: 12_000)
        let matrix = InteractionMatrix(TrainingRatings(dataset), weighting: FeedbackWeighting())
        let (single, again, several) = try await offPool {
            (try EASETrainer.train(matrix, l2: 50, threads: 1), try EASETrainer.train(matrix, l2: 50, threads: 1),
             try EASETrainer.train(matrix, l2: 50, threads: 3))
        }
        #expect(again == single)
        #expect(zip(single, several).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func refusesANonPositiveLambdaThroughValidation() {
        var parameters = RankerParameters(kind: .ease)
        parameters.l2 = 0
        #expect(throws: TrainingError.self) { try parameters.validate() }
    }
}
