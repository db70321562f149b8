import ArgumentParser
import Foundation
import Logging
import RecoArchive

/// Where objects go: a directory, or an S3 bucket (AWS or any S3-compatible store).
struct ArchiveTargetOptions: ParsableArguments {
    @Option(help: "Directory target (used unless --s3-bucket is given).")
    var directory = "archive"

    @Option(help: "S3 bucket target.")
    var s3Bucket: String?

    @Option(help: "S3 endpoint URL (default: https://s3.<region>.amazonaws.com).")
    var s3Endpoint: String?

    @Option(help: "S3 region (default: $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1).")
    var s3Region: String?

    @Flag(help: "Path-style S3 addressing (endpoint/bucket/key) instead of virtual-hosted (bucket.endpoint/key).")
    var s3PathStyle = false

    @Flag(help: "Create the bucket at start if it does not exist.")
    var s3CreateBucket = false

    func validate() throws {
        if s3Bucket == nil && (s3Endpoint != nil || s3PathStyle || s3CreateBucket) {
            throw ValidationError("--s3-endpoint, --s3-path-style and --s3-create-bucket need --s3-bucket")
        }
    }

    func makeTarget(environment: [String: String], logger: Logger) async throws -> any ArchiveTarget {
        guard let s3Bucket else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return DirectoryTarget(root: directory)
        }
        let client = try S3Client.configured(bucket: s3Bucket, endpoint: s3Endpoint, region: s3Region, pathStyle: s3PathStyle, environment: environment)
        logger.info("S3 credentials from the environment", metadata: ["aws.credentials": "\(client.signer.credentials)"])
        if s3CreateBucket { try await client.createBucket() }
        return S3Target(client: client)
    }
}
