/// What is wrong with a request's input, a query parameter or a body field alike: the field
/// (`customer_ids[2]`, `limit`, `body`) and the problem in words, for a 422.
public struct InputProblem: Error, Equatable, Sendable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
