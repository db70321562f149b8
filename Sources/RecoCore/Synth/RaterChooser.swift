import Foundation

/// Picks who rates a movie: `candidates` customers drawn by activity, one of them chosen with
/// odds exp(strength × p_u·q_i), so taste decides who rates as well as how.
struct RaterChooser {
    let activity: AliasTable
    let factors: Int
    let customerFactors: [Float]
    let movieFactors: [Float]
    let strength: Float
    let candidates: Int

    @inline(__always)
    func taste(_ customer: Int, _ movie: Int) -> Float {
        var sum: Float = 0
        for f in 0..<factors { sum += customerFactors[customer * factors + f] * movieFactors[movie * factors + f] }
        return sum
    }

    func choose(movie: Int, excluding taken: (Int) -> Bool, _ random: inout SplitMix64) -> Int {
        func draw() -> Int {
            var customer = activity.sample(&random)
            while taken(customer) { customer = activity.sample(&random) }
            return customer
        }
        guard strength > 0, candidates > 1 else { return draw() }
        var drawn: [(customer: Int, weight: Float)] = []
        var total: Float = 0
        for _ in 0..<candidates {
            let customer = draw()
            let weight = exp(strength * taste(customer, movie))
            drawn.append((customer, weight))
            total += weight
        }
        var pick = Float(random.nextUnit()) * total
        for candidate in drawn {
            pick -= candidate.weight
            if pick <= 0 { return candidate.customer }
        }
        return drawn[drawn.count - 1].customer
    }
}
