/// Lists of many customers at once: the factor scans among them share their passes over the
/// movie rows, `maximumScanBatch` customers a pass.
extension Recommender {
    /// Customers a pass over the movie rows serves: their factors (8 × 64 floats) and a block of
    /// four movie rows stay in L1 together.
    public static let maximumScanBatch = 8

    /// The lists of `plans`, in their order.
    public func resolve(_ plans: [ListPlan]) -> [Recommendation] {
        var answers = [Recommendation?](repeating: nil, count: plans.count)
        var scans: [FactorScan] = []
        var scanSlots: [Int] = []
        for (slot, plan) in plans.enumerated() {
            switch plan {
            case .answered(let recommendation): answers[slot] = recommendation
            case .scan(let scan):
                scans.append(scan)
                scanSlots.append(slot)
            }
        }
        for (slot, recommendation) in zip(scanSlots, scan(scans)) { answers[slot] = recommendation }
        return answers.map { $0! }
    }

    /// Runs factor scans, `maximumScanBatch` a pass (iALS and SVD orders in passes of their own).
    public func scan(_ scans: [FactorScan]) -> [Recommendation] {
        var answers = [Recommendation?](repeating: nil, count: scans.count)
        for kind in [RankedBy.ials, .svd] {
            let slots = scans.indices.filter { scans[$0].rankedBy == kind }
            var start = 0
            while start < slots.count {
                let chunk = slots[start..<min(start + Self.maximumScanBatch, slots.count)]
                let batch = ArraySlice(chunk.map { scans[$0] })
                let selectors: [TopNSelector]
                if kind == .ials {
                    selectors = selectByDot(batch, blocks: rankerBlocks!, bias: nil)
                } else {
                    selectors = selectByDot(batch, blocks: svdBlocks!, bias: model.movieBias)
                }
                for (slot, selector) in zip(chunk, selectors) {
                    let scan = scans[slot]
                    answers[slot] = makeRecommendation(scan.customerId, customer: scan.customer, coldStart: false, selector, rankedBy: kind)
                }
                start += Self.maximumScanBatch
            }
        }
        return answers.map { $0! }
    }
}
