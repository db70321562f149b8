/// Binary search in ascending id lists (the dense-index maps of data sets and model files).
public enum SortedIds {
    /// The position of `id` in `ids`, or nil when it is not there.
    public static func index(of id: UInt32, in ids: UnsafeBufferPointer<UInt32>) -> Int? {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == id ? low : nil
    }
}
