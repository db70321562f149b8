/// Seeded random splits of a data set's rows, as Surprise's `train_test_split` and `KFold` make.
/// Row lists come back ascending.
public enum DataSplit {
    /// A seeded random `fraction` of rows 0..<count (rounded up) for testing, the rest for training.
    public static func holdout(count: Int, fraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        let testCount = min(count, Int((Double(count) * fraction).rounded(.up)))
        // A partial Fisher–Yates shuffle picks the test rows; a scan keeps both parts in order.
        var random = generator(seed)
        var order = (0..<count).map { UInt32($0) }
        for index in 0..<testCount {
            order.swapAt(index, index + random.next(below: count - index))
        }
        var isTest = [Bool](repeating: false, count: count)
        for index in 0..<testCount { isTest[Int(order[index])] = true }
        var train: [Int] = []
        var test: [Int] = []
        train.reserveCapacity(count - testCount)
        test.reserveCapacity(testCount)
        for row in 0..<count {
            if isTest[row] { test.append(row) } else { train.append(row) }
        }
        return (train, test)
    }

    /// Shuffles rows and cuts them into `folds` parts whose sizes differ by at most one.
    /// Every row is in exactly one fold.
    public static func folds(count: Int, folds: Int, seed: UInt64) -> [[Int]] {
        var random = generator(seed)
        var order = (0..<count).map { UInt32($0) }
        for index in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(index, random.next(below: index + 1))
        }
        var foldOf = [UInt8](repeating: 0, count: count)
        for position in 0..<count { foldOf[Int(order[position])] = UInt8(position * folds / count) }
        var result = [[Int]](repeating: [], count: folds)
        for row in 0..<count { result[Int(foldOf[row])].append(row) }
        return result
    }

    /// The rows of every fold but `fold`, ascending.
    public static func training(_ folds: [[Int]], leaving fold: Int) -> [Int] {
        folds.enumerated().filter { $0.offset != fold }.flatMap(\.element).sorted()
    }

    private static func generator(_ seed: UInt64) -> SplitMix64 {
        SplitMix64(seed: seed, stream: 0x5_9117)
    }
}
