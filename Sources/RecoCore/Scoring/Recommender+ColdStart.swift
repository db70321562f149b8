/// Lists for customers the ranker cannot personalise: unknown to the model and nothing watched,
/// or no positive history.
extension Recommender {
    func coldStart(_ customerId: UInt32, limit: Int, useRanker: Bool, excluding watched: [UInt32]) -> Recommendation {
        if useRanker {
            return watched.withUnsafeBufferPointer { popular(customerId, customer: nil, rated: $0, limit: limit) }
        }
        var selector = TopNSelector(capacity: limit)
        let movieBias = model.movieBias
        var next = 0
        for movie in 0..<model.movieCount {
            while next < watched.count && Int(watched[next]) < movie { next += 1 }
            if next < watched.count && Int(watched[next]) == movie { continue }
            selector.consider(movieBias[movie], movie: movie)
        }
        return makeRecommendation(customerId, customer: nil, coldStart: true, selector, rankedBy: .movieBias)
    }

    /// The most rated movies in training, the customer's own left out.
    func popular(_ customerId: UInt32, customer: Int?, rated: UnsafeBufferPointer<UInt32>, limit: Int) -> Recommendation {
        var selector = TopNSelector(capacity: limit)
        if let popularity = model.popularity, let base = popularity.baseAddress {
            // select() writes into its scores: a copy, never the model's own.
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: model.movieCount)
            defer { scores.deallocate() }
            scores.update(from: base, count: model.movieCount)
            select(scores, rated: rated, into: &selector)
        }
        return makeRecommendation(customerId, customer: customer, coldStart: customer == nil, selector, rankedBy: .popularity)
    }
}
