@testable import RecoCore
import Testing

/// The activity order the overlay and the score cache evict by.
@Suite struct RecencyListTests {
    @Test func touchingRemovingAndReplacingKeepTheOrder() {
        var list = RecencyList<[Int]>()
        for key: UInt32 in [1, 2, 3, 4] { list.setNewest(key, [Int(key)]) }
        #expect(list.keysByActivity == [1, 2, 3, 4])
        list.touch(1) // the oldest
        list.touch(3) // one in the middle
        list.touch(3) // already the newest
        #expect(list.keysByActivity == [2, 4, 1, 3])
        #expect(list.oldest == 2 && list.newest == 3)
        #expect(list.remove(4) == [4])
        #expect(list.remove(4) == nil)
        list.setNewest(2, [20]) // replaced, and now the newest
        #expect(list.keysByActivity == [1, 3, 2])
        #expect(list.update(3) { $0.append(30); return $0.count } == 2)
        #expect(list.value(of: 3) == [3, 30])
        #expect(list.update(9) { $0.count } == nil)
        #expect(list.keysByActivity == [1, 3, 2]) // updating is not activity
        list.touch(9) // absent: nothing happens
        #expect(list.count == 3)
        for key in list.keysByActivity { list.remove(key) }
        #expect(list.keysByActivity.isEmpty && list.oldest == nil && list.newest == nil)
        list.setNewest(7, [7])
        #expect(list.keysByActivity == [7])
    }
}
