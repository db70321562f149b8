/// The one merge of ascending lists of dense movie indices: a customer's training history with
/// the movies watched since. Each movie comes out once; with weights, a watched movie has weight
/// 1, also one rated low in training (watching it again is the stronger evidence).
enum SortedMerge {
    /// `history` (with its `weights`, or none: then the result's weights are empty) and
    /// `watched`, ascending.
    static func merge(_ history: UnsafeBufferPointer<UInt32>, weights: UnsafeBufferPointer<Float>?,
                      _ watched: [UInt32]) -> (movies: [UInt32], weights: [Float]) {
        var movies: [UInt32] = []
        var merged: [Float] = []
        movies.reserveCapacity(history.count + watched.count)
        if weights != nil { merged.reserveCapacity(history.count + watched.count) }
        var i = 0
        var j = 0
        while i < history.count || j < watched.count {
            if j == watched.count || (i < history.count && history[i] < watched[j]) {
                movies.append(history[i])
                if let weights { merged.append(weights[i]) }
                i += 1
            } else if i == history.count || watched[j] < history[i] {
                movies.append(watched[j])
                if weights != nil { merged.append(1) }
                j += 1
            } else {
                movies.append(history[i])
                if weights != nil { merged.append(1) }
                i += 1
                j += 1
            }
        }
        return (movies, merged)
    }
}
