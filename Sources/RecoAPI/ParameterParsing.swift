import RecoCore

/// Checks of path, query and body values; every failure names the field.
enum ParameterParsing {
    /// A positive id that fits the model's 32-bit ids.
    static func id(_ text: Substring?, field: String) throws(APIError) -> UInt32 {
        guard let text, !text.isEmpty else { throw .invalid(field, "\(field) is required") }
        guard let value = Int64(text) else { throw .invalid(field, "\(field) must be an integer, got '\(text.prefix(40))'") }
        guard value > 0 else { throw .invalid(field, "\(field) must be a positive integer, got \(value)") }
        guard value <= Int64(UInt32.max) else { throw .invalid(field, "\(field) is out of range (at most \(UInt32.max)), got \(value)") }
        return UInt32(value)
    }

    static func limit(_ text: Substring?, field: String = "limit", default defaultValue: Int = 10, maximum: Int = 100) throws(APIError) -> Int {
        guard let text else { return defaultValue }
        guard let value = Int(text) else { throw .invalid(field, "\(field) must be an integer, got '\(text.prefix(40))'") }
        guard (1...maximum).contains(value) else { throw .invalid(field, "\(field) must be between 1 and \(maximum), got \(value)") }
        return value
    }

    static func flag(_ text: Substring?, field: String, default defaultValue: Bool) throws(APIError) -> Bool {
        guard let text else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .invalid(field, "\(field) must be true or false, got '\(text.prefix(40))'")
        }
    }

    /// `ranker=ranker` (default: the model's ranker) or `ranker=svd` (predicted-rating order).
    static func ordering(_ text: Substring?, field: String = "ranker") throws(APIError) -> Recommender.Ordering {
        guard let text else { return .ranker }
        switch text.lowercased() {
        case "ranker", "default", "ease", "ials": return .ranker
        case "svd": return .svd
        default: throw .invalid(field, "\(field) must be ranker or svd, got '\(text.prefix(40))'")
        }
    }
}
