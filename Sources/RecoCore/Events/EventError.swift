/// Why a message or feed body is not a valid watch event. `reason` is a stable code for
/// dead-letter headers and metrics; `message` says what exactly was wrong.
public struct EventError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Reason: String, Sendable {
        case empty
        case oversized
        case notJSON = "not_json"
        case unknownFormat = "unknown_format"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
