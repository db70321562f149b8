import Foundation

/// The best top-10 anyone could serve in `SyntheticWorld`, for the learning loop's ceiling: it
/// knows the hidden tastes and the day's popularity and ranks a customer's unseen movies by the
/// chance the world gives them of being the next watch,
/// P(m) ≈ (1 − (1 − π_m)^C) · E[w_m / (w_m + W)], with π_m the movie's share of popularity,
/// C the candidates a watch draws, w_m = exp(strength · p_u·q_m) and W the summed odds of the
/// other C − 1 candidates. E[…] is estimated from `samples` draws of those candidates, the same
/// draws for every movie of a watch, so the order among movies is exact given the draws.
///
/// Its hit@10 restricted to a catalogue (day 0's movies, those released before the day) is the
/// most any model that knows only that catalogue can reach: the ratio of two such ceilings
/// bounds what learning the new movies can buy. It draws from its own random stream, so the
/// world's watches are the same with or without it.
struct WorldOracle {
    let factors: Int
    let strength: Float
    let candidates: Int
    let samples: Int
    private var random: SplitMix64
    private var odds: [Float] = []
    private var otherOdds: [Float] = []
    /// Each movie's chance of being among a watch's candidates, 1 − (1 − π_m)^C, for the day.
    private var drawChances: [Float] = []

    init(factors: Int, strength: Float, candidates: Int, samples: Int = 32, seed: UInt64) {
        self.factors = factors
        self.strength = strength
        self.candidates = candidates
        self.samples = samples
        self.random = SplitMix64(seed: seed ^ 0x6F72_6163_6C65_2D31)
    }

    /// Sets the day's popularity (it changes once a day, when movies arrive and cool down).
    mutating func startDay(popularity: [Double]) {
        let totalPopularity = popularity.reduce(0, +)
        drawChances = popularity.map { Float(1 - pow(1 - $0 / totalPopularity, Double(candidates))) }
    }

    /// Scores of every movie for one customer (`tastes`: their k factors) on the day set by
    /// `startDay`; seen movies get −∞.
    mutating func scores(tastes: ArraySlice<Float>, movieFactors: [Float], table: AliasTable, seen: Set<Int>) -> [Float] {
        let movies = drawChances.count
        odds = [Float](repeating: 0, count: movies)
        let start = tastes.startIndex
        for movie in 0..<movies {
            var taste: Float = 0
            let base = movie * factors
            for f in 0..<factors { taste += tastes[start + f] * movieFactors[base + f] }
            odds[movie] = exp(strength * taste)
        }
        // The other candidates' summed odds, drawn as the world draws them (seen ones drop out).
        otherOdds = (0..<samples).map { _ in
            var sum: Float = 0
            for _ in 0..<max(candidates - 1, 0) {
                let movie = table.sample(&random)
                if !seen.contains(movie) { sum += odds[movie] }
            }
            return sum
        }
        var result = [Float](repeating: -.infinity, count: movies)
        for movie in 0..<movies where !seen.contains(movie) {
            let w = odds[movie]
            var chosen: Float = 0
            for other in otherOdds { chosen += w / (w + other) }
            result[movie] = drawChances[movie] * chosen / Float(samples)
        }
        return result
    }

    /// Whether `movie` is in the top `limit` of `scores` among movies below `bound`.
    static func inTop(_ limit: Int, movie: Int, scores: [Float], bound: Int) -> Bool {
        guard movie < bound, scores[movie] > -.infinity else { return false }
        let target = scores[movie]
        var above = 0
        for other in 0..<min(bound, scores.count) where scores[other] > target {
            above += 1
            if above >= limit { return false }
        }
        return true
    }
}
