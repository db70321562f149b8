/// Seeded random splits of a data set's rows, as Surprise's `train_test_split` and `KFold` make.
public enum DataSplit {
    /// Shuffles rows 0..<count with `seed` and puts the first `fraction` of them in the test part.
    public static func holdout(count: Int, fraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        let order = shuffled(count: count, seed: seed)
        let testCount = Int((Double(count) * fraction).rounded(.up))
        return (Array(order[testCount...]).sorted(), Array(order[..<testCount]).sorted())
    }

    /// Shuffles rows and cuts them into `folds` parts whose sizes differ by at most one.
    /// Every row is in exactly one fold.
    public static func folds(count: Int, folds: Int, seed: UInt64) -> [[Int]] {
        let order = shuffled(count: count, seed: seed)
        return (0..<folds).map { fold in
            let start = count * fold / folds
            let end = count * (fold + 1) / folds
            return Array(order[start..<end]).sorted()
        }
    }

    /// The rows of every fold but `fold`.
    public static func training(_ folds: [[Int]], leaving fold: Int) -> [Int] {
        folds.enumerated().filter { $0.offset != fold }.flatMap(\.element).sorted()
    }

    static func shuffled(count: Int, seed: UInt64) -> [Int] {
        var random = SplitMix64(seed: seed, stream: 0x5_9117)
        var order = Array(0..<count)
        for index in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(index, random.next(below: index + 1))
        }
        return order
    }
}
