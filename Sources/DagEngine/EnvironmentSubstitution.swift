/// `${VAR}` and `${VAR:-default}` in DAG values, from the environment (as in Docker Compose);
/// `$$` stands for a literal `$`. A `$NAME` without braces is left to the shell.
enum EnvironmentSubstitution {
    struct Failure: Error {
        var message: String
    }

    static func apply(_ text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                result.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                result.append("$")
                index = text.index(after: next)
            } else if text[next] == "{" {
                guard let close = text[next...].firstIndex(of: "}") else { throw Failure(message: "unterminated ${ in '\(text)'") }
                let body = String(text[text.index(after: next)..<close])
                let name: String
                let fallback: String?
                if let separator = body.range(of: ":-") {
                    name = String(body[..<separator.lowerBound])
                    fallback = String(body[separator.upperBound...])
                } else {
                    name = body
                    fallback = nil
                }
                guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) else {
                    throw Failure(message: "bad variable name '\(name)' in '\(text)'")
                }
                if let value = environment[name], !value.isEmpty {
                    result += value
                } else if let fallback {
                    result += fallback
                } else {
                    throw Failure(message: "\(name) is not set and has no default (write ${\(name):-default})")
                }
                index = text.index(after: close)
            } else {
                result.append(character)
                index = next
            }
        }
        return result
    }
}
