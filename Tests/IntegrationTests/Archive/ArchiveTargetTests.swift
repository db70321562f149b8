import Foundation
import RecoArchive
import RecoCore
import Testing
import TestSupport

/// The directory target, and the S3 target against the moto S3 server that scripts/test starts
/// (RECO_TEST_S3_ENDPOINT); with RECO_REQUIRE_S3 set, a missing server fails instead of skipping.
struct ArchiveTargetTests {
    static var s3Endpoint: String? { TestEnvironment.s3Endpoint }
    static var s3Enabled: Bool { TestEnvironment.s3Enabled }

    /// moto accepts any credentials; these are its documented test values, not secrets.
    static let testCredentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")

    static func client(bucket: String) throws -> S3Client {
        let endpoint = try #require(s3Endpoint, "RECO_TEST_S3_ENDPOINT is not set")
        return S3Client(location: .init(endpoint: endpoint, bucket: bucket, region: "us-east-1", pathStyle: true),
                        credentials: testCredentials)
    }

    @Test func directoryObjectsAreFilesThatCanBeReplaced() async throws {
        let root = NSTemporaryDirectory() + "archive-\(UUID().uuidString)"
        let target = DirectoryTarget(root: root)
        let key = ArchiveSettings().objectKey(topic: "t", partition: 0, startOffset: 0)
        try await target.put(key: key, body: Array("{\"a\":1}\n".utf8))
        try await target.put(key: key, body: Array("{\"a\":2}\n".utf8))
        try await target.put(key: "topics/t/partition=1/t+1+0000000005.json", body: [])
        #expect(try String(contentsOfFile: root + "/" + key, encoding: .utf8) == "{\"a\":2}\n")
        #expect(try await target.list(prefix: "topics/t/") == [key, "topics/t/partition=1/t+1+0000000005.json"])
        #expect(try await target.list(prefix: "topics/t/partition=1") == ["topics/t/partition=1/t+1+0000000005.json"])
        await #expect(throws: ArchiveError.self) { try await target.put(key: "../escape.json", body: []) }
    }

    @Test(.enabled(if: s3Enabled))
    func s3ObjectsArePutListedAndReplaced() async throws {
        let bucket = "reco-test-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try Self.client(bucket: bucket)
        try await client.createBucket()
        try await client.createBucket()  // already ours: fine
        let keys = (0..<3).map { ArchiveSettings().objectKey(topic: "watch_events", partition: Int32($0), startOffset: Int64($0 * 1000)) }
        for key in keys { try await client.putObject(key: key, body: Array("{\"key\":\"\(key)\"}\n".utf8)) }
        try await client.putObject(key: keys[0], body: Array("{\"replaced\":true}\n".utf8))
        #expect(try await client.listObjects(prefix: "topics/watch_events/") == keys)
        #expect(try await client.listObjects(prefix: "topics/watch_events/partition=2/") == [keys[2]])
        #expect(try await client.getObject(key: keys[0]) == Array("{\"replaced\":true}\n".utf8))
        #expect(try await S3Target(client: client).list(prefix: "topics/") == keys)
    }

    /// `reco audit --archive s3://…` reads the objects back through the same target.
    @Test(.enabled(if: s3Enabled))
    func anS3ArchiveIsAuditedFromItsObjects() async throws {
        let bucket = "reco-audit-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try Self.client(bucket: bucket)
        try await client.createBucket()
        let settings = ArchiveSettings()
        try await client.putObject(key: settings.objectKey(topic: "w", partition: 0, startOffset: 0), body: Array("{}\n{}\n{}\n".utf8))
        try await client.putObject(key: settings.objectKey(topic: "w", partition: 0, startOffset: 5), body: Array("{}\n{}\n".utf8))
        let target = S3Target(client: client)
        #expect(try await target.get(key: settings.objectKey(topic: "w", partition: 0, startOffset: 5)) == Array("{}\n{}\n".utf8))
        let result = try await ArchiveAudit(target: target, settings: settings).audit(topic: "w", partition: 0, range: 0..<7, leftOut: [], lost: [])
        #expect(result.objects == 2 && result.archived == 5 && result.archivedTwice == 0 && result.notArchived == [3...4])
    }

    @Test(.enabled(if: s3Enabled))
    func s3ErrorsNameTheCodeAndKey() async throws {
        let client = try Self.client(bucket: "reco-missing-\(UUID().uuidString.prefix(8).lowercased())")
        do {
            try await client.putObject(key: "a/b.json", body: [1])
            Issue.record("a put into a missing bucket succeeded")
        } catch {
            guard case .s3(let operation, let key, let status, let code, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(operation == "PutObject")
            #expect(key == "a/b.json")
            #expect(status == 404)
            #expect(code == "NoSuchBucket")
            #expect(!error.isTransient)
        }
    }

    /// One request per call: the caller's policy retries (the archiver's, through its context).
    @Test func unreachableEndpointsAreTransient() async throws {
        // A port nobody listens on: the attempt fails to connect.
        let client = S3Client(location: .init(endpoint: "http://127.0.0.1:9", bucket: "b", region: "us-east-1", pathStyle: true),
                              credentials: Self.testCredentials, timeout: .seconds(2))
        do {
            try await client.putObject(key: "k.json", body: [1])
            Issue.record("a put to a closed port succeeded")
        } catch {
            #expect(error.isTransient)
            #expect(!"\(error)".contains("testing"))
        }
    }
}
