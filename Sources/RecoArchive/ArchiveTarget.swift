/// Where closed objects go. `put` returns only once the object is durable (synced file,
/// or an object store's success answer); writing the same key again replaces the object.
public protocol ArchiveTarget: Sendable {
    func put(key: String, body: [UInt8]) async throws
    /// Keys under `prefix`, sorted (the demo, tests and operators).
    func list(prefix: String) async throws -> [String]
    /// An object's bytes (`reco audit --archive` reads what was archived).
    func get(key: String) async throws -> [UInt8]
    /// Where objects go, without secrets.
    var description: String { get }
}
