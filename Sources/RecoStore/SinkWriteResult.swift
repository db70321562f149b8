/// What one write stored.
public struct SinkWriteResult: Sendable, Equatable {
    public var inserted: Int
    public var regressions: [OffsetRegression]

    public init(inserted: Int, regressions: [OffsetRegression] = []) {
        self.inserted = inserted
        self.regressions = regressions
    }
}
