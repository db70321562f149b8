/// Keeps the `capacity` best (score, movie) pairs seen, without sorting everything: higher score
/// first, and for equal scores the smaller movie index first, so ties rank deterministically.
struct TopNSelector {
    let capacity: Int
    private(set) var scores: [Float] = []
    private(set) var movies: [Int32] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        scores.reserveCapacity(self.capacity + 1)
        movies.reserveCapacity(self.capacity + 1)
    }

    /// The score a candidate must beat to enter once the list is full.
    var threshold: Float {
        if capacity == 0 { return .infinity }
        return scores.count < capacity ? -.infinity : scores[scores.count - 1]
    }

    @inline(__always)
    mutating func consider(_ score: Float, movie: Int) {
        guard capacity > 0, score >= threshold else { return }
        if scores.count == capacity {
            // Equal to the last one: only a smaller movie index wins the tie.
            if score == scores[capacity - 1] && Int32(movie) > movies[capacity - 1] { return }
        }
        var position = scores.count
        while position > 0 && (scores[position - 1] < score || (scores[position - 1] == score && movies[position - 1] > Int32(movie))) {
            position -= 1
        }
        scores.insert(score, at: position)
        movies.insert(Int32(movie), at: position)
        if scores.count > capacity {
            scores.removeLast()
            movies.removeLast()
        }
    }
}
