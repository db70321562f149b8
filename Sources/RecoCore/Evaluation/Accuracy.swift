import Dispatch

/// RMSE and MAE of a model's predictions against known ratings (Surprise's `accuracy`).
public struct Accuracy: Sendable, Codable, Equatable {
    public var rmse: Double
    public var mae: Double
    public var count: Int

    /// Measures in parallel chunks; each chunk's sums are added in a fixed order, so the result
    /// does not depend on timing.
    public static func measure(_ model: FactorModel, on ratings: TrainingRatings) -> Accuracy {
        let chunks = max(1, min(64, ratings.count / 16_384))
        var sums = [SIMD2<Double>](repeating: .zero, count: chunks)
        sums.withUnsafeMutableBufferPointer { buffer in
            let output = SendablePointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var squared = 0.0
                var absolute = 0.0
                for index in (ratings.count * chunk / chunks)..<(ratings.count * (chunk + 1) / chunks) {
                    let predicted = model.predict(customer: Int(ratings.customers[index]), movie: Int(ratings.movies[index]))
                    let error = Double(ratings.stars[index] - predicted)
                    squared += error * error
                    absolute += abs(error)
                }
                output.pointer[chunk] = SIMD2(squared, absolute)
            }
        }
        let total = sums.reduce(SIMD2<Double>.zero, +)
        let count = Double(max(ratings.count, 1))
        return Accuracy(rmse: (total[0] / count).squareRoot(), mae: total[1] / count, count: ratings.count)
    }
}
