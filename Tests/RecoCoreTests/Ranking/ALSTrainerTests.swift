@testable import RecoCore
import Testing
import TestSupport

@Suite struct ALSTrainerTests {
    private static func parameters(threads: Int = 1) -> RankerParameters {
        var parameters = RankerParameters(kind: .ials)
        parameters.factors = 8
        parameters.iterations = 6
        parameters.threads = threads
        parameters.regularization = 5
        return parameters
    }

    @Test func deterministicForASeedWhateverTheThreads() async throws {
        let dataset = try SyntheticRatings.make(customers: 600, movies: 80, ratings: 5_000)
        let matrix = InteractionMatrix(TrainingRatings(dataset), weighting: FeedbackWeighting())
        let (one, three) = try await offPool {
            (try ALSTrainer(parameters: Self.parameters(threads: 1)).train(matrix), try ALSTrainer(parameters: Self.parameters(threads: 3)).train(matrix))
        }
        #expect(one.customerFactors == three.customerFactors)
        #expect(one.movieFactors == three.movieFactors)
        #expect(one.customerFactors.allSatisfy { $0.isFinite })
    }

    /// Fold-in with the movie factors fixed is the same solve training makes for that row, so it
    /// must land on the exact least-squares solution once CG has enough steps.
    @Test func foldInMatchesTheExactSolveForOneCustomer() async throws {
        var exact = Self.parameters()
        exact.conjugateGradientSteps = 32
        let dataset = try SyntheticRatings.make(customers: 600, movies: 80, ratings: 5_000)
        let matrix = InteractionMatrix(TrainingRatings(dataset), weighting: FeedbackWeighting())
        let trainer = ALSTrainer(parameters: exact)
        let factors = try await offPool { try trainer.train(matrix) }
        let stride = factors.stride
        let gram = trainer.gramian(factors.movieFactors, count: matrix.movieCount, stride: stride)
        let customer = 3
        let range = matrix.row(customer)
        let history = Array(matrix.movies[range])
        let weights = Array(matrix.weights[range])
        let meanCount = Float(matrix.count) / Float(matrix.customerCount)
        let folded = factors.movieFactors.withUnsafeBufferPointer { movies in
            trainer.foldIn(movies: history, weights: weights, movieFactors: movies, gram: gram, stride: stride, customerMeanCount: meanCount)
        }
        // Normal equations solved directly in Double.
        let k = exact.factors
        let lambda = Double(trainer.regularization(count: history.count, meanCount: meanCount))
        var a = (0..<k).map { i in (0..<k).map { j in Double(gram[i * stride + j]) + (i == j ? lambda : 0) } }
        var b = [Double](repeating: 0, count: k)
        for (movie, weight) in zip(history, weights) {
            let y = (0..<k).map { Double(factors.movieFactors[Int(movie) * stride + $0]) }
            let confidence = 1 + Double(exact.alpha * weight)
            for i in 0..<k {
                b[i] += confidence * y[i]
                for j in 0..<k { a[i][j] += (confidence - 1) * y[i] * y[j] }
            }
        }
        for column in 0..<k {
            let pivot = a[column][column]
            for j in 0..<k { a[column][j] /= pivot }
            b[column] /= pivot
            for row in 0..<k where row != column {
                let factor = a[row][column]
                for j in 0..<k { a[row][j] -= factor * a[column][j] }
                b[row] -= factor * b[column]
            }
        }
        for f in 0..<k { #expect(abs(Double(folded[f]) - b[f]) < 1e-3, "factor \(f): \(folded[f]) vs \(b[f])") }
        for f in k..<stride { #expect(folded[f] == 0) }
    }
}
