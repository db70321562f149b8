/// The checks every request input goes through, query parameters and JSON body fields alike, with
/// one set of messages: `<field>: <what it must be>, got <what it was>`.
public enum InputRules {
    /// A value as it came: the text of a query parameter or path segment, or a JSON value.
    public enum Value {
        case text(Substring)
        case json(JSONValue)
    }

    public static func required(_ field: String) -> InputProblem {
        InputProblem(field: field, message: "\(field): required")
    }

    /// A customer or movie id: a whole number from 1 to 2^32 − 1.
    public static func id(_ value: Value, field: String) throws(InputProblem) -> UInt32 {
        guard let number = wholeNumber(value) else {
            throw InputProblem(field: field, message: "\(field): must be a whole number, got \(describe(value))")
        }
        guard number >= 1, number <= Int64(UInt32.max) else {
            throw InputProblem(field: field, message: "\(field): must be between 1 and \(UInt32.max), got \(describe(value))")
        }
        return UInt32(number)
    }

    /// A whole number in `range` (a limit).
    public static func count(_ value: Value, field: String, in range: ClosedRange<Int>) throws(InputProblem) -> Int {
        guard let number = wholeNumber(value), number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
            throw InputProblem(field: field, message: "\(field): must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(describe(value))")
        }
        return Int(number)
    }

    /// true or false (in a query also 1/0 and yes/no).
    public static func flag(_ value: Value, field: String) throws(InputProblem) -> Bool {
        switch value {
        case .json(.bool(let flag)): return flag
        case .text(let text):
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: break
            }
        default: break
        }
        throw InputProblem(field: field, message: "\(field): must be true or false, got \(describe(value))")
    }

    /// "ranker" (the model's ranker; also "default", "ease", "ials") or "svd" (predicted-rating order).
    public static func ordering(_ value: Value, field: String) throws(InputProblem) -> Recommender.Ordering {
        let name: String? = switch value {
        case .text(let text): String(text)
        case .json(.string(let text)): text
        default: nil
        }
        switch name?.lowercased() {
        case "ranker", "default", "ease", "ials": return .ranker
        case "svd": return .svd
        default: throw InputProblem(field: field, message: "\(field): must be \"ranker\" or \"svd\", got \(describe(value))")
        }
    }

    /// A JSON array of at most `maximum` elements.
    public static func array(_ value: JSONValue, field: String, of what: String, maximum: Int) throws(InputProblem) -> [JSONValue] {
        guard case .array(let elements) = value else {
            throw InputProblem(field: field, message: "\(field): must be an array of \(what), got \(describe(.json(value)))")
        }
        guard elements.count <= maximum else {
            throw InputProblem(field: field, message: "\(field): at most \(maximum) per call, got \(elements.count)")
        }
        return elements
    }

    private static func wholeNumber(_ value: Value) -> Int64? {
        switch value {
        case .text(let text): return Int64(text)
        case .json(.number(let number)):
            guard number.isFinite, number == number.rounded(), abs(number) < 9.0e18 else { return nil }
            return Int64(number)
        default: return nil
        }
    }

    /// A value as a message shows it: short, and its type when that is the problem.
    static func describe(_ value: Value) -> String {
        switch value {
        case .text(let text): "'\(text.prefix(40))'"
        case .json(.null): "null"
        case .json(.bool(let flag)): "\(flag)"
        case .json(.number(let number)): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .json(.string(let text)): "the string \"\(text.prefix(40))\""
        case .json(.array): "an array"
        case .json(.object): "an object"
        }
    }
}
