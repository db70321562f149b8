import RecoCore

/// Path and query values through `InputRules` (the checks and messages of request bodies too);
/// every failure names the field.
enum ParameterParsing {
    static func id(_ text: Substring?, field: String) throws(APIError) -> UInt32 {
        guard let text, !text.isEmpty else { throw APIError.invalid(InputRules.required(field)) }
        return try checked { () throws(InputProblem) in try InputRules.id(.text(text), field: field) }
    }

    static func limit(_ text: Substring?, field: String = "limit", default defaultValue: Int = 10, maximum: Int = 100) throws(APIError) -> Int {
        guard let text else { return defaultValue }
        return try checked { () throws(InputProblem) in try InputRules.count(.text(text), field: field, in: 1...maximum) }
    }

    static func flag(_ text: Substring?, field: String, default defaultValue: Bool) throws(APIError) -> Bool {
        guard let text else { return defaultValue }
        return try checked { () throws(InputProblem) in try InputRules.flag(.text(text), field: field) }
    }

    /// `ranker=ranker` (default: the model's ranker) or `ranker=svd` (predicted-rating order).
    static func ordering(_ text: Substring?, field: String = "ranker") throws(APIError) -> Recommender.Ordering {
        guard let text else { return .ranker }
        return try checked { () throws(InputProblem) in try InputRules.ordering(.text(text), field: field) }
    }

    private static func checked<T>(_ check: () throws(InputProblem) -> T) throws(APIError) -> T {
        do {
            return try check()
        } catch {
            throw APIError.invalid(error)
        }
    }
}
