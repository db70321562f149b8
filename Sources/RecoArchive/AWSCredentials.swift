/// Credentials from the standard AWS environment variables. The secret and the session token
/// never appear in descriptions or logs; the access key id is shortened.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
    public static func fromEnvironment(_ environment: [String: String]) throws(ArchiveError) -> AWSCredentials {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw .configuration("S3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: token)
    }

    /// The region from `AWS_REGION`, else `AWS_DEFAULT_REGION`, else us-east-1.
    public static func region(_ environment: [String: String]) -> String {
        environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
    }

    public var description: String {
        let shown = accessKeyId.count > 8 ? "\(accessKeyId.prefix(4))…\(accessKeyId.suffix(4))" : "****"
        return "access key \(shown), secret redacted\(sessionToken == nil ? "" : ", session token redacted")"
    }
}
