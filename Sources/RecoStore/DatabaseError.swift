/// A PostgreSQL failure: the SQLSTATE when the server gave one, and libpq's message.
/// Connection details and passwords are never part of the message.
public struct DatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case connection
        case query
    }

    public let kind: Kind
    /// SQLSTATE, e.g. `23505` (unique violation); empty when libpq reported no state.
    public let sqlState: String
    public let message: String
    /// The statement's first words, to say which query failed without its values.
    public let statement: String?

    public init(kind: Kind, sqlState: String = "", message: String, statement: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.statement = statement
    }

    /// Connection-level trouble (server down, restarted, network) that a retry may cure.
    public var isTransient: Bool {
        kind == .connection || sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
            || sqlState == "40001" || sqlState == "40P01"
    }

    public var description: String {
        var text = "PostgreSQL \(kind.rawValue) error"
        if !sqlState.isEmpty { text += " \(sqlState)" }
        if let statement { text += " in '\(statement)'" }
        return text + ": " + message
    }
}
