/// Progress of a long preparation, for the executable to draw.
public struct PreparationProgress: Sendable {
    public var phase: String
    public var completedBytes: Int
    public var totalBytes: Int
}
