/// PostgreSQL array literals for binding many values as one parameter (`unnest($1::text[])`):
/// every element is quoted and escaped, so no value is ever read as SQL.
enum PostgresArray {
    static func text(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            var escaped = "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { escaped.unicodeScalars.append("\\") }
                escaped.unicodeScalars.append(character)
            }
            return escaped + "\""
        }.joined(separator: ",") + "}"
    }

    static func text(_ values: [String]) -> String {
        text(values.map(Optional.some))
    }

    static func numbers(_ values: [Int64]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }

    static func numbers(_ values: [Int?]) -> String {
        "{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}"
    }
}
