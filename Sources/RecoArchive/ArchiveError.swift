/// Failures of an archive target, naming the key, file or endpoint (never credentials).
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    case badKey(String)
    case io(path: String, message: String)
    case configuration(String)
    /// An S3 answer other than success: HTTP status, S3 error code and message.
    case s3(operation: String, key: String, status: Int, code: String, message: String)
    case transport(operation: String, key: String, message: String)

    public var description: String {
        switch self {
        case .badKey(let key): "bad object key '\(key)'"
        case .io(let path, let message): "\(path): \(message)"
        case .configuration(let message): message
        case .s3(let operation, let key, let status, let code, let message): "S3 \(operation) '\(key)': HTTP \(status) \(code): \(message)"
        case .transport(let operation, let key, let message): "S3 \(operation) '\(key)': \(message)"
        }
    }

    /// Worth another attempt: throttling, server errors and network failures.
    public var isTransient: Bool {
        switch self {
        case .s3(_, _, let status, _, _): status == 429 || status >= 500 || status == 408
        case .transport: true
        default: false
        }
    }
}
