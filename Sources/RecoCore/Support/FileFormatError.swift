/// A binary file (ratings store, model) that cannot be written or read back.
public struct FileFormatError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case io
        case notThisFormat
        case unsupportedVersion
        case truncated
        case corrupt
    }

    public let code: Code
    public let path: String
    public let message: String

    public init(_ code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
