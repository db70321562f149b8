/// RMSE and MAE of a model's predictions against known ratings (Surprise's `accuracy`).
public struct Accuracy: Sendable, Codable, Equatable {
    public var rmse: Double
    public var mae: Double
    public var count: Int

    public static func measure(_ model: FactorModel, on ratings: TrainingRatings) -> Accuracy {
        var squared = 0.0
        var absolute = 0.0
        for index in 0..<ratings.count {
            let error = Double(ratings.stars[index] - model.predict(customer: Int(ratings.customers[index]), movie: Int(ratings.movies[index])))
            squared += error * error
            absolute += abs(error)
        }
        let count = Double(max(ratings.count, 1))
        return Accuracy(rmse: (squared / count).squareRoot(), mae: absolute / count, count: ratings.count)
    }
}
