/// Top-k quality of a ranking over the evaluated customers (see `RankingEvaluator` for the
/// protocol). Per-customer figures are averaged; coverage and concentration are over all lists.
public struct RankingMetrics: Sendable, Codable, Equatable {
    public var k: Int
    /// Hits in the top k / k.
    public var precision: Double
    /// Hits in the top k / relevant items.
    public var recall: Double
    /// Σ hit/log2(rank+1) over the ideal DCG of min(relevant, k) hits.
    public var ndcg: Double
    /// Σ over hits of precision@rank, / min(relevant, k).
    public var map: Double
    /// Share of customers with at least one hit.
    public var hitRate: Double
    /// Distinct movies in all top-k lists / movies in training.
    public var coverage: Double
    /// Share of all top-k slots held by the 10 most recommended movies.
    public var concentration: Double
    /// Customers evaluated.
    public var customers: Int

    public init(k: Int, precision: Double, recall: Double, ndcg: Double, map: Double, hitRate: Double,
                coverage: Double, concentration: Double, customers: Int) {
        self.k = k
        self.precision = precision
        self.recall = recall
        self.ndcg = ndcg
        self.map = map
        self.hitRate = hitRate
        self.coverage = coverage
        self.concentration = concentration
        self.customers = customers
    }

    enum CodingKeys: String, CodingKey {
        case k, precision, recall, ndcg, map, coverage, concentration, customers
        case hitRate = "hit_rate"
    }

    /// The average of several measurements (validation carves); customers are summed.
    public static func mean(_ all: [RankingMetrics]) -> RankingMetrics {
        guard let first = all.first else {
            return RankingMetrics(k: 0, precision: 0, recall: 0, ndcg: 0, map: 0, hitRate: 0, coverage: 0, concentration: 0, customers: 0)
        }
        let n = Double(all.count)
        func average(_ value: (RankingMetrics) -> Double) -> Double { all.reduce(0) { $0 + value($1) } / n }
        return RankingMetrics(k: first.k, precision: average(\.precision), recall: average(\.recall), ndcg: average(\.ndcg),
                              map: average(\.map), hitRate: average(\.hitRate), coverage: average(\.coverage),
                              concentration: average(\.concentration), customers: all.reduce(0) { $0 + $1.customers })
    }

    /// One metric by name, as `reco tune --metric` chooses.
    public func value(of metric: RankingMetric) -> Double {
        switch metric {
        case .ndcg: return ndcg
        case .precision: return precision
        case .recall: return recall
        case .map: return map
        case .hitRate: return hitRate
        }
    }

    /// The per-customer figures of one ranked list: `hits[r]` tells whether rank r+1 is relevant.
    static func customerFigures(hits: [Bool], relevant: Int, k: Int) -> (precision: Double, recall: Double, ndcg: Double, map: Double, hit: Double) {
        var dcg = 0.0
        var found = 0
        var averagePrecision = 0.0
        for (rank, hit) in hits.prefix(k).enumerated() where hit {
            found += 1
            dcg += 1 / log2(Double(rank + 2))
            averagePrecision += Double(found) / Double(rank + 1)
        }
        let ideal = min(relevant, k)
        var idealDCG = 0.0
        for rank in 0..<ideal { idealDCG += 1 / log2(Double(rank + 2)) }
        return (Double(found) / Double(k), Double(found) / Double(max(relevant, 1)), ideal > 0 ? dcg / idealDCG : 0,
                ideal > 0 ? averagePrecision / Double(ideal) : 0, found > 0 ? 1 : 0)
    }
}

/// The metric a tuning run maximises.
public enum RankingMetric: String, Sendable, Codable, CaseIterable {
    case ndcg, precision, recall, map
    case hitRate = "hit-rate"
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
