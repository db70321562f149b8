/// A librdkafka error: its code and name, the message, and whether retrying can help or the
/// client is finished. The codes callers test for are in `KafkaError.Code`; values and names
/// come from librdkafka (`RdKafkaError.swift`, the handle layer).
public struct KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// librdkafka's error code (negative: client-side, positive: broker).
    public let code: Int32
    public let name: String
    public let message: String
    public let isRetriable: Bool
    public let isFatal: Bool

    public init(code: Int32, message: String, isRetriable: Bool = false, isFatal: Bool = false) {
        self.code = code
        self.name = Self.name(of: code)
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
    }

    /// A configuration problem, with librdkafka's own message.
    package static func configuration(_ message: String) -> KafkaError {
        KafkaError(code: Code.invalidArgument, message: message)
    }

    public var description: String { "\(name) (\(code)): \(message)" }

    /// librdkafka's codes that callers test for, by name (values in `RdKafkaError.swift`).
    public enum Code {}
}
