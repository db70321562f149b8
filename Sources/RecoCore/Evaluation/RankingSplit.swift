/// How ratings are split into training and held-out parts for ranking evaluation. Splits work on
/// rows of a data set, so a validation split can be carved from a training part the same way.
public enum RankingSplit: Sendable, Equatable {
    /// A seeded random share of the rows.
    case fraction(Double, seed: UInt64)
    /// Per customer, the latest `fraction` of their ratings by date (ties by movie id); customers
    /// with fewer than `minimumRatings` ratings stay wholly in training.
    case time(fraction: Double, minimumRatings: Int)

    public static let defaultTime = RankingSplit.time(fraction: 0.2, minimumRatings: 5)

    public var summary: String {
        switch self {
        case .fraction(let fraction, let seed): return "random \(Int((fraction * 100).rounded()))% (seed \(seed))"
        case .time(let fraction, let minimum): return "time: last \(Int((fraction * 100).rounded()))% per customer (≥ \(minimum) ratings)"
        }
    }

    /// Splits `rows` (ascending rows of `dataset`) into training and held-out rows, both ascending.
    public func split(_ rows: [Int], of dataset: RatingsDataset) -> (train: [Int], test: [Int]) {
        switch self {
        case .fraction(let fraction, let seed):
            let positions = DataSplit.holdout(count: rows.count, fraction: fraction, seed: seed)
            return (positions.train.map { rows[$0] }, positions.test.map { rows[$0] })
        case .time(let fraction, let minimum):
            var byCustomer = [[Int]](repeating: [], count: dataset.customerCount)
            for row in rows { byCustomer[Int(dataset.customerIndex[row])].append(row) }
            var isTest = [Bool](repeating: false, count: dataset.count)
            for customerRows in byCustomer where customerRows.count >= max(minimum, 2) {
                let ordered = customerRows.sorted { a, b in
                    let (dayA, dayB) = (dataset.days[a], dataset.days[b])
                    if dayA != dayB { return dayA < dayB }
                    let (movieA, movieB) = (dataset.movieIndex[a], dataset.movieIndex[b])
                    return movieA != movieB ? movieA < movieB : a < b
                }
                let held = min(ordered.count - 1, max(1, Int((Double(ordered.count) * fraction).rounded())))
                for row in ordered.suffix(held) { isTest[row] = true }
            }
            var train: [Int] = []
            var test: [Int] = []
            for row in rows {
                if isTest[row] { test.append(row) } else { train.append(row) }
            }
            return (train, test)
        }
    }
}
