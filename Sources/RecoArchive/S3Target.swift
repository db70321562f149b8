/// Objects in an S3 bucket (AWS or any S3-compatible store). S3 acknowledges a PutObject only
/// once the object is stored durably, so a successful `put` is the commit point.
public struct S3Target: ArchiveTarget {
    public let client: S3Client

    public init(client: S3Client) {
        self.client = client
    }

    public var description: String { client.location.description }

    public func put(key: String, body: [UInt8]) async throws {
        try await client.putObject(key: key, body: body)
    }

    public func list(prefix: String) async throws -> [String] {
        try await client.listObjects(prefix: prefix)
    }

    public func get(key: String) async throws -> [UInt8] {
        try await client.getObject(key: key)
    }
}
