@testable import RecoCore
import Testing

@Suite struct SortedMergeTests {
    @Test func mergesEachMovieOnceAndAWatchedMovieWeighsOne() {
        let history: [UInt32] = [1, 4, 7, 9]
        let weights: [Float] = [0.5, -0.25, 1, 0.75]
        let watched: [UInt32] = [0, 4, 8, 12]
        history.withUnsafeBufferPointer { history in
            weights.withUnsafeBufferPointer { weights in
                let merged = SortedMerge.merge(history, weights: weights, watched)
                #expect(merged.movies == [0, 1, 4, 7, 8, 9, 12])
                #expect(merged.weights == [1, 0.5, 1, 1, 1, 0.75, 1])
                let union = SortedMerge.merge(history, weights: nil, watched)
                #expect(union.movies == merged.movies && union.weights.isEmpty)
            }
        }
        let empty = SortedMerge.merge(UnsafeBufferPointer(start: nil, count: 0), weights: nil, [3, 5])
        #expect(empty.movies == [3, 5])
    }
}
