import Foundation

/// Ratings split into a T×T grid of blocks by customer group and movie group (as LIBMF does),
/// so that T blocks sharing no customer and no movie can be trained at the same time.
///
/// Groups come from a seeded random permutation, which balances block sizes. Inside a block
/// ratings are ordered by customer (customers in random order, each customer's ratings
/// shuffled), like Surprise's per-user pass and kind to the cache: p_u stays hot.
struct BlockGrid {
    /// One rating as the SGD loop reads it: 12 bytes, one load per rating.
    struct Entry {
        var customer: UInt32
        var movie: UInt32
        var stars: Float
    }

    let size: Int
    /// Ratings block by block: block (row, column) is `entries[start[row * size + column]..<start[... + 1]]`.
    let entries: [Entry]
    let start: [Int]

    init(_ ratings: TrainingRatings, size: Int, random: inout SplitMix64) {
        self.size = size
        let customerRank = Self.permutation(ratings.customerCount, &random)
        let movieGroup = Self.permutation(ratings.movieCount, &random).map { UInt32(Int($0) % size) }
        let customersPerGroup = (ratings.customerCount + size - 1) / size

        // Key = (block, customer rank within its group): a counting sort by key groups each
        // block's ratings by customer. Keys are computed in parallel parts (8M random lookups).
        let keyCount = size * size * customersPerGroup
        var keys = [UInt32](repeating: 0, count: ratings.count)
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, ratings.count / 65_536))
        keys.withUnsafeMutableBufferPointer { keys in
            let output = SendablePointer(keys.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for row in (ratings.count * part / parts)..<(ratings.count * (part + 1) / parts) {
                    let rank = Int(customerRank[Int(ratings.customers[row])])
                    let block = (rank % size) * size + Int(movieGroup[Int(ratings.movies[row])])
                    output.pointer[row] = UInt32(block * customersPerGroup + rank / size)
                }
            }
        }
        var counts = [Int](repeating: 0, count: keyCount + 1)
        for key in keys { counts[Int(key) + 1] += 1 }
        for index in 0..<keyCount { counts[index + 1] += counts[index] }
        start = (0...(size * size)).map { counts[$0 * customersPerGroup] }

        var position = counts
        var placed = [Entry](unsafeUninitializedCapacity: ratings.count) { buffer, initialized in
            for row in 0..<ratings.count {
                let key = Int(keys[row])
                buffer[position[key]] = Entry(customer: ratings.customers[row], movie: ratings.movies[row], stars: ratings.stars[row])
                position[key] += 1
            }
            initialized = ratings.count
        }
        // Shuffle each customer's ratings in place (short, cache-local runs), in parallel parts:
        // each customer's run has a random stream of its own, so the order does not depend on the parts.
        let shuffleSeed = random.next()
        let runs = counts
        placed.withUnsafeMutableBufferPointer { placed in
            let output = SendablePointer(placed.baseAddress!)
            let keyParts = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, keyCount / 1_024))
            DispatchQueue.concurrentPerform(iterations: keyParts) { part in
                for key in (keyCount * part / keyParts)..<(keyCount * (part + 1) / keyParts) where runs[key + 1] - runs[key] > 1 {
                    var stream = SplitMix64(seed: shuffleSeed, stream: UInt64(key))
                    let base = runs[key]
                    for index in Swift.stride(from: runs[key + 1] - base - 1, to: 0, by: -1) {
                        let other = base + stream.next(below: index + 1)
                        let swapped = output.pointer[base + index]
                        output.pointer[base + index] = output.pointer[other]
                        output.pointer[other] = swapped
                    }
                }
            }
        }
        entries = placed
    }

    /// Round `round` pairs row group g with column group (g + round) mod size.
    func block(row: Int, round: Int) -> Range<Int> {
        let index = row * size + (row + round) % size
        return start[index]..<start[index + 1]
    }

    private static func permutation(_ count: Int, _ random: inout SplitMix64) -> [UInt32] {
        var values = (0..<count).map { UInt32($0) }
        for index in Swift.stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(index, random.next(below: index + 1))
        }
        return values
    }
}
