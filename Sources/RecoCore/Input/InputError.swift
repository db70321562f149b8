/// A problem with an input file, located as precisely as the format allows.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case unreadable
        case empty
        case unknownFormat
        case malformedLine
        case encoding
    }

    public let code: Code
    public let file: String
    /// 1-based line number, or nil when the problem concerns the whole file.
    public let line: Int?
    public let field: String?
    public let message: String

    public init(_ code: Code, file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let field { return "\(location): field '\(field)': \(message)" }
        return "\(location): \(message)"
    }
}
