/// The first checks of every JSON request body: it parses, it is an object, and it has only the
/// known fields, each once (a misspelt field is refused, not silently ignored).
enum JSONRequestBody {
    /// The body's members by name; `example` shows the expected shape in the messages.
    static func members(_ bytes: some Collection<UInt8>, fields: [String], example: String) throws(RecommendationBatchRequest.Problem) -> [String: JSONValue] {
        typealias Problem = RecommendationBatchRequest.Problem
        let body: JSONValue
        do {
            body = try JSONParser.parse(bytes)
        } catch {
            throw Problem(field: "body", message: "the body is not JSON (\(error)); send \(example)")
        }
        guard case .object(let members) = body else {
            throw Problem(field: "body", message: "the body must be a JSON object \(example)")
        }
        var values: [String: JSONValue] = [:]
        for (key, value) in members {
            guard fields.contains(key) else {
                throw Problem(field: key, message: "\(key): unknown field (known: \(fields.joined(separator: ", ")))")
            }
            guard values[key] == nil else { throw Problem(field: key, message: "\(key): given twice") }
            values[key] = value
        }
        return values
    }
}
