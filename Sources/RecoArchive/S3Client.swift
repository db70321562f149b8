import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RecoCore

/// The few S3 calls the archive needs (PutObject, CreateBucket, ListObjectsV2, GetObject) against
/// AWS or any S3-compatible endpoint, signed with SigV4. Throttling, server errors and network
/// failures are retried with backoff and jitter.
public struct S3Client: Sendable {
    public struct Location: Sendable, CustomStringConvertible {
        /// `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000`.
        public var endpoint: String
        public var bucket: String
        public var region: String
        /// `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO, moto, most local stores).
        public var pathStyle: Bool

        public init(endpoint: String, bucket: String, region: String, pathStyle: Bool) {
            self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            self.bucket = bucket
            self.region = region
            self.pathStyle = pathStyle
        }

        public var description: String { "s3://\(bucket) at \(endpoint) (\(region), \(pathStyle ? "path-style" : "virtual-hosted"))" }
    }

    /// A client for `bucket` as the services' options give it: the region from the option, else
    /// the environment (`AWSCredentials.region`); the endpoint, else AWS's for the region;
    /// credentials from the environment.
    public static func configured(bucket: String, endpoint: String?, region: String?, pathStyle: Bool,
                                  environment: [String: String]) throws -> S3Client {
        let region = region ?? AWSCredentials.region(environment)
        let location = Location(endpoint: endpoint ?? "https://s3.\(region).amazonaws.com", bucket: bucket, region: region, pathStyle: pathStyle)
        return S3Client(location: location, credentials: try AWSCredentials.fromEnvironment(environment))
    }

    public let location: Location
    public let signer: SigV4Signer
    public let timeout: TimeAmount

    /// Each call is one request: a failure says whether it is transient (`ArchiveError.isTransient`)
    /// and the caller's retry policy decides (the archiver's waits the target out), so no retry
    /// runs inside another.
    public init(location: Location, credentials: AWSCredentials, timeout: TimeAmount = .seconds(30)) {
        self.location = location
        self.signer = SigV4Signer(credentials: credentials, region: location.region)
        self.timeout = timeout
    }

    public func putObject(key: String, body: [UInt8], contentType: String = "application/json") async throws(ArchiveError) {
        _ = try await send("PUT", key: key, body: body, extraHeaders: [("content-type", contentType)], operation: "PutObject")
    }

    public func getObject(key: String) async throws(ArchiveError) -> [UInt8] {
        try await send("GET", key: key, operation: "GetObject")
    }

    /// Creates the bucket; a bucket that already exists and is ours is fine.
    public func createBucket() async throws(ArchiveError) {
        let body = location.region == "us-east-1" ? [] : Array("""
            <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>\(location.region)</LocationConstraint></CreateBucketConfiguration>
            """.utf8)
        do {
            _ = try await send("PUT", key: nil, body: body, operation: "CreateBucket")
        } catch {
            if case .s3(_, _, _, let code, _) = error, code == "BucketAlreadyOwnedByYou" { return }
            throw error
        }
    }

    /// Every key under `prefix`, following continuation tokens.
    public func listObjects(prefix: String) async throws(ArchiveError) -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let answer = String(decoding: try await send("GET", key: nil, query: query, operation: "ListObjectsV2"), as: UTF8.self)
            keys += XMLText.values(of: "Key", in: answer)
            token = XMLText.values(of: "IsTruncated", in: answer).first == "true"
                ? XMLText.values(of: "NextContinuationToken", in: answer).first : nil
        } while token != nil
        return keys.sorted()
    }

    /// One signed request. Returns the body of a 2xx answer.
    private func send(_ method: String, key: String?, query: [(String, String)] = [], body: [UInt8] = [],
                      extraHeaders: [(String, String)] = [], operation: String) async throws(ArchiveError) -> [UInt8] {
        guard let url = URLComponents(string: location.endpoint), let scheme = url.scheme, let endpointHost = url.host else {
            throw .configuration("bad S3 endpoint '\(location.endpoint)'")
        }
        let port = url.port.map { ":\($0)" } ?? ""
        let objectPath = key.map { "/" + SigV4Signer.encode($0, keepSlash: true) } ?? "/"
        let host = location.pathStyle ? endpointHost + port : "\(location.bucket).\(endpointHost)\(port)"
        let path = location.pathStyle ? "/" + SigV4Signer.encode(location.bucket, keepSlash: false) + (key == nil ? "" : objectPath) : objectPath
        let queryText = query.map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }
            .joined(separator: "&")

        let headers = signer.sign(method: method, path: path, query: query, headers: [("host", host)] + extraHeaders,
                                  payloadSHA256: SigV4Signer.payloadHash(body), date: Date())
        var request = HTTPClientRequest(url: "\(scheme)://\(host)\(path)\(queryText.isEmpty ? "" : "?" + queryText)")
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if !body.isEmpty || method == "PUT" {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let target = key ?? location.bucket
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let answer = try await response.body.collect(upTo: 256 << 20)
            let bytes = Array(answer.readableBytesView)
            guard (200..<300).contains(response.status.code) else {
                let text = String(decoding: bytes, as: UTF8.self)
                throw ArchiveError.s3(operation: operation, key: target, status: Int(response.status.code),
                                      code: XMLText.values(of: "Code", in: text).first ?? response.status.reasonPhrase,
                                      message: XMLText.values(of: "Message", in: text).first ?? "")
            }
            return bytes
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw .transport(operation: operation, key: target, message: "\(error)")
        }
    }
}
