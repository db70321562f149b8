/// Values by customer id in order of activity, least recent first: finding, updating, moving to
/// the most recent end and evicting the least recent are O(1). A doubly linked list threaded
/// through the dictionary by key, so no node is allocated on its own. Not thread-safe: its
/// owners keep it behind their lock.
struct RecencyList<Value> {
    private struct Node {
        var value: Value
        var older: UInt32?
        var newer: UInt32?
    }

    private var nodes: [UInt32: Node] = [:]
    private(set) var oldest: UInt32?
    private(set) var newest: UInt32?

    var count: Int { nodes.count }

    func value(of key: UInt32) -> Value? { nodes[key]?.value }

    /// Changes a value in place without counting as activity; nil when the key is absent.
    mutating func update<Result>(_ key: UInt32, _ body: (inout Value) -> Result) -> Result? {
        guard let index = nodes.index(forKey: key) else { return nil }
        // In place through the values view: the value is not copied out and back.
        return body(&nodes.values[index].value)
    }

    /// Inserts or replaces the value and makes it the most recent.
    mutating func setNewest(_ key: UInt32, _ value: Value) {
        remove(key)
        nodes[key] = Node(value: value, older: newest, newer: nil)
        if let newest { setNewer(of: newest, to: key) }
        newest = key
        if oldest == nil { oldest = key }
    }

    /// Makes an existing key the most recent by relinking it: the value stays where it is.
    mutating func touch(_ key: UInt32) {
        guard newest != key, let index = nodes.index(forKey: key) else { return }
        unlink(older: nodes.values[index].older, newer: nodes.values[index].newer)
        nodes.values[index].older = newest
        nodes.values[index].newer = nil
        if let newest { setNewer(of: newest, to: key) }
        newest = key
        if oldest == nil { oldest = key }
    }

    @discardableResult
    mutating func remove(_ key: UInt32) -> Value? {
        guard let node = nodes.removeValue(forKey: key) else { return nil }
        unlink(older: node.older, newer: node.newer)
        return node.value
    }

    /// Joins a node's neighbours to each other. Through indices, so no node is copied out and back.
    private mutating func unlink(older: UInt32?, newer: UInt32?) {
        if let older { setNewer(of: older, to: newer) } else { oldest = newer }
        if let newer {
            if let index = nodes.index(forKey: newer) { nodes.values[index].older = older }
        } else {
            newest = older
        }
    }

    private mutating func setNewer(of key: UInt32, to newer: UInt32?) {
        if let index = nodes.index(forKey: key) { nodes.values[index].newer = newer }
    }

    /// Every key, least recent first.
    var keysByActivity: [UInt32] {
        var order: [UInt32] = []
        order.reserveCapacity(nodes.count)
        var next = oldest
        while let key = next {
            order.append(key)
            next = nodes[key]?.newer
        }
        return order
    }

    /// Every key, in no particular order.
    var allKeys: [UInt32] { Array(nodes.keys) }
}
