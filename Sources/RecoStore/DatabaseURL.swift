/// Where to connect: `--database-url`, else `DATABASE_URL`, else libpq's own `PG*` variables
/// (an empty conninfo). `redacted` hides the password for logs.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public let conninfo: String

    public init(_ explicit: String?, environment: [String: String]) {
        conninfo = explicit ?? environment["DATABASE_URL"] ?? ""
    }

    public var description: String { Self.redact(conninfo) }

    /// `postgresql://user:secret@host/db` → `postgresql://user:***@host/db`; `password=x` → `password=***`.
    public static func redact(_ text: String) -> String {
        if text.isEmpty { return "(PG* environment variables)" }
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let credentials = text[scheme.upperBound..<at]
            if let colon = credentials.firstIndex(of: ":") {
                return String(text[..<colon]) + ":***" + String(text[at...])
            }
            return text
        }
        return text.split(separator: " ").map { $0.lowercased().hasPrefix("password=") ? "password=***" : String($0) }.joined(separator: " ")
    }
}
