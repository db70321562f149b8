/// Walker's alias method: draws index i with probability weights[i] / sum in O(1).
struct AliasTable: Sendable {
    private var probability: [Double]
    private var alias: [Int32]

    init(weights: [Double]) {
        let count = weights.count
        let total = weights.reduce(0, +)
        probability = weights.map { $0 * Double(count) / total }
        alias = [Int32](repeating: 0, count: count)
        var small: [Int] = []
        var large: [Int] = []
        for (index, scaled) in probability.enumerated() {
            if scaled < 1 { small.append(index) } else { large.append(index) }
        }
        while let less = small.popLast(), let more = large.last {
            alias[less] = Int32(more)
            probability[more] -= 1 - probability[less]
            if probability[more] < 1 {
                large.removeLast()
                small.append(more)
            }
        }
        // Rounding leftovers are certain picks of themselves.
        for index in large + small { probability[index] = 1 }
    }

    @inline(__always)
    func sample(_ random: inout SplitMix64) -> Int {
        let column = random.next(below: probability.count)
        return random.nextUnit() < probability[column] ? column : Int(alias[column])
    }
}
