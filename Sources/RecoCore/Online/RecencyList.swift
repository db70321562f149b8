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
        if let newest { nodes[newest]?.newer = key }
        newest = key
        if oldest == nil { oldest = key }
    }

    /// Makes an existing key the most recent.
    mutating func touch(_ key: UInt32) {
        guard newest != key, let value = remove(key) else { return }
        setNewest(key, value)
    }

    @discardableResult
    mutating func remove(_ key: UInt32) -> Value? {
        guard let node = nodes.removeValue(forKey: key) else { return nil }
        if let older = node.older { nodes[older]?.newer = node.newer } else { oldest = node.newer }
        if let newer = node.newer { nodes[newer]?.older = node.older } else { newest = node.older }
        return node.value
    }

    mutating func removeAll() {
        nodes.removeAll()
        oldest = nil
        newest = nil
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
