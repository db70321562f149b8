public enum ScoringError: Error, CustomStringConvertible, Sendable, Equatable {
    case unknownMovie(UInt32)

    public var description: String {
        switch self {
        case .unknownMovie(let id): return "movie \(id) is not in the model"
        }
    }
}
