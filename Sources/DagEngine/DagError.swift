/// A DAG file that cannot be run: the file, the line and what is wrong.
public struct DagError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var message: String
    /// Further problems found in the same pass, each with its own place.
    public var others: [DagError] = []

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// This error followed by `others`.
    func adding(_ others: some Sequence<DagError>) -> DagError {
        var combined = self
        combined.others += others.flatMap { [DagError(file: $0.file, line: $0.line, $0.message)] + $0.others }
        return combined
    }

    /// Every problem, one per line, each as `file:line: message`.
    public var description: String {
        ([self] + others).map { problem in
            if let line = problem.line { return "\(problem.file):\(line): \(problem.message)" }
            return "\(problem.file): \(problem.message)"
        }.joined(separator: "\n")
    }
}
