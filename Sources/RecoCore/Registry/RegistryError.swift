/// Why a registry operation was refused; the registry is unchanged whenever one is thrown.
public struct RegistryError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case unknownVersion, noCurrent, corrupt, busy, duplicate, io, refused
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
