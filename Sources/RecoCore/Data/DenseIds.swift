/// Replaces sparse ids (customer 2,649,429) with dense indices 0..<count, kept in id order.
enum DenseIds {
    /// Ids up to this bound are mapped through a direct lookup table; larger ones by sorting.
    static let directLimit: UInt32 = 1 << 26

    /// Rewrites `ids` in place to dense indices and returns the distinct ids in ascending order,
    /// so that `distinct[index]` is the original id.
    static func densify(_ ids: inout [UInt32]) -> [UInt32] {
        guard let maxId = ids.max() else { return [] }
        if maxId < directLimit {
            var slot = [UInt32](repeating: .max, count: Int(maxId) + 1)
            for id in ids { slot[Int(id)] = 0 }
            var distinct: [UInt32] = []
            for id in 0...Int(maxId) where slot[id] == 0 {
                slot[id] = UInt32(distinct.count)
                distinct.append(UInt32(id))
            }
            for index in ids.indices { ids[index] = slot[Int(ids[index])] }
            return distinct
        }
        let distinct = Array(Set(ids)).sorted()
        var slot: [UInt32: UInt32] = [:]
        slot.reserveCapacity(distinct.count)
        for (index, id) in distinct.enumerated() { slot[id] = UInt32(index) }
        for index in ids.indices { ids[index] = slot[ids[index]] ?? 0 }
        return distinct
    }
}
