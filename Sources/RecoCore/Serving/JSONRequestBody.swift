/// The first checks of every JSON request body: it parses, it is an object, and it has only the
/// known fields, each once (a misspelt field is refused, not silently ignored). Fields are then
/// checked with `InputRules`, like query parameters.
enum JSONRequestBody {
    /// The body's members by name; `example` shows the expected shape in the messages.
    static func members(_ bytes: some Collection<UInt8>, fields: [String], example: String) throws(InputProblem) -> [String: JSONValue] {
        let body: JSONValue
        do {
            body = try JSONParser.parse(bytes)
        } catch {
            throw InputProblem(field: "body", message: "body: must be JSON (\(error)); send \(example)")
        }
        return try members(of: body, fields: fields, field: "body", example: example)
    }

    /// The members of an object (the body, or an object inside it at `field`).
    static func members(of value: JSONValue, fields: [String], field: String, example: String) throws(InputProblem) -> [String: JSONValue] {
        guard case .object(let members) = value else {
            throw InputProblem(field: field, message: "\(field): must be an object \(example), got \(InputRules.describe(.json(value)))")
        }
        let prefix = field == "body" ? "" : field + "."
        var values: [String: JSONValue] = [:]
        for (key, value) in members {
            guard fields.contains(key) else {
                throw InputProblem(field: prefix + key, message: "\(prefix)\(key): unknown field (known: \(fields.joined(separator: ", ")))")
            }
            guard values[key] == nil else { throw InputProblem(field: prefix + key, message: "\(prefix)\(key): given twice") }
            values[key] = value
        }
        return values
    }
}
