/// What one ratings file contributed.
public struct RatingsReadResult: Sendable, Equatable {
    public var file: String
    public var lines = 0
    public var ratings = 0
    public var skipped = SkippedLines()

    public init(file: String) { self.file = file }
}

extension SkippedLines {
    /// Applies `policy` to a bad line: throws under `.fail`, records it under `.skip`.
    mutating func handle(_ error: InputError, policy: BadLinePolicy) throws(InputError) {
        switch policy {
        case .fail: throw error
        case .skip: record(error)
        }
    }
}
